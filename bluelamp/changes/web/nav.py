"""Changes' link in the header (registered by plugins.py): national service-desk staff and CAB
members."""

from bluelamp.changes.selectors import may_see_changes
from bluelamp.core.plugins import NavEntry, register_nav


def register() -> None:
    register_nav(NavEntry("Changes", "changes:rfcs", order=35, visible=may_see_changes))
