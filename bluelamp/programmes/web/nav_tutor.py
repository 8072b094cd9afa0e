"""The tutor part's header link (registered by plugins.py): "Your learners", the caseload, for
people who tutor. Asked on every page: the role check is remembered per request, no query of
its own (a concierge without the tutor role reaches the caseload from the place pages)."""

from bluelamp.core.plugins import NavEntry, register_nav
from bluelamp.organisations.api import Perm, access_for


def _tutors(user) -> bool:
    return access_for(user, Perm.LEARNING_TUTOR).anything


def register() -> None:
    register_nav(NavEntry("Your learners", "programmes:caseload", order=25, visible=_tutors))
