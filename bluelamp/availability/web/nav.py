"""Availability's link in the header (registered by plugins.py): the national service's staff and
CAB members. Organisations' report readers, who may read the report too, reach it from the status
page (their header is full enough)."""

from bluelamp.availability.selectors import may_see_maintenance
from bluelamp.core.plugins import NavEntry, register_nav


def register() -> None:
    register_nav(NavEntry("Availability", "availability:report", order=36, visible=may_see_maintenance))
