"""What events plug into the site (bluelamp/core/plugins.py)."""

from bluelamp.core.plugins import present_parts

PARTS: tuple[str, ...] = ("bluelamp.events.web.nav", "bluelamp.events.rest.plugin")


def register() -> None:
    for part in present_parts(PARTS):
        part.register()
