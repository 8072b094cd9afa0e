"""Who may do what with events and bookings, and reading them (the `access_*` helpers give the
same "not found" for a missing record and one the person may not see).

An event's administrators are those who manage courses (`learning.manage`) across the whole of
the organisation running it (training administrators; the national body's for its own). Who may
book: the person themself, if the event's audience admits them; their line manager; or an
administrator of the event, for anyone in its audience.
"""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404

from bluelamp.events.models import Booking, Event, EventSession, Venue
from bluelamp.organisations.api import LicenceType, Perm, access_for, organisation_has_licence


def _signed_in(person) -> bool:
    return bool(getattr(person, "is_authenticated", False))


def may_administer_events_of(person, organisation_id: int) -> bool:
    """Runs the organisation's events (and records its venues)."""
    return _signed_in(person) and access_for(person, Perm.LEARNING_MANAGE).covers_organisation(
        organisation_id
    )


def may_administer(person, event: Event) -> bool:
    return may_administer_events_of(person, event.owner_id)


def in_audience(person, event: Event) -> bool:
    """People of the organisation running it; for a licensed audience, of any organisation whose
    learning licence is in force (PL-P-101)."""
    if not getattr(person, "is_active", False) or person.organisation_id is None:
        return False
    if person.organisation_id == event.owner_id:
        return True
    if event.audience != Event.Audience.LICENSED:
        return False
    return organisation_has_licence(person.organisation, LicenceType.DIGITAL_SERVICES)


def may_book_for(actor, person, event: Event) -> bool:
    if not _signed_in(actor):
        return False
    if actor.pk == person.pk:
        return True
    if person.line_manager_id == actor.pk:
        return True
    return may_administer(actor, event)


def is_line_manager(person) -> bool:
    """Someone reports to them (they may book for and reserve places for their team)."""
    from bluelamp.people.api import Person

    return _signed_in(person) and Person.objects.filter(line_manager_id=person.pk, is_active=True).exists()


def is_trainer(person, session: EventSession) -> bool:
    return _signed_in(person) and session.trainers.filter(pk=person.pk).exists()


def may_cancel_own(actor, booking: Booking) -> bool:
    """The person booked, or whoever booked them (their line manager)."""
    if not _signed_in(actor):
        return False
    return actor.pk in (booking.person_id, booking.booked_by_id)


def bookable_sessions(person) -> QuerySet[EventSession]:
    """Scheduled sessions of published events whose audience admits the person, soonest first
    (whether booking is open now is each session's own)."""
    if not _signed_in(person) or person.organisation_id is None:
        return EventSession.objects.none()
    sessions = EventSession.objects.filter(
        status=EventSession.Status.SCHEDULED, event__status=Event.Status.PUBLISHED
    ).select_related("event", "room__venue")
    own = sessions.filter(event__owner_id=person.organisation_id)
    if organisation_has_licence(person.organisation, LicenceType.DIGITAL_SERVICES):
        return (own | sessions.filter(event__audience=Event.Audience.LICENSED)).order_by("starts_at", "pk")
    return own.order_by("starts_at", "pk")


