"""Background work for bookings (Django's Tasks API)."""

from django_tasks import task

from bluelamp.events.booking import offers_expire


@task()
def expire_place_offers() -> int:
    """Every few minutes (`bluelamp run-frequent`): offers of a freed place that ran out pass to the
    next on the waiting list. How many ran out."""
    return offers_expire()


FREQUENT = [expire_place_offers]
