"""The home page's "Your mandatory training" card (registered by plugins.py; see
bluelamp/core/plugins.py), for people who have requirements."""

from django.db.models import Count, Q

from bluelamp.compliance.models import Assignment, Status
from bluelamp.core.plugins import HomeCard, register_home_cards
from bluelamp.people.api import Person


def your_mandatory_training(user) -> dict | None:
    """How many of the person's requirements are overdue and due soon, and the next due date (of
    those not yet overdue), as the last evaluation left them; for a line manager, a link to their
    team's; None for someone with neither."""
    if not getattr(user, "is_authenticated", False):
        return None
    mine = Assignment.objects.filter(person=user, in_audience=True)
    counts = mine.aggregate(
        total=Count("id"),
        overdue=Count("id", filter=Q(status=Status.OVERDUE)),
        due=Count("id", filter=Q(status=Status.DUE)),
    )
    has_team = Person.objects.filter(line_manager_id=user.pk, status=Person.Status.ACTIVE).exists()
    if not counts["total"] and not has_team:
        return None
    upcoming = counts["total"] and (
        mine.exclude(status__in=[Status.OVERDUE, Status.EXEMPT])
        .filter(due_on__isnull=False)
        .select_related("requirement")
        .order_by("due_on", "requirement__code")
        .first()
    )
    return {**counts, "next": upcoming, "has_team": has_team}


def register() -> None:
    register_home_cards(
        HomeCard(
            "compliance/people/cards/your_mandatory_training.html", order=5, context=your_mandatory_training
        )
    )
