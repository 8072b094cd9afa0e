"""Mandatory training's link in the header (registered by plugins.py): to the dashboard, for those
who manage requirements or read compliance figures (report viewers). Line managers reach their
team's view from the home page's card (web/cards.py): asking whether someone has reports would cost
every page a query."""

from bluelamp.core.plugins import NavEntry, register_nav
from bluelamp.organisations.api import Perm, access_for


def _may_see(user) -> bool:
    # Asked on every page: the role checks are remembered per request; no query of their own.
    return access_for(user, Perm.LEARNING_MANAGE).anything or access_for(user, Perm.REPORTS_VIEW).anything


def _active(path: str, href: str) -> bool:
    # Every page of the section (requirements, people, schedules); a person's own page is theirs.
    return path.startswith("/compliance/") and not path.startswith("/compliance/people/me/")


def register() -> None:
    register_nav(
        NavEntry("Mandatory training", "compliance:dashboard", order=125, visible=_may_see, active=_active)
    )
