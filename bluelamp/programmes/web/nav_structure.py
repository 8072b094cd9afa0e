"""Programmes' header link for those who build programmes or run their cohorts (registered by
plugins.py): to the programmes they run."""

from bluelamp.core.plugins import NavEntry, register_nav
from bluelamp.programmes.selectors import may_run_any


def _active(path: str, href: str) -> bool:
    # Every page of building and running a programme; the learner's pages are theirs.
    return path.startswith("/programmes/manage/")


def register() -> None:
    # may_run_any is asked on every page: the role checks are remembered on the person, no query.
    register_nav(NavEntry("Programmes", "programmes:manage", order=121, visible=may_run_any, active=_active))
