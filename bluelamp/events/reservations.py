"""Line managers' reservations: places kept on a session for their team before they name who
takes them.

Reserving takes the places at once (the session's `booked`, by the same conditional UPDATE as a
booking: never more than the capacity). Naming one of the manager's reports turns a reserved
place into their booking (awaiting an administrator's approval, or payment, where the event asks
for it: the manager's own approval is given by reserving). Places not named by `release_at`
(booking's close, at the latest) go back and are offered to the waiting list, as do places the
manager releases earlier.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.core.timefmt import format_datetime
from bluelamp.events import booking as booking_service
from bluelamp.events import mail, selectors
from bluelamp.events.models import Booking, EventSession, Reservation

MAX_PLACES = 50
RELEASE_BEFORE_CLOSE = dt.timedelta(hours=48)


def _audit(actor, action: str, reservation: Reservation, **changes) -> None:
    audit_record(
        actor=actor,
        action=f"events.{action}",
        obj=reservation,
        object_label=f"{reservation.places} places on {reservation.session}",
        **changes,
    )


def may_reserve(person, session: EventSession) -> bool:
    """Line managers (someone reports to them) in the event's audience."""
    return selectors.is_line_manager(person) and selectors.in_audience(person, session.event)


def reserve(*, actor, session: EventSession, places: int, at: dt.datetime | None = None) -> Reservation:
    at = at or timezone.now()
    if not may_reserve(actor, session):
        raise PermissionDenied("Only line managers in the event's audience reserve places.")
    if not 1 <= places <= MAX_PLACES:
        raise ValidationError({"places": [f"Reserve 1 to {MAX_PLACES} places"]})
    booking_service._check_open(session, at)
    with transaction.atomic():
        took = EventSession.objects.filter(
            pk=session.pk, status=EventSession.Status.SCHEDULED, booked__lte=F("capacity") - places
        ).update(booked=F("booked") + places)
        if not took:
            left = EventSession.objects.values_list("capacity", "booked").get(pk=session.pk)
            raise ValidationError(
                {"places": [f"Only {max(left[0] - left[1], 0)} places are left: reserve at most that many"]}
            )
        reservation = Reservation.objects.create(
            session=session, manager=actor, places=places, unnamed=places,
            release_at=max(at, session.booking_closes_at - RELEASE_BEFORE_CLOSE), created_at=at,
        )  # fmt: skip
        _audit(actor, "places_reserved", reservation, after={"places": places})
    return reservation


def access_reservation(person, reservation_uuid) -> Reservation:
    """The manager's own reservation, or one on an event the person administers: else 404."""
    from django.http import Http404

    wanted = selectors.parse_uuid(reservation_uuid)
    reservation = (
        Reservation.objects.select_related("session__event", "manager").filter(uuid=wanted).first()
        if wanted is not None and getattr(person, "is_authenticated", False)
        else None
    )
    if reservation is None or not (
        reservation.manager_id == person.pk or selectors.may_administer(person, reservation.session.event)
    ):
        raise Http404("No such reservation")
    return reservation


def name_person(*, actor, reservation: Reservation, person, at: dt.datetime | None = None) -> Booking:
    """Give one of the reservation's places to one of the manager's reports."""
    at = at or timezone.now()
    if actor.pk != reservation.manager_id:
        raise PermissionDenied("Only the manager who reserved the places names who takes them.")
    session = reservation.session
    event = session.event
    if person.line_manager_id != actor.pk:
        raise ValidationError({"person": [f"{person.get_full_name()} does not report to you"]})
    if not selectors.in_audience(person, event):
        raise ValidationError({"person": [f"{person.get_full_name()} is not in this event's audience"]})
    try:
        with transaction.atomic():
            locked = Reservation.objects.select_for_update(of=("self",)).get(pk=reservation.pk)
            if locked.released_at is not None or locked.unnamed < 1:
                raise ValidationError({"person": ["Every place of this reservation is taken or released"]})
            if (
                Booking.objects.filter(session=session, person=person)
                .exclude(status=Booking.Status.CANCELLED)
                .exists()
            ):
                raise ValidationError(
                    {"person": [f"{person.get_full_name()} already has a place or is on the waiting list"]}
                )
            booking = Booking(
                session=session,
                person=person,
                booked_by=actor,
                reservation=locked,
                created_at=at,
                updated_at=at,
            )
            stage = booking_service._first_stage(actor, person, event)
            booking_service._hold(
                booking,
                Booking.Status.PENDING_APPROVAL if stage else booking_service._after_approval(event),
                stage=stage,
                at=at,
            )
            booking.save()
            locked.unnamed -= 1
            locked.save(update_fields=["unnamed"])
            _audit(
                actor, "reserved_place_named", locked, after={"person": person.pk, "status": booking.status}
            )
            mail.queue(booking, booking.status, at=at)
    except IntegrityError:
        raise ValidationError(
            {"person": [f"{person.get_full_name()} already has a place or is on the waiting list"]}
        ) from None
    return booking


def release(*, actor, reservation: Reservation, at: dt.datetime | None = None) -> int:
    """Give back the places not yet named (the manager, an administrator, or the system when
    `release_at` passes); they are offered to the waiting list. How many."""
    at = at or timezone.now()
    if actor is not None and not (
        actor.pk == reservation.manager_id or selectors.may_administer(actor, reservation.session.event)
    ):
        raise PermissionDenied("Only the manager who reserved the places releases them.")
    with transaction.atomic():
        locked = Reservation.objects.select_for_update(of=("self",)).get(pk=reservation.pk)
        session = EventSession.objects.select_for_update(of=("self",)).get(pk=locked.session_id)
        freed = locked.unnamed if locked.released_at is None else 0
        locked.unnamed = 0
        locked.released_at = locked.released_at or at
        locked.save(update_fields=["unnamed", "released_at"])
        if freed:
            EventSession.objects.filter(pk=session.pk).update(booked=F("booked") - freed)
            if at < session.booking_closes_at and session.status == EventSession.Status.SCHEDULED:
                booking_service.offer_free_places(session, at=at)
            _audit(actor, "reservation_released", locked, after={"freed": freed})
    return freed


def release_due(*, at: dt.datetime | None = None) -> int:
    """Reservations whose time has come give back their unnamed places; how many places."""
    at = at or timezone.now()
    freed = 0
    for reservation in Reservation.objects.filter(
        released_at__isnull=True, release_at__lte=at
    ).select_related("session__event"):
        freed += release(actor=None, reservation=reservation, at=at)
    return freed


def describe(reservation: Reservation) -> str:
    return (
        f"{reservation.places} places reserved, {reservation.unnamed} not yet named; "
        f"released {format_datetime(reservation.release_at)} if not named"
    )
