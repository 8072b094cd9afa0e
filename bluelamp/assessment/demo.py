"""Assessment's demo data (a DemoLoader after learning's): banks imported from files, a quiz and
an assignment on a demo course. Each applet adds its part through `load_parts`."""


def register() -> None:
    pass
