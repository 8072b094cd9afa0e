"""Background work for bookings (Django's Tasks API), run every few minutes (`bluelamp
run-frequent`)."""

import logging

from django_tasks import task

from bluelamp.events import payments, reservations
from bluelamp.events.booking import holds_expire, send_reminders
from bluelamp.events.gateway import GatewayError, get_gateway

logger = logging.getLogger(__name__)


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


@task()
def tell_booker(
    booking_pk: int, what: str, at: str, reason: str, was_booked: bool, was: str, held_until: str
) -> str:
    """Render and queue a booker's e-mail (mail.queue put it here, in the transaction of the change
    it tells of)."""
    import datetime as dt

    from bluelamp.events import mail
    from bluelamp.events.models import Booking

    booking = (
        Booking.objects.select_related("session__event__owner", "session__room__venue", "person", "booked_by")
        .filter(pk=booking_pk)
        .first()
    )
    if booking is None:
        return "no such booking"
    mail.tell(
        booking, what, at=dt.datetime.fromisoformat(at), reason=reason, was_booked=was_booked, was=was,
        held_until=dt.datetime.fromisoformat(held_until) if held_until else None,
    )  # fmt: skip
    return what


@task()
def refund_payment(payment_pk: int, why: str) -> int:
    """A refund the policy gives, after the cancellation committed (pence given back). If the card
    service cannot be reached it is left owed: `refund_owed_payments` makes it later."""
    try:
        return payments.refund_after_cancel(payment_pk, why)
    except GatewayError as error:
        logger.warning("Refund of payment %s not made yet: %s", payment_pk, error.message)
        return 0


@task()
def cancel_payment_intent(intent_id: str) -> str:
    """An intent no longer wanted (the place went another way) is cancelled at the gateway, so
    it cannot be paid later; an intent already paid is refunded by the webhook's handling."""
    try:
        return get_gateway().cancel_intent(intent_id, idempotency_key=f"events-cancel-{intent_id}").status
    except GatewayError as error:
        logger.warning("Could not cancel an unused payment intent: %s", error.message)
        return "not cancelled"


@task()
def refund_owed_payments() -> int:
    """Refunds owed whose first try failed (the card service was down): try again. How many."""
    made = 0
    for payment_pk, why in payments.refunds_owed():
        try:
            if payments.refund_after_cancel(payment_pk, why):
                made += 1
        except GatewayError as error:
            logger.warning("Refund of payment %s not made yet: %s", payment_pk, error.message)
            break  # the service is down: the next run tries again
    return made


FREQUENT = [expire_place_offers, send_booking_reminders, release_reservations, refund_owed_payments]
