"""What changes and releases plug into the site (bluelamp/core/plugins.py)."""

from bluelamp.core.plugins import present_parts

PARTS = (
    "bluelamp.changes.web.nav",
    "bluelamp.changes.web.panels",
    "bluelamp.changes.web.ticket_panel",
    "bluelamp.changes.demo",
)


def register() -> None:
    for part in present_parts(PARTS):
        part.register()
