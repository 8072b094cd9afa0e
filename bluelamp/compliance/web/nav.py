"""Mandatory training's link in the header (registered by plugins.py): to the dashboard, for those
who manage requirements or read compliance figures (report viewers), and for line managers (their
team's view)."""

from bluelamp.core.plugins import NavEntry, register_nav
from bluelamp.organisations.api import Perm, access_for
from bluelamp.people.api import Person

_REPORTS_ATTR = "_bluelamp_has_reports"


def _has_reports(user) -> bool:
    # Asked on every page: remembered on the request's user object.
    if not hasattr(user, _REPORTS_ATTR):
        setattr(
            user,
            _REPORTS_ATTR,
            Person.objects.filter(line_manager_id=user.pk, status=Person.Status.ACTIVE).exists(),
        )
    return getattr(user, _REPORTS_ATTR)


def _may_see(user) -> bool:
    # Asked on every page: the role checks are remembered per request; no query of their own.
    return (
        access_for(user, Perm.LEARNING_MANAGE).anything
        or access_for(user, Perm.REPORTS_VIEW).anything
        or _has_reports(user)
    )


def _active(path: str, href: str) -> bool:
    # Every page of the section (requirements, people, schedules); a person's own page is theirs.
    return path.startswith("/compliance/") and not path.startswith("/compliance/people/me/")


def register() -> None:
    register_nav(
        NavEntry("Mandatory training", "compliance:dashboard", order=125, visible=_may_see, active=_active)
    )
