"""Events as a learner uses them: the sessions open to them, booking a place (or the waiting
list when full), their bookings, cancelling, accepting an offered place, and the calendar file."""

import html
import re

import pytest
from icalendar import Calendar

from bluelamp.events.booking import book, cancel
from bluelamp.events.models import Booking
from bluelamp.events.tests.helpers import AT, event, venue
from conftest import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr("bluelamp.events.web.clock.now", lambda: AT)


def text(response) -> str:
    words = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))
    return re.sub(r" ([:.,;)])", r"\1", words)


def test_a_learner_books_the_last_place_and_the_next_joins_the_waiting_list(client, signed_in, kent, bob):
    room = venue(kent).rooms.get(name="Room 1")
    _, session = event(kent, capacity=1, room=room)
    signed_in(bob)
    listing = text(client.get("/events/"))
    assert "First aid refresher" in listing and "Kent Training Centre" in listing
    page = text(client.get(f"/events/sessions/{session.uuid}/"))
    assert "Places left 1 of 1" in page and "Book a place" in page
    response = client.post(f"/events/sessions/{session.uuid}/book/", follow=True)
    assert "Your place is booked. Add it to your calendar below." in text(response)
    booking = Booking.objects.get(person=bob)
    ics = client.get(f"/events/bookings/{booking.uuid}/calendar.ics")
    assert ics["Content-Type"] == "text/calendar; charset=utf-8; method=REQUEST"
    assert Calendar.from_ical(ics.content)["method"] == "REQUEST"
    assert "First aid refresher" in text(client.get("/events/bookings/"))

    carol = make_person(kent, "carol@kent.police.uk", first="Carol", last="Kent")
    signed_in(carol)
    assert "Join the waiting list" in text(client.get(f"/events/sessions/{session.uuid}/"))
    waiting = client.post(f"/events/sessions/{session.uuid}/book/", follow=True)
    assert "The session is full: you are number 1 on the waiting list." in text(waiting)


def test_cancelling_offers_the_place_and_the_next_accepts_it(client, signed_in, kent, bob):
    _, session = event(kent, capacity=1)
    carol = make_person(kent, "carol@kent.police.uk", first="Carol", last="Kent")
    placed = book(actor=bob, session=session, person=bob, at=AT)
    waiting = book(actor=carol, session=session, person=carol, at=AT)
    signed_in(bob)
    cancelled = client.post(f"/events/bookings/{placed.uuid}/cancel/", follow=True)
    assert "Your booking is cancelled." in text(cancelled)
    ics = client.get(f"/events/bookings/{placed.uuid}/calendar.ics")
    assert Calendar.from_ical(ics.content)["method"] == "CANCEL"
    signed_in(carol)
    page = text(client.get(f"/events/bookings/{waiting.uuid}/"))
    assert "Offered a place" in page and "Accept the place" in page
    accepted = client.post(f"/events/bookings/{waiting.uuid}/accept/", follow=True)
    assert "The place is yours." in text(accepted) and "Status Booked" in text(accepted)


def test_a_booking_is_only_its_owners(client, signed_in, kent, bob, alice):
    _, session = event(kent)
    placed = book(actor=bob, session=session, person=bob, at=AT)
    other = make_person(kent, "oli@kent.police.uk", first="Oli", last="Other")
    signed_in(other)
    assert client.get(f"/events/bookings/{placed.uuid}/").status_code == 404
    assert client.post(f"/events/bookings/{placed.uuid}/cancel/").status_code == 404
    signed_in(alice)  # Kent's administrator sees it, but the calendar file is the booker's
    assert client.get(f"/events/bookings/{placed.uuid}/").status_code == 200
    assert client.get(f"/events/bookings/{placed.uuid}/calendar.ics").status_code == 404
    cancel(actor=alice, booking=placed, at=AT)


def test_the_list_takes_as_many_queries_for_many_sessions_as_for_one(client, signed_in, kent, bob):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bluelamp.events.tests.helpers import utc

    event(kent, title="One")
    signed_in(bob)
    client.get("/events/")  # warm the session
    with CaptureQueriesContext(connection) as one:
        client.get("/events/")
    for n in range(3):
        day = utc(2027, 2, 2 + n, 9, 0)
        event(
            kent,
            title=f"More {n}",
            dates=[(day, day.replace(hour=12)), (day.replace(hour=13), day.replace(hour=16))],
        )
    with CaptureQueriesContext(connection) as many:
        page = text(client.get("/events/"))
    assert "(2 days)" in page
    assert len(many) == len(one)
