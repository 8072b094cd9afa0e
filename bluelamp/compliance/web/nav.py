"""Mandatory training's link in the header (registered by plugins.py): to the dashboard, for those
who manage requirements or read compliance figures (report viewers)."""

from bluelamp.compliance import selectors
from bluelamp.core.plugins import NavEntry, register_nav


def _may_see(user) -> bool:
    return selectors.sight(user).figures.anything or bool(selectors.organisations_managed(user))


def _active(path: str, href: str) -> bool:
    # Every page of the section (requirements, people, schedules); a person's own page is theirs.
    return path.startswith("/compliance/") and not path.startswith("/compliance/people/me/")


def register() -> None:
    register_nav(
        NavEntry("Mandatory training", "compliance:dashboard", order=125, visible=_may_see, active=_active)
    )
