"""The learner part's home-page cards (registered by plugins.py): what is due in the next 14 days
(first 5, linking to the upcoming tasks page), and "Your programmes" for people with a place.
No header link: the cards and "My learning" lead there, and a header entry would cost every
page a query."""

from __future__ import annotations

from bluelamp.core.plugins import HomeCard, register_home_cards
from bluelamp.programmes.models import Place

CARD_ROWS = 5


def due_soon_card(user) -> dict | None:
    """The person's first tasks of the next 14 days; None when nothing is due."""
    if not getattr(user, "is_authenticated", False):
        return None
    from bluelamp.programmes import upcoming
    from bluelamp.programmes.web import views_learner

    day = views_learner.today()
    start, end = upcoming.window(day)
    tasks = upcoming.tasks_for(user, start=start, end=end)
    if not tasks:
        return None
    rows = [
        views_learner.TaskRow(t, upcoming.due_words(t.due_on, today=day), upcoming.long_date(t.due_on))
        for t in tasks[:CARD_ROWS]
    ]
    return {"rows": rows, "count": len(tasks), "days": upcoming.WINDOW_DAYS}


def programmes_card(user) -> dict | None:
    """The person's live and completed places; None when they have none."""
    if not getattr(user, "is_authenticated", False):
        return None
    places = list(
        Place.objects.filter(person=user, status__in=[*Place.LIVE, Place.Status.COMPLETED])
        .select_related("programme")
        .order_by("-applied_at", "-pk")
    )
    return {"places": places} if places else None


def register() -> None:
    register_home_cards(
        HomeCard("programmes/learner/cards/upcoming.html", order=3, context=due_soon_card),
        HomeCard("programmes/learner/cards/programmes.html", order=4, context=programmes_card),
    )
