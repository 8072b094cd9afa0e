"""Writes to events, their sessions and venues. Each checks who acts first (PermissionDenied),
then the input (ValidationError naming the field, nothing written), then writes and audits in one
transaction. `actor=None` is the system (the demo data, tests' factories).

A session's dates may not put a room or a trainer in two places at once: the clash is refused,
naming the other session and its time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.core.timefmt import format_datetime
from bluelamp.events import booking as booking_service
from bluelamp.events import mail, selectors
from bluelamp.events.models import Booking, Event, EventSession, Reservation, Room, SessionDate, Venue
from bluelamp.learning.api import Course


def _audit(actor, action: str, obj, label: str, **changes) -> None:
    audit_record(actor=actor, action=f"events.{action}", obj=obj, object_label=label, **changes)


def _require_admin(actor, event: Event) -> None:
    if actor is not None and not selectors.may_administer(actor, event):
        raise PermissionDenied("Only the event's training administrators change it.")


@dataclass(frozen=True)
class EventInput:
    kind: str
    title: str
    description: str
    audience: str = Event.Audience.ORGANISATION
    pricing: str = Event.Pricing.FREE
    price_pence: int = 0
    approval: str = Event.Approval.NONE
    cancel_cutoff_working_days: int = 2
    course: Course | None = None
    vat_basis_points: int = 2000


def _check_event(data: EventInput) -> None:
    errors: dict[str, list[str]] = {}
    if not data.title.strip():
        errors["title"] = ["Enter a title"]
    if not data.description.strip():
        errors["description"] = ["Enter what the event is about"]
    for name, choices, what in (
        ("kind", Event.Kind, "the kind of event"),
        ("audience", Event.Audience, "who may book"),
        ("pricing", Event.Pricing, "how places are paid for"),
        ("approval", Event.Approval, "whether bookings need approval"),
    ):
        if getattr(data, name) not in choices.values:
            errors[name] = [f"Choose {what}: {', '.join(str(label) for label in choices.labels)}"]
    if data.pricing != Event.Pricing.FREE and data.price_pence <= 0:
        errors["price"] = ["Enter the price of a place, more than £0"]
    if data.pricing == Event.Pricing.FREE and data.price_pence:
        errors["price"] = [
            "A free event has no price: leave the price empty, or choose how places are paid for"
        ]
    if not 0 <= data.vat_basis_points <= 10000:
        errors["vat_percent"] = ["Give the VAT rate as 0 to 100 per cent"]
    if not 0 <= data.cancel_cutoff_working_days <= 60:
        errors["cancel_cutoff_working_days"] = ["Give the cut-off as 0 to 60 working days"]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def event_create(*, actor, owner, data: EventInput, at: dt.datetime | None = None) -> Event:
    """A draft event of `owner` (nobody can book it until it is published)."""
    if actor is not None and not selectors.may_administer_events_of(actor, owner.pk):
        raise PermissionDenied("Only the organisation's training administrators create its events.")
    _check_event(data)
    at = at or timezone.now()
    event = Event.objects.create(
        owner=owner, kind=data.kind, title=data.title.strip(), description=data.description.strip(),
        audience=data.audience, pricing=data.pricing, price_pence=data.price_pence, approval=data.approval,
        cancel_cutoff_working_days=data.cancel_cutoff_working_days, course=data.course,
        vat_basis_points=data.vat_basis_points, created_by=actor, created_at=at, updated_at=at,
    )  # fmt: skip
    _audit(actor, "event_created", event, event.title, after={"kind": event.kind, "pricing": event.pricing})
    return event


@transaction.atomic
def event_update(*, actor, event: Event, data: EventInput, at: dt.datetime | None = None) -> Event:
    """Change an event's details. Once anyone has booked, how places are paid for and approved
    stays as it was (those booked agreed to it): the rest may change."""
    _require_admin(actor, event)
    _check_event(data)
    booked = Booking.objects.filter(session__event=event).exists()
    if booked:
        locked = {
            "pricing": ("how places are paid for", event.pricing),
            "price": ("the price", event.price_pence),
            "approval": ("whether bookings need approval", event.approval),
        }
        errors = {
            name: [f"People have booked: {what} cannot change now"]
            for name, (what, value) in locked.items()
            if getattr(data, "price_pence" if name == "price" else name) != value
        }
        if errors:
            raise ValidationError(errors)
    before = {"title": event.title, "pricing": event.pricing, "audience": event.audience}
    for name in (
        "kind",
        "audience",
        "pricing",
        "price_pence",
        "approval",
        "cancel_cutoff_working_days",
        "course",
    ):
        setattr(event, name, getattr(data, name))
    event.title, event.description = data.title.strip(), data.description.strip()
    event.updated_at = at or timezone.now()
    event.save()
    _audit(actor, "event_updated", event, event.title, before=before, after={"title": event.title})
    return event


@transaction.atomic
def event_link_course(*, actor, event: Event, course: Course, at: dt.datetime | None = None) -> Event:
    """Make the event deliver `course` (attending completes the course's event activity)."""
    _require_admin(actor, event)
    if course.owner_id != event.owner_id:
        raise ValidationError({"course": ["The course belongs to another organisation"]})
    event.course = course
    event.updated_at = at or timezone.now()
    event.save(update_fields=["course", "updated_at"])
    _audit(actor, "event_linked_to_course", event, event.title, after={"course": course.code})
    return event


@transaction.atomic
def event_publish(*, actor, event: Event, at: dt.datetime | None = None) -> Event:
    _require_admin(actor, event)
    if event.status != Event.Status.DRAFT:
        raise ValidationError(
            {"event": [f"Only a draft is published; this event is {event.get_status_display().lower()}"]}
        )
    if not event.sessions.filter(status=EventSession.Status.SCHEDULED).exists():
        raise ValidationError({"event": ["Add a session before publishing: there is nothing to book"]})
    event.status = Event.Status.PUBLISHED
    event.updated_at = at or timezone.now()
    event.save(update_fields=["status", "updated_at"])
    _audit(actor, "event_published", event, event.title, after={"status": event.status})
    return event


@transaction.atomic
def venue_create(
    *, actor, owner, name: str, address: str, accessibility: str = "", rooms: Sequence[tuple[str, int]] = ()
):
    if actor is not None and not selectors.may_administer_events_of(actor, owner.pk):
        raise PermissionDenied("Only training administrators record venues.")
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = ["Enter the venue's name"]
    elif Venue.objects.filter(owner=owner, name=name.strip()).exists():
        errors["name"] = [f"There is already a venue called {name.strip()}"]
    if not address.strip():
        errors["address"] = ["Enter the venue's address"]
    for room_name, capacity in rooms:
        if not room_name.strip() or capacity < 1:
            errors["rooms"] = ["Give each room a name and how many it seats (1 or more)"]
    if errors:
        raise ValidationError(errors)
    venue = Venue.objects.create(
        owner=owner, name=name.strip(), address=address.strip(), accessibility=accessibility.strip()
    )
    for room_name, capacity in rooms:
        Room.objects.create(venue=venue, name=room_name.strip(), capacity=capacity)
    _audit(actor, "venue_created", venue, venue.name)
    return venue


@dataclass(frozen=True)
class SessionInput:
    dates: Sequence[tuple[dt.datetime, dt.datetime]]
    capacity: int
    booking_opens_at: dt.datetime
    booking_closes_at: dt.datetime
    minimum: int = 0
    room: Room | None = None
    online_url: str = ""
    trainers: Sequence = field(default_factory=tuple)


def _overlapping(dates, *, exclude_session: EventSession | None = None):
    q = Q()
    for starts, ends in dates:
        q |= Q(starts_at__lt=ends, ends_at__gt=starts)
    clashes = SessionDate.objects.filter(q, session__status=EventSession.Status.SCHEDULED).select_related(
        "session__event", "session__room"
    )
    if exclude_session is not None:
        clashes = clashes.exclude(session=exclude_session)
    return clashes


def _check_session(event: Event, data: SessionInput, *, exclude: EventSession | None = None) -> None:
    errors: dict[str, list[str]] = {}
    if not data.dates:
        errors["dates"] = ["Give at least one date, with its start and end times"]
    for starts, ends in data.dates:
        if ends <= starts:
            errors["dates"] = [f"A date must end after it starts: {format_datetime(starts)} does not"]
    ordered = sorted(data.dates)
    for (_, first_end), (second_start, _) in zip(ordered, ordered[1:], strict=False):
        if second_start < first_end:
            errors["dates"] = ["Two of the session's dates overlap"]
    if data.capacity < 1:
        errors["capacity"] = ["Give the number of places, 1 or more"]
    elif data.room is not None and data.capacity > data.room.capacity:
        errors["capacity"] = [
            f"{data.room} seats {data.room.capacity}: give at most {data.room.capacity} places"
        ]
    if data.minimum > data.capacity:
        errors["minimum"] = ["The minimum cannot be more than the places"]
    if data.room is None and not data.online_url and event.kind != Event.Kind.WEBINAR:
        errors["room"] = ["Choose a room, or give the online link"]
    if event.kind == Event.Kind.WEBINAR and not data.online_url:
        errors["online_url"] = ["Give the webinar's link"]
    if data.booking_closes_at <= data.booking_opens_at:
        errors["booking_closes_at"] = ["Booking must close after it opens"]
    elif ordered and data.booking_closes_at > ordered[0][0]:
        errors["booking_closes_at"] = ["Booking must close by the start of the first date"]
    if not errors:
        clashes = _overlapping(data.dates, exclude_session=exclude)
        if data.room is not None:
            taken = next((c for c in clashes if c.session.room_id == data.room.pk), None)
            if taken:
                errors["room"] = [
                    f"{data.room} is booked for {taken.session.event.title} from {format_datetime(taken.starts_at)} "
                    f"to {format_datetime(taken.ends_at)}"
                ]
        trainer_ids = {t.pk for t in data.trainers}
        if trainer_ids:
            busy = (
                SessionDate.objects.filter(pk__in=[c.pk for c in clashes], session__trainers__in=trainer_ids)
                .select_related("session__event")
                .first()
            )
            if busy:
                names = ", ".join(
                    t.get_full_name() for t in data.trainers if busy.session.trainers.filter(pk=t.pk).exists()
                )
                errors["trainers"] = [
                    f"{names} is training {busy.session.event.title} from {format_datetime(busy.starts_at)} "
                    f"to {format_datetime(busy.ends_at)}"
                ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def session_create(*, actor, event: Event, data: SessionInput) -> EventSession:
    """A session of the event on one or several dates."""
    _require_admin(actor, event)
    _check_session(event, data)
    ordered = sorted(data.dates)
    session = EventSession.objects.create(
        event=event, capacity=data.capacity, minimum=data.minimum, room=data.room, online_url=data.online_url,
        booking_opens_at=data.booking_opens_at, booking_closes_at=data.booking_closes_at,
        starts_at=ordered[0][0], ends_at=max(ends for _, ends in ordered),
    )  # fmt: skip
    SessionDate.objects.bulk_create(SessionDate(session=session, starts_at=s, ends_at=e) for s, e in ordered)
    session.trainers.set(data.trainers)
    _audit(actor, "session_created", session, str(session), after={"capacity": session.capacity})
    return session


@transaction.atomic
def session_update(
    *, actor, session: EventSession, data: SessionInput, at: dt.datetime | None = None
) -> EventSession:
    """Change a session. Places cannot go below those taken; more places go to those waiting.
    When the dates, the room or the online link change, everyone with a place is sent the new
    invitation (its SEQUENCE one higher)."""
    at = at or timezone.now()
    event = session.event
    _require_admin(actor, event)
    session = EventSession.objects.select_for_update(of=("self",)).select_related("event").get(pk=session.pk)
    if session.status != EventSession.Status.SCHEDULED:
        raise ValidationError({"session": ["A cancelled session cannot change"]})
    _check_session(event, data, exclude=session)
    if data.capacity < session.booked:
        raise ValidationError(
            {"capacity": [f"{session.booked} places are taken: give at least {session.booked} places"]}
        )
    ordered = sorted(data.dates)
    old_dates = list(session.dates.order_by("starts_at").values_list("starts_at", "ends_at"))
    moved = (
        old_dates != [tuple(d) for d in ordered]
        or session.room_id != (data.room.pk if data.room else None)
        or session.online_url != data.online_url
    )
    before = {"capacity": session.capacity, "starts_at": session.starts_at.isoformat()}
    session.capacity, session.minimum = data.capacity, data.minimum
    session.room, session.online_url = data.room, data.online_url
    session.booking_opens_at, session.booking_closes_at = data.booking_opens_at, data.booking_closes_at
    session.starts_at, session.ends_at = ordered[0][0], max(ends for _, ends in ordered)
    session.save()
    if moved:
        session.dates.all().delete()
        SessionDate.objects.bulk_create(
            SessionDate(session=session, starts_at=s, ends_at=e) for s, e in ordered
        )
    session.trainers.set(data.trainers)
    _audit(
        actor,
        "session_updated",
        session,
        str(session),
        before=before,
        after={"capacity": session.capacity, "moved": moved},
    )
    if moved:
        holders = Booking.objects.select_for_update(of=("self",)).filter(
            session=session, status__in=Booking.HOLDING
        )
        for booking in holders.select_related("person", "booked_by"):
            booking.ics_sequence += 1
            booking.updated_at = at
            booking.save(update_fields=["ics_sequence", "updated_at"])
            booking.session = session
            if booking.status == Booking.Status.BOOKED:
                mail.queue(booking, "changed", at=at)
    if at < session.booking_closes_at:
        booking_service.offer_free_places(session, at=at)
    return session


@transaction.atomic
def session_cancel(*, actor, session: EventSession, reason: str, at: dt.datetime | None = None) -> int:
    """Cancel a whole session: everyone booked or waiting is told (with the calendar entry taken
    out), paid places are refunded by the payments' cancel hook as the policy says, and
    reservations are released. How many bookings were cancelled."""
    at = at or timezone.now()
    _require_admin(actor, session.event)
    if not (reason or "").strip():
        raise ValidationError({"reason": ["Say why the session is cancelled: everyone booked is told"]})
    session = EventSession.objects.select_for_update(of=("self",)).select_related("event").get(pk=session.pk)
    if session.status == EventSession.Status.CANCELLED:
        raise ValidationError({"session": ["This session is already cancelled"]})
    session.status = EventSession.Status.CANCELLED
    session.cancelled_at, session.cancel_reason = at, reason.strip()
    session.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    cancelled = 0
    live = (
        Booking.objects.select_for_update(of=("self",))
        .filter(session=session)
        .exclude(status=Booking.Status.CANCELLED)
    )
    for booking in live.select_related("person", "booked_by").order_by("pk"):
        before = booking.status
        booking.session = session
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at, booking.cancelled_by, booking.cancel_reason = at, actor, reason.strip()
        booking.ics_sequence += 1
        booking.expires_at, booking.approval_stage, booking.updated_at = None, "", at
        booking.save()
        mail.queue(
            booking,
            "session_cancelled",
            at=at,
            reason=reason.strip(),
            was_booked=before == Booking.Status.BOOKED,
        )
        for hook in booking_service.CANCEL_HOOKS:
            hook(booking, before=before, at=at, whole_session=True)
        cancelled += 1
    Reservation.objects.filter(session=session, released_at__isnull=True).update(unnamed=0, released_at=at)
    EventSession.objects.filter(pk=session.pk).update(booked=0, waitlisted=0)
    _audit(
        actor,
        "session_cancelled",
        session,
        str(session),
        after={"bookings_cancelled": cancelled, "reason": reason.strip()},
    )
    return cancelled


@transaction.atomic
def venue_update(
    *, actor, venue: Venue, name: str, address: str, accessibility: str = "", active: bool = True
) -> Venue:
    if actor is not None and not selectors.may_administer_events_of(actor, venue.owner_id):
        raise PermissionDenied("Only training administrators change venues.")
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = ["Enter the venue's name"]
    elif Venue.objects.filter(owner_id=venue.owner_id, name=name.strip()).exclude(pk=venue.pk).exists():
        errors["name"] = [f"There is already a venue called {name.strip()}"]
    if not address.strip():
        errors["address"] = ["Enter the venue's address"]
    if errors:
        raise ValidationError(errors)
    venue.name, venue.address, venue.accessibility, venue.active = (
        name.strip(),
        address.strip(),
        accessibility.strip(),
        active,
    )
    venue.save()
    _audit(actor, "venue_updated", venue, venue.name)
    return venue


@transaction.atomic
def room_add(*, actor, venue: Venue, name: str, capacity: int, accessibility: str = "") -> Room:
    if actor is not None and not selectors.may_administer_events_of(actor, venue.owner_id):
        raise PermissionDenied("Only training administrators change venues.")
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = ["Enter the room's name"]
    elif venue.rooms.filter(name=name.strip()).exists():
        errors["name"] = [f"{venue.name} already has a room called {name.strip()}"]
    if capacity < 1:
        errors["capacity"] = ["Give how many the room seats, 1 or more"]
    if errors:
        raise ValidationError(errors)
    room = Room.objects.create(
        venue=venue, name=name.strip(), capacity=capacity, accessibility=accessibility.strip()
    )
    _audit(actor, "room_added", venue, venue.name, after={"room": room.name, "capacity": capacity})
    return room


def book_group(
    *, actor, session: EventSession, people, at: dt.datetime | None = None
) -> list[tuple[object, Booking | None, str]]:
    """An administrator books several people (each through `booking.book`: a place while there
    are places, then the waiting list). Each person's result: their booking, or why not."""
    at = at or timezone.now()
    _require_admin(actor, session.event)
    results: list[tuple[object, Booking | None, str]] = []
    for person in people:
        try:
            made = booking_service.book(actor=actor, session=session, person=person, at=at)
        except ValidationError as error:
            results.append((person, None, " ".join(error.messages)))
        else:
            results.append((person, made, made.get_status_display()))
    return results
