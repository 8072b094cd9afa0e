"""Booking a place: capacity that holds however many book at once, the waiting list in arrival
order, offers of freed places, and cancellation.

A place is taken by one conditional UPDATE of the session's `booked` counter (`booked < capacity`).
On PostgreSQL the row lock it takes is held to the end of the transaction, and a competing UPDATE
that waited for it checks the condition again on the row as committed: so with 500 people booking
100 places at once, exactly 100 take one. Whoever finds no place joins the waiting list, numbered
from the session's `waitlist_last` under the same row lock: the numbers are the order in which
people reached the session. A database check (`session_not_overbooked`) backs this up.

A freed place (a cancellation) is offered to the first on the waiting list, held for them until
`offer_expires_at` (OFFER_HOURS); they accept it, or it passes to the next when it runs out
(`offers_expire`, a frequent task). Cancelling is the booker's until the event's cut-off (working
days before the first date); an administrator may cancel any time, which after the cut-off is
recorded as a late cancellation.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.core.timefmt import LONDON, format_datetime, london
from bluelamp.events import selectors
from bluelamp.events.models import Booking, Event, EventSession
from bluelamp.workingtime.api import working_day_on_or_after

OFFER_HOURS = 48
Status = Booking.Status


def _audit(actor, action: str, booking: Booking, **changes) -> None:
    audit_record(
        actor=actor,
        action=f"events.{action}",
        obj=booking,
        object_label=f"{booking.session} ({booking.person_id})",
        **changes,
    )


def _place_status(event: Event) -> str:
    """What a place is while nothing else is needed of the booker: approval first, then payment."""
    if event.approval != Event.Approval.NONE:
        return Status.PENDING_APPROVAL
    if event.pricing == Event.Pricing.PER_PLACE and event.price_pence:
        return Status.PENDING_PAYMENT
    return Status.BOOKED


def _check_open(session: EventSession, at: dt.datetime) -> None:
    event = session.event
    if event.status != Event.Status.PUBLISHED or session.status != EventSession.Status.SCHEDULED:
        raise ValidationError({"session": ["This session is not open for booking"]})
    if at < session.booking_opens_at:
        raise ValidationError({"session": [f"Booking opens on {format_datetime(session.booking_opens_at)}"]})
    if at >= session.booking_closes_at:
        raise ValidationError(
            {"session": [f"Booking closed on {format_datetime(session.booking_closes_at)}"]}
        )


def book(*, actor, session: EventSession, person, at: dt.datetime | None = None) -> Booking:
    """Book `person` on `session`: a place if one is free (booked, or awaiting approval or
    payment), else the waiting list. The booker themself, their line manager, or an administrator
    of the event (`selectors.may_book_for`)."""
    at = at or timezone.now()
    if actor is not None and not selectors.may_book_for(actor, person, session.event):
        raise PermissionDenied("You may not book this person on this event.")
    if not selectors.in_audience(person, session.event):
        raise ValidationError({"session": [f"{person.get_full_name()} is not in this event's audience"]})
    _check_open(session, at)
    if Booking.objects.filter(session=session, person=person).exclude(status=Status.CANCELLED).exists():
        raise ValidationError(
            {"session": [f"{person.get_full_name()} already has a place or is on the waiting list"]}
        )
    try:
        with transaction.atomic():
            took = EventSession.objects.filter(
                pk=session.pk, status=EventSession.Status.SCHEDULED, booked__lt=F("capacity")
            ).update(booked=F("booked") + 1)
            if took:
                booking = Booking.objects.create(
                    session=session, person=person, status=_place_status(session.event), booked_by=actor,
                    created_at=at, updated_at=at,
                )  # fmt: skip
            else:
                EventSession.objects.filter(pk=session.pk).update(
                    waitlisted=F("waitlisted") + 1, waitlist_last=F("waitlist_last") + 1
                )
                number = EventSession.objects.values_list("waitlist_last", flat=True).get(pk=session.pk)
                booking = Booking.objects.create(
                    session=session, person=person, status=Status.WAITLISTED, waitlist_number=number,
                    booked_by=actor, created_at=at, updated_at=at,
                )  # fmt: skip
            _audit(actor, "booked", booking, after={"status": booking.status})
    except IntegrityError:  # the same person booked twice at once: one of them stands
        raise ValidationError(
            {"session": [f"{person.get_full_name()} already has a place or is on the waiting list"]}
        ) from None
    return booking


def waitlist_position(booking: Booking) -> int | None:
    """1 for the first waiting, and so on; None when not waiting."""
    if booking.status != Status.WAITLISTED:
        return None
    ahead = Booking.objects.filter(
        session_id=booking.session_id, status=Status.WAITLISTED, waitlist_number__lt=booking.waitlist_number
    ).count()
    return ahead + 1


def cancel_cutoff(session: EventSession) -> dt.datetime:
    """Until when the booker may cancel: the end of the day that is `cancel_cutoff_working_days`
    working days before the first date (for a Tuesday and 2, the Friday before; UK time). With 0,
    until the session starts."""
    days = session.event.cancel_cutoff_working_days
    if not days:
        return session.starts_at
    day = london(session.starts_at).date()
    for _ in range(days):
        day -= dt.timedelta(days=1)
        while working_day_on_or_after(day) != day:
            day -= dt.timedelta(days=1)
    following = day + dt.timedelta(days=1)
    return dt.datetime(following.year, following.month, following.day, tzinfo=LONDON)


def cancel(*, actor, booking: Booking, reason: str = "", at: dt.datetime | None = None) -> Booking:
    """Cancel a place or a place in the queue. The booker (or whoever booked them) until the
    cut-off; the event's administrators any time (after the cut-off it is a late cancellation). A
    place freed is offered to the first on the waiting list."""
    at = at or timezone.now()
    admin = actor is None or selectors.may_administer(actor, booking.session.event)
    if not admin and not selectors.may_cancel_own(actor, booking):
        raise PermissionDenied("You may not cancel this booking.")
    with transaction.atomic():
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        session = EventSession.objects.select_for_update().select_related("event").get(pk=locked.session_id)
        if locked.status == Status.CANCELLED:
            raise ValidationError({"booking": ["This booking is already cancelled"]})
        late = at >= cancel_cutoff(session)
        if late and not admin:
            raise ValidationError(
                {
                    "booking": [
                        f"Bookings could be cancelled until {format_datetime(cancel_cutoff(session))}: ask the training administrator"
                    ]
                }
            )
        before = locked.status
        held = locked.holds_place
        locked.status = Status.CANCELLED
        locked.cancelled_at, locked.cancelled_by, locked.cancel_reason = at, actor, (reason or "").strip()
        locked.ics_sequence += 1
        locked.updated_at = at
        if late and held and at < session.starts_at:
            locked.attendance = Booking.Attendance.LATE_CANCEL
        locked.save()
        if held:
            EventSession.objects.filter(pk=session.pk).update(booked=F("booked") - 1)
            if at < session.starts_at:
                _offer_next(session, at=at)
        elif before == Status.WAITLISTED:
            EventSession.objects.filter(pk=session.pk).update(waitlisted=F("waitlisted") - 1)
        _audit(
            actor,
            "cancelled",
            locked,
            before={"status": before},
            after={"status": locked.status, "late": late},
        )
    return locked


def _offer_next(session: EventSession, *, at: dt.datetime) -> Booking | None:
    """Offer a free place to the first waiting (in the caller's transaction, the session locked)."""
    took = EventSession.objects.filter(pk=session.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1)
    if not took:
        return None
    first = (
        Booking.objects.select_for_update()
        .filter(session=session, status=Status.WAITLISTED)
        .order_by("waitlist_number", "pk")
        .first()
    )
    if first is None:
        EventSession.objects.filter(pk=session.pk).update(booked=F("booked") - 1)
        return None
    first.status = Status.OFFERED
    first.offer_expires_at = min(at + dt.timedelta(hours=OFFER_HOURS), session.booking_closes_at)
    first.updated_at = at
    first.save(update_fields=["status", "offer_expires_at", "updated_at"])
    EventSession.objects.filter(pk=session.pk).update(waitlisted=F("waitlisted") - 1)
    _audit(None, "offered", first, after={"expires": first.offer_expires_at.isoformat()})
    return first


def accept_offer(*, actor, booking: Booking, at: dt.datetime | None = None) -> Booking:
    """The person offered a freed place takes it (before the offer runs out)."""
    at = at or timezone.now()
    if actor is not None and actor.pk != booking.person_id:
        raise PermissionDenied("Only the person offered the place may accept it.")
    with transaction.atomic():
        locked = Booking.objects.select_for_update().select_related("session__event").get(pk=booking.pk)
        if locked.status != Status.OFFERED:
            raise ValidationError({"booking": ["There is no place offered to accept"]})
        if locked.offer_expires_at and at >= locked.offer_expires_at:
            raise ValidationError(
                {"booking": [f"The offer ran out on {format_datetime(locked.offer_expires_at)}"]}
            )
        locked.status = _place_status(locked.session.event)
        locked.offer_expires_at = None
        locked.ics_sequence += 1
        locked.updated_at = at
        locked.save()
        _audit(actor, "offer_accepted", locked, after={"status": locked.status})
    return locked


def offers_expire(*, at: dt.datetime | None = None) -> int:
    """Offers that ran out are withdrawn and the place offered to the next waiting; how many."""
    at = at or timezone.now()
    expired = 0
    for pk in Booking.objects.filter(status=Status.OFFERED, offer_expires_at__lte=at).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            locked = Booking.objects.select_for_update().filter(pk=pk, status=Status.OFFERED).first()
            if locked is None:
                continue
            session = EventSession.objects.select_for_update().get(pk=locked.session_id)
            locked.status = Status.CANCELLED
            locked.cancelled_at = at
            locked.cancel_reason = "The offer of a place ran out."
            locked.ics_sequence += 1
            locked.updated_at = at
            locked.save()
            EventSession.objects.filter(pk=session.pk).update(booked=F("booked") - 1)
            _audit(None, "offer_expired", locked, after={"status": locked.status})
            if at < session.booking_closes_at:
                _offer_next(session, at=at)
            expired += 1
    return expired
