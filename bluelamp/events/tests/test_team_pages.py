"""Line managers' pages: approving their reports' bookings, booking one of them, reserving places
and naming who takes them (the rest given back to those waiting); feedback after attending; the
administrators' reports."""

import datetime as dt

import pytest

from bluelamp.events.attendance import mark
from bluelamp.events.booking import book
from bluelamp.events.models import Booking, Reservation
from bluelamp.events.reservations import release_due
from bluelamp.events.tests.helpers import AT, event, utc
from bluelamp.events.tests.test_pages import text
from conftest import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr("bluelamp.events.web.clock.now", lambda: AT)


def test_a_manager_approves_and_declines_from_their_page(client, signed_in, kent, alice, bob):
    _, session = event(kent, approval="manager")
    carol = make_person(kent, "carol@kent.police.uk", first="Carol", last="Kent", line_manager=alice)
    first = book(actor=bob, session=session, person=bob, at=AT)
    second = book(actor=carol, session=session, person=carol, at=AT)
    signed_in(bob)
    assert client.post(f"/events/approvals/{second.uuid}/", {"decision": "approve"}).status_code == 404
    signed_in(alice)
    page = text(client.get("/events/approvals/"))
    assert "Bob Officer: First aid refresher" in page and "Carol Kent" in page
    assert "Bookings waiting for your approval (2)" in text(client.get("/events/"))
    client.post(f"/events/approvals/{first.uuid}/", {"decision": "approve"})
    refused = text(client.post(f"/events/approvals/{second.uuid}/", {"decision": "decline"}, follow=True))
    assert "Say why the booking is not approved" in refused
    client.post(f"/events/approvals/{second.uuid}/", {"decision": "decline", "reason": "On leave"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status, second.cancel_reason) == ("booked", "cancelled", "On leave")
    assert "No bookings are waiting for you." in text(client.get("/events/approvals/"))


def test_a_manager_books_a_report_and_reserves_places(client, signed_in, kent, alice, bob):
    _, session = event(kent, capacity=4)
    carol = make_person(kent, "carol@kent.police.uk", first="Carol", last="Kent", line_manager=alice)
    outsider = make_person(kent, "oli@kent.police.uk", first="Oli", last="Other")
    signed_in(outsider)
    assert client.get(f"/events/sessions/{session.uuid}/team/").status_code == 404  # no team
    signed_in(alice)
    assert "Book or reserve places for your team" in text(client.get(f"/events/sessions/{session.uuid}/"))
    client.post(f"/events/sessions/{session.uuid}/team/", {"form": "book", "person": str(bob.uuid)})
    assert Booking.objects.get(person=bob).booked_by == alice
    too_many = text(client.post(f"/events/sessions/{session.uuid}/team/", {"form": "reserve", "places": "4"}))
    assert "Only 3 places are left: reserve at most that many" in too_many
    reserved = client.post(
        f"/events/sessions/{session.uuid}/team/", {"form": "reserve", "places": "2"}, follow=True
    )
    assert "2 places are reserved for your team" in text(reserved)
    reservation = Reservation.objects.get()
    session.refresh_from_db()
    assert session.booked == 3
    stranger = client.post(
        f"/events/reservations/{reservation.uuid}/", {"form": "name", "person": str(outsider.uuid)}
    )
    assert "is not someone who reports to you" in text(stranger)
    client.post(f"/events/reservations/{reservation.uuid}/", {"form": "name", "person": str(carol.uuid)})
    carol_booking = Booking.objects.get(person=carol)
    assert (carol_booking.status, carol_booking.reservation) == ("booked", reservation)
    # Someone waits; the unnamed place goes back when booking closes, and is offered to them.
    waiting = make_person(kent, "wa@kent.police.uk", first="Wai", last="Ting")
    book(actor=waiting, session=session, person=waiting, at=AT)  # the 4th place
    late = make_person(kent, "la@kent.police.uk", first="La", last="Te")
    queued = book(actor=late, session=session, person=late, at=AT)
    assert queued.status == "waitlisted"
    reservation.refresh_from_db()
    assert reservation.release_at == session.booking_closes_at - dt.timedelta(hours=48)
    assert release_due(at=reservation.release_at - dt.timedelta(minutes=1)) == 0
    assert release_due(at=reservation.release_at) == 1
    reservation.refresh_from_db()
    queued.refresh_from_db()
    assert (reservation.released_at, reservation.unnamed, queued.status) == (
        reservation.release_at,
        0,
        "offered",
    )


def test_giving_back_reserved_places_offers_them_to_those_waiting(client, signed_in, kent, alice, bob):
    _, session = event(kent, capacity=2)
    signed_in(alice)
    client.post(f"/events/sessions/{session.uuid}/team/", {"form": "reserve", "places": "2"})
    reservation = Reservation.objects.get()
    queued = book(actor=bob, session=session, person=bob, at=AT)
    assert queued.status == "waitlisted"
    released = client.post(f"/events/reservations/{reservation.uuid}/", {"form": "release"}, follow=True)
    assert "2 places are given back." in text(released)
    queued.refresh_from_db()
    assert queued.status == "offered"


def test_feedback_and_the_reports(client, signed_in, kent, alice, bob, monkeypatch):
    trainer = make_person(kent, "tess@kent.police.uk", first="Tess", last="Trainer")
    ev, session = event(kent, trainers=[trainer])
    booking = book(actor=bob, session=session, person=bob, at=AT)
    signed_in(bob)
    assert "the register does not show you did" in text(
        client.get(f"/events/bookings/{booking.uuid}/feedback/")
    )
    mark(actor=trainer, session=session, marks={booking.pk: "attended"}, at=utc(2027, 1, 12, 10))
    monkeypatch.setattr("bluelamp.events.web.clock.now", lambda: utc(2027, 1, 13))
    assert "Tell us what you thought of it" in text(client.get(f"/events/bookings/{booking.uuid}/"))
    missing = text(client.post(f"/events/bookings/{booking.uuid}/feedback/", {"recommend": "yes"}))
    assert "Choose a rating from 1 to 5" in missing
    sent = client.post(
        f"/events/bookings/{booking.uuid}/feedback/",
        {"rating": "4", "recommend": "yes", "comments": "Clear and practical"},
        follow=True,
    )
    assert "Thank you: your feedback is sent" in text(sent)
    assert "You gave your feedback" in text(client.get(f"/events/bookings/{booking.uuid}/feedback/"))
    assert client.get("/events/manage/reports/").status_code == 404
    signed_in(alice)
    report = text(client.get("/events/manage/reports/?from=2026-02&to=2027-01"))
    assert "Sessions starting from February 2026 to the end of January 2027" in report
    assert (
        "Places confirmed 1 of 20, 5% full" in report
        and "1 responses, average 4.0 out of 5, 100% would recommend" in report
    )
    assert "Kent Police 1" in report and "Revenue before VAT £0.00" in report
    csv = client.get("/events/manage/reports/?from=2026-02&to=2027-01&format=csv")
    assert csv["Content-Type"].startswith("text/csv") and b"First aid refresher" in csv.content
    per_event = text(client.get(f"/events/manage/{ev.uuid}/report/"))
    assert "Tess Trainer 1 1 4.0 100%" in per_event and "Clear and practical" in per_event
    assert "Give the months as year-month" in text(client.get("/events/manage/reports/?from=nonsense"))
