"""A booking's calendar invitation (RFC 5545, RFC 5546 iTIP), built with icalendar.

One VEVENT per date of the session (a two-day course is two), each with a UID stable for the
booking's life (`<booking uuid>-<n>@<host>`), the booking's SEQUENCE (it rises with every change
the booker is told of), times in Europe/London with the VTIMEZONE that defines it, the organiser
(the organisation running it) and the attendee. METHOD:REQUEST while the person has a place;
STATUS:TENTATIVE while that place awaits approval or payment;
METHOD:CANCEL, STATUS:CANCELLED once they have not (or the session is cancelled), so calendars
remove it.
"""

from __future__ import annotations

import datetime as dt
import functools
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from bluelamp.core.timefmt import LONDON
from bluelamp.events.models import Booking, EventSession

PRODID = "-//Bluelamp//Events//EN"


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "bluelamp.invalid"


def _where(session: EventSession) -> str:
    room = session.room
    if room is not None:
        return f"{room.venue.name}, {room.name}, {room.venue.address.replace(chr(10), ', ')}"
    return session.online_url or "Online"


def booking_calendar(booking: Booking, *, at: dt.datetime, dates: list | None = None) -> bytes:
    """The booking's current invitation, as bytes of text/calendar (`dates`: the session's
    SessionDates in order, when the caller has read them already)."""
    session = booking.session
    event = session.event
    cancelled = not booking.holds_place or session.status == EventSession.Status.CANCELLED
    # A place awaiting approval or payment (or offered) is pencilled in: TENTATIVE until confirmed.
    confirmed = booking.status == Booking.Status.BOOKED
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    organiser = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.rsplit('<', 1)[-1].rstrip('>')}")
    organiser.params["cn"] = vText(event.owner.name)
    attendee = vCalAddress(f"mailto:{booking.person.email}")
    attendee.params["cn"] = vText(booking.person.get_full_name())
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("DECLINED" if cancelled else "ACCEPTED" if confirmed else "TENTATIVE")
    if dates is None:
        dates = list(session.dates.order_by("starts_at", "pk"))
    for n, date in enumerate(dates, start=1):
        item = Event()
        item.add("uid", f"{booking.uuid}-{n}@{_host()}")
        item.add("sequence", booking.ics_sequence)
        item.add("dtstamp", at.astimezone(dt.UTC))
        item.add("dtstart", date.starts_at.astimezone(LONDON))
        item.add("dtend", date.ends_at.astimezone(LONDON))
        summary = event.title if len(dates) == 1 else f"{event.title} (day {n} of {len(dates)})"
        item.add("summary", summary)
        item.add(
            "description",
            f"{event.description}\n\n{settings.SITE_URL.rstrip('/')}/events/bookings/{booking.uuid}/",
        )
        item.add("location", _where(session))
        item.add("status", "CANCELLED" if cancelled else "CONFIRMED" if confirmed else "TENTATIVE")
        item.add("organizer", organiser)
        item.add("attendee", attendee)
        if session.online_url:
            item.add("url", session.online_url)
        calendar.add_component(item)
    calendar.add_component(_london_timezone())
    return calendar.to_ical()


@functools.cache
def _london_timezone():
    """Europe/London's VTIMEZONE, built once per process (from zoneinfo: building it is most of
    an invitation's cost, and every invitation has the same)."""
    sample = Calendar()
    item = Event()
    item.add("dtstart", dt.datetime(2026, 1, 1, tzinfo=LONDON))
    sample.add_component(item)
    sample.add_missing_timezones()
    (zone,) = sample.walk("VTIMEZONE")
    return zone
