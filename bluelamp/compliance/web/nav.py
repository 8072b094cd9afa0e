"""Mandatory training's link in the header (registered by plugins.py)."""

from django.urls import NoReverseMatch, reverse

from bluelamp.compliance import selectors
from bluelamp.core.plugins import NavEntry, register_nav

# The section's front page: the dashboard at /compliance/ once it is there, the requirements until
# then (so the link works whichever is built first).
FRONT_PAGES = ("compliance:dashboard", "compliance:requirements")


def _may_see(user) -> bool:
    """Those who manage requirements or read compliance figures (report viewers)."""
    return selectors.sight(user).figures.anything or bool(selectors.organisations_managed(user))


def _front_page(user) -> str:
    for name in FRONT_PAGES:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    raise NoReverseMatch(f"none of {', '.join(FRONT_PAGES)} exists")


def _active(path: str, href: str) -> bool:
    # Every page of the section, whichever is its front page; a person's own page is theirs.
    return path.startswith("/compliance/") and not path.startswith("/compliance/people/me/")


class _SectionEntry(NavEntry):
    def href(self, user) -> str:
        return _front_page(user)


def register() -> None:
    register_nav(
        _SectionEntry(
            "Mandatory training", "compliance:requirements", order=125, visible=_may_see, active=_active
        )
    )
