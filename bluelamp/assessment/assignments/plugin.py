"""What the assignments applet adds to the site (registered by bluelamp/assessment/plugins.py)."""


def register() -> None:
    pass
