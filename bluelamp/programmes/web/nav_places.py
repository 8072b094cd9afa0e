"""The places part's home card, "Applications to decide (N)", registered by plugins.py: for line
managers with a report's application waiting, and programme administrators with applications at
their step. (The "Programmes" header link belongs to the structure part.)"""

from bluelamp.core.plugins import HomeCard, register_home_cards
from bluelamp.programmes import selectors


def applications_to_decide(user) -> dict | None:
    """How many applications wait for the reader (one query, two for an administrator), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    count = selectors.applications_for_manager(user).count()
    if selectors.may_run_any(user):
        count += selectors.applications_for_admin(user).count()
    return {"count": count} if count else None


def register() -> None:
    register_home_cards(HomeCard("programmes/places/_card.html", order=12, context=applications_to_decide))
