"""Background work for bookings (Django's Tasks API), run every few minutes (`bluelamp
run-frequent`)."""

from django_tasks import task

from bluelamp.events import reservations
from bluelamp.events.booking import holds_expire, send_reminders


@task()
def expire_place_offers() -> int:
    """Places held past their time (offers not accepted, bookings not approved or not paid for)
    pass to the next on the waiting list. How many ran out."""
    return holds_expire()


@task()
def send_booking_reminders() -> int:
    """The reminders a week and a day before each session. How many were sent."""
    return send_reminders()


@task()
def release_reservations() -> int:
    """Managers' reserved places not named by their time go back to the session. How many."""
    return reservations.release_due()


FREQUENT = [expire_place_offers, send_booking_reminders, release_reservations]
