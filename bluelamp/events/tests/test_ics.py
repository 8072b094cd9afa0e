"""A booking's calendar invitation: RFC 5545 that a calendar program reads back, one event per
date with a stable UID and a rising SEQUENCE, Europe/London times with their VTIMEZONE, REQUEST
while booked and CANCEL once cancelled."""

import datetime as dt

import pytest
from icalendar import Calendar

from bluelamp.events.booking import book, cancel
from bluelamp.events.ics import booking_calendar
from bluelamp.events.tests.helpers import AT, event, utc, venue

pytestmark = pytest.mark.django_db


def test_a_two_day_course_invitation_then_its_cancellation(kent, bob):
    room = venue(kent).rooms.get(name="Room 1")
    _, session = event(
        kent,
        room=room,
        dates=[
            (utc(2027, 6, 8, 8, 0), utc(2027, 6, 8, 16, 0)),
            (utc(2027, 6, 9, 8, 0), utc(2027, 6, 9, 16, 0)),
        ],
    )
    booking = book(actor=bob, session=session, person=bob, at=AT)
    parsed = Calendar.from_ical(booking_calendar(booking, at=AT))
    assert parsed["method"] == "REQUEST"
    events = parsed.walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [f"{booking.uuid}-1@127.0.0.1", f"{booking.uuid}-2@127.0.0.1"]
    first = events[0]
    # 08:00 UTC in June is 09:00 in London (BST), written with the zone it is in.
    assert first.decoded("dtstart") == dt.datetime(2027, 6, 8, 8, 0, tzinfo=dt.UTC)
    assert first["dtstart"].params["TZID"] == "Europe/London"
    assert [tz["tzid"] for tz in parsed.walk("VTIMEZONE")] == ["Europe/London"]
    assert str(first["summary"]) == "First aid refresher (day 1 of 2)"
    assert "Kent Training Centre, Room 1, Sutton Road, Maidstone ME15 9BZ" == str(first["location"])
    assert first["sequence"] == 0 and str(first["status"]) == "CONFIRMED"
    assert str(first["attendee"]) == f"mailto:{bob.email}"

    cancelled = cancel(actor=bob, booking=booking, at=AT)
    again = Calendar.from_ical(booking_calendar(cancelled, at=AT))
    assert again["method"] == "CANCEL"
    assert [(str(e["uid"]), e["sequence"], str(e["status"])) for e in again.walk("VEVENT")] == [
        (f"{booking.uuid}-1@127.0.0.1", 1, "CANCELLED"),
        (f"{booking.uuid}-2@127.0.0.1", 1, "CANCELLED"),
    ]