def parse_uuid(value) -> uuid.UUID | None:
    """`value` as a UUID, or None when it is not one (a malformed id is "not found", not an error)."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def access_booking(person, booking_uuid, *, approvers_too: bool = False) -> Booking:
    """The booking for the person booked, whoever booked them, or the event's administrators
    (with `approvers_too`, also the line manager of someone whose booking awaits their approval);
    to anyone else (or if there is none), "not found"."""
    wanted = parse_uuid(booking_uuid)
    booking = (
        Booking.objects.select_related("session__event", "person").filter(uuid=wanted).first()
        if _signed_in(person) and wanted is not None
        else None
    )
    if booking is None:
        raise Http404("No such booking")
    if may_cancel_own(person, booking) or may_administer(person, booking.session.event):
        return booking
    if (
        approvers_too
        and booking.status == Booking.Status.PENDING_APPROVAL
        and booking.approval_stage == Booking.ApprovalStage.MANAGER
        and booking.person.line_manager_id == person.pk
    ):
        return booking
    raise Http404("No such booking")


def access_session_to_book(person, session_uuid) -> EventSession:
    """The session to book by its id, in one query (the booking path: booking.book checks the
    audience and the booking window again): "not found" unless it is scheduled, published and its
    audience admits the person."""
    wanted = parse_uuid(session_uuid)
    session = (
        EventSession.objects.select_related("event__owner", "room__venue")
        .filter(uuid=wanted, status=EventSession.Status.SCHEDULED, event__status=Event.Status.PUBLISHED)
        .first()
        if _signed_in(person) and wanted is not None
        else None
    )
    if session is None or not in_audience(person, session.event):
        raise Http404("No such session")
    return session


def access_bookable_session(person, session_uuid) -> EventSession:
    """A session the person may book (or has booked): "not found" otherwise."""
    wanted = parse_uuid(session_uuid)
    session = bookable_sessions(person).filter(uuid=wanted).first() if wanted is not None else None
    if session is None:
        raise Http404("No such session")
    return session


def access_managed_event(person, event_uuid) -> Event:
    """An event the person administers: "not found" otherwise."""
    wanted = parse_uuid(event_uuid)
    event = (
        Event.objects.select_related("owner", "course").filter(uuid=wanted).first()
        if _signed_in(person) and wanted is not None
        else None
    )
    if event is None or not may_administer(person, event):
        raise Http404("No such event")
    return event


def access_managed_session(person, session_uuid, *, trainers_too: bool = False) -> EventSession:
    """A session of an event the person administers (or, with `trainers_too`, trains): "not
    found" otherwise."""
    wanted = parse_uuid(session_uuid)
    session = (
        EventSession.objects.select_related("event__owner", "event__course", "room__venue")
        .filter(uuid=wanted)
        .first()
        if _signed_in(person) and wanted is not None
        else None
    )
    if session is None:
        raise Http404("No such session")
    if may_administer(person, session.event) or (trainers_too and is_trainer(person, session)):
        return session
    raise Http404("No such session")


def access_venue(person, venue_uuid) -> Venue:
    wanted = parse_uuid(venue_uuid)
    venue = Venue.objects.filter(uuid=wanted).first() if _signed_in(person) and wanted is not None else None
    if venue is None or not may_administer_events_of(person, venue.owner_id):
        raise Http404("No such venue")
    return venue


def administered_owner_ids(person) -> set[int] | None:
    """The organisations whose events the person runs (None: every organisation)."""
    access = access_for(person, Perm.LEARNING_MANAGE)
    if access.national:
        return None
    return set(access.organisation_ids)


def owner_organisations(person) -> list:
    """The organisations whose events the person runs, to choose from: a national administrator
    any, the national body first."""
    from bluelamp.organisations.api import Organisation

    ids = administered_owner_ids(person)
    if ids is None:
        return sorted(Organisation.objects.all(), key=lambda o: (not o.is_national_body, o.name, o.pk))
    return list(Organisation.objects.filter(pk__in=ids).order_by("name", "pk"))


def may_administer_any(person) -> bool:
    if not _signed_in(person):
        return False
    access = access_for(person, Perm.LEARNING_MANAGE)
    return access.national or bool(access.organisation_ids)


def events_administered(person) -> QuerySet[Event]:
    owners = administered_owner_ids(person) if _signed_in(person) else set()
    events = Event.objects.select_related("owner")
    return events if owners is None else events.filter(owner_id__in=owners)


def sessions_trained(person) -> QuerySet[EventSession]:
    if not _signed_in(person):
        return EventSession.objects.none()
    return EventSession.objects.filter(trainers=person).select_related("event", "room__venue")


def approvals_waiting(person) -> QuerySet[Booking]:
    """Bookings waiting for the person's decision: their reports' at the manager's stage, and at
    any stage on events they administer."""
    if not _signed_in(person):
        return Booking.objects.none()
    waiting = Booking.objects.filter(status=Booking.Status.PENDING_APPROVAL)
    mine = waiting.filter(approval_stage=Booking.ApprovalStage.MANAGER, person__line_manager_id=person.pk)
    owners = administered_owner_ids(person)
    if owners is None:
        chosen = waiting
    elif owners:
        chosen = mine | waiting.filter(session__event__owner_id__in=owners)
    else:
        chosen = mine
    return chosen.select_related("person", "session__event").order_by("expires_at", "pk")
