"""The home page's "Your certificates" card, for people who hold one (registered by plugins.py)."""

from bluelamp.core.plugins import HomeCard, register_home_cards
from bluelamp.credentials import selectors


def your_certificates(user) -> dict | None:
    if not getattr(user, "is_authenticated", False):
        return None
    certificates = list(selectors.certificates_of(user)[:3])
    if not certificates:
        return None
    return {"latest": certificates, "count": selectors.certificates_of(user).count()}


def register() -> None:
    register_home_cards(HomeCard("credentials/learner/_card.html", order=30, context=your_certificates))
