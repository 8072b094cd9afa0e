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
from bluelamp.events import selectors
from bluelamp.events.models import Event, EventSession, Room, SessionDate, Venue
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
    if data.pricing == Event.Pricing.PER_PLACE and data.price_pence <= 0:
        errors["price_pence"] = ["Enter the price of a place, more than £0"]
    if data.pricing == Event.Pricing.FREE and data.price_pence:
        errors["price_pence"] = ["A free event has no price"]
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
        created_by=actor, created_at=at, updated_at=at,
    )  # fmt: skip
    _audit(actor, "event_created", event, event.title, after={"kind": event.kind, "pricing": event.pricing})
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
