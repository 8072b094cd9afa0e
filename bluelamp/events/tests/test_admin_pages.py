"""The administrators' pages as a training administrator uses them: creating an event and a
two-day session through the forms (errors named), publishing, venues and rooms, booking a group,
cancelling a place after the cut-off and a whole session, and the register."""

import pytest

from bluelamp.events.booking import book
from bluelamp.events.models import Booking, Event, EventSession
from bluelamp.events.tests.helpers import AT, event, utc, venue
from bluelamp.events.tests.test_pages import text
from bluelamp.notifications.api import OutgoingEmail
from conftest import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr("bluelamp.events.web.clock.now", lambda: AT)


def session_form(**changes):
    data = {
        "day_1": "2027-01-12", "start_1": "09:00", "end_1": "16:30",
        "day_2": "2027-01-13", "start_2": "09:00", "end_2": "13:00",
        "capacity": "20", "minimum": "6", "room": "", "online_url": "", "trainers": "",
        "booking_opens": "2026-12-01", "booking_closes": "2027-01-08", "booking_closes_time": "17:00",
    }  # fmt: skip
    data.update(changes)
    return data


def test_an_administrator_creates_a_two_day_workshop_and_publishes_it(client, signed_in, kent, alice, bob):
    room = venue(kent).rooms.get(name="Room 1")
    trainer = make_person(kent, "tess@kent.police.uk", first="Tess", last="Trainer", staff_number="K9")
    signed_in(alice)
    assert "Create an event" in text(client.get("/events/manage/"))
    bad = client.post(
        "/events/manage/new/", {"kind": "workshop", "title": "", "pricing": "per_place", "price": "lots"}
    )
    page = text(bad)
    assert "Enter the event's title" in page and "“lots” is not an amount of money" in page
    created = client.post(
        "/events/manage/new/",
        {"kind": "workshop", "title": "Leading change", "description": "Two days on leading change.",
         "audience": "organisation", "course": "", "pricing": "per_place", "price": "150", "vat_percent": "20",
         "approval": "none", "cancel_cutoff_working_days": "5"},
        follow=True,
    )  # fmt: skip
    assert "saved as a draft" in text(created)
    workshop = Event.objects.get(title="Leading change")
    assert (workshop.status, workshop.price_pence, workshop.vat_basis_points) == ("draft", 15000, 2000)

    no_times = client.post(
        f"/events/manage/{workshop.uuid}/sessions/new/", session_form(start_2="", room=str(room.pk))
    )
    assert "Enter when day 2 starts, for example 09:00" in text(no_times)
    too_many = client.post(
        f"/events/manage/{workshop.uuid}/sessions/new/", session_form(capacity="31", room=str(room.pk))
    )
    assert "Kent Training Centre, Room 1 seats 30: give at most 30 places" in text(too_many)
    added = client.post(
        f"/events/manage/{workshop.uuid}/sessions/new/",
        session_form(room=str(room.pk), trainers="K9"),
        follow=True,
    )
    assert "The session is added." in text(added)
    session = EventSession.objects.get(event=workshop)
    assert session.dates.count() == 2 and list(session.trainers.all()) == [trainer]
    assert session.starts_at == utc(2027, 1, 12, 9, 0) and session.ends_at == utc(2027, 1, 13, 13, 0)

    # The same room on the same day for another event is refused, naming the clash.
    _, other = event(kent, publish=False, title="Other", room=None)
    clash = client.post(
        f"/events/manage/{other.event.uuid}/sessions/new/",
        session_form(day_2="", start_2="", end_2="", room=str(room.pk), start_1="13:00", end_1="15:00"),
    )
    assert (
        "Kent Training Centre, Room 1 is booked for Leading change from 12 January 2027 at 9:00am to 12 January 2027 at 4:30pm"
        in text(clash)
    )
    trainer_clash = client.post(
        f"/events/manage/{other.event.uuid}/sessions/new/",
        session_form(day_2="", start_2="", end_2="", trainers="K9", online_url="https://meet.example/x"),
    )
    assert "Tess Trainer is training Leading change" in text(trainer_clash)

    published = client.post(f"/events/manage/{workshop.uuid}/publish/", follow=True)
    assert "The event is published" in text(published)
    signed_in(bob)
    assert "Leading change" in text(client.get("/events/"))


def test_changing_a_session_sends_everyone_booked_a_new_invitation(client, signed_in, kent, alice, bob):
    room = venue(kent).rooms.get(name="Room 1")
    _, session = event(kent, room=room)
    booking = book(actor=bob, session=session, person=bob, at=AT)
    signed_in(alice)
    form = client.get(f"/events/manage/sessions/{session.uuid}/edit/")
    assert 'value="2027-01-12"' in form.content.decode()
    moved = client.post(
        f"/events/manage/sessions/{session.uuid}/edit/",
        session_form(day_1="2027-01-19", day_2="", start_2="", end_2="", room=str(room.pk), capacity="0"),
    )
    assert "Give the number of places, 1 or more" in text(moved)
    client.post(
        f"/events/manage/sessions/{session.uuid}/edit/",
        session_form(day_1="2027-01-19", day_2="", start_2="", end_2="", room=str(room.pk)),
    )
    booking.refresh_from_db()
    assert booking.ics_sequence == 1
    changed = OutgoingEmail.objects.get(kind="events.changed")
    assert changed.to == ["bob@kent.police.uk"] and "19 January 2027" in changed.text_body
    (invite,) = changed.attachments
    assert invite["filename"] == "invite.ics" and invite["mimetype"] == "text/calendar; method=REQUEST"


def test_booking_a_group_fills_the_places_then_the_waiting_list(client, signed_in, kent, alice, bob):
    _, session = event(kent, capacity=1)
    make_person(kent, "carol@kent.police.uk", first="Carol", last="Kent", staff_number="K3")
    signed_in(alice)
    unknown = client.post(f"/events/manage/sessions/{session.uuid}/book/", {"people": "K2\nNOPE"})
    assert "the staff number or e-mail address “NOPE”" in text(unknown)
    assert not Booking.objects.exists()  # nothing half-done
    done = text(
        client.post(f"/events/manage/sessions/{session.uuid}/book/", {"people": "K2\ncarol@kent.police.uk"})
    )
    assert (
        "2 of 2 booked" in done and "Bob Officer Booked" in done and "Carol Kent On the waiting list" in done
    )
    roster = text(client.get(f"/events/manage/sessions/{session.uuid}/"))
    assert "Places 1 taken of 1" in roster and "Waiting 1" in roster
    assert "Carol Kent" in roster


def test_an_administrator_cancels_late_and_the_place_goes_to_the_next(
    client, signed_in, kent, alice, bob, monkeypatch
):
    _, session = event(kent, capacity=1)
    carol = make_person(kent, "carol@kent.police.uk", first="Carol", last="Kent")
    placed = book(actor=bob, session=session, person=bob, at=AT)
    waiting = book(actor=carol, session=session, person=carol, at=AT)
    late = utc(2027, 1, 11, 9)  # after the cut-off (end of Friday 8 January)
    signed_in(alice)
    monkeypatch.setattr("bluelamp.events.web.clock.now", lambda: late)
    page = text(client.get(f"/events/manage/bookings/{placed.uuid}/cancel/"))
    assert "recorded as a late cancellation" in page
    assert "Say why" in text(client.post(f"/events/manage/bookings/{placed.uuid}/cancel/", {"reason": ""}))
    client.post(f"/events/manage/bookings/{placed.uuid}/cancel/", {"reason": "Called to an operation"})
    placed.refresh_from_db()
    waiting.refresh_from_db()
    assert (placed.status, placed.attendance) == ("cancelled", "late_cancel")
    assert waiting.status == "offered"
    told = OutgoingEmail.objects.get(kind="events.cancelled")
    assert "Called to an operation" in told.text_body
    assert told.attachments[0]["mimetype"] == "text/calendar; method=CANCEL"
    assert OutgoingEmail.objects.filter(kind="events.offered", to=["carol@kent.police.uk"]).exists()


def test_cancelling_a_session_tells_everyone(client, signed_in, kent, alice, bob):
    _, session = event(kent, capacity=1)
    carol = make_person(kent, "carol@kent.police.uk", first="Carol", last="Kent")
    book(actor=bob, session=session, person=bob, at=AT)
    book(actor=carol, session=session, person=carol, at=AT)
    signed_in(alice)
    assert "Say why" in text(client.post(f"/events/manage/sessions/{session.uuid}/cancel/", {"reason": ""}))
    done = client.post(
        f"/events/manage/sessions/{session.uuid}/cancel/", {"reason": "Trainer ill"}, follow=True
    )
    assert "2 people booked or waiting were told" in text(done)
    session.refresh_from_db()
    assert (session.status, session.booked, session.waitlisted) == ("cancelled", 0, 0)
    told = OutgoingEmail.objects.filter(kind="events.session_cancelled")
    assert sorted(e.to[0] for e in told) == ["bob@kent.police.uk", "carol@kent.police.uk"]
    bob_mail = told.get(to=["bob@kent.police.uk"])
    assert bob_mail.attachments and "Trainer ill" in bob_mail.text_body
    assert not told.get(to=["carol@kent.police.uk"]).attachments  # she never had a place


def test_venues_and_rooms(client, signed_in, kent, alice):
    signed_in(alice)
    created = client.post(
        "/events/manage/venues/new/",
        {"name": "HQ", "address": "1 Road", "accessibility": "Step-free"},
        follow=True,
    )
    assert "Add its rooms" in text(created)
    place = client.get("/events/manage/venues/")
    assert "HQ" in text(place)
    venue_url = created.redirect_chain[-1][0]
    assert "Enter how many the room seats" in text(client.post(venue_url, {"form": "room", "name": "Suite"}))
    client.post(venue_url, {"form": "room", "name": "Suite", "capacity": "40"})
    again = text(client.post(venue_url, {"form": "room", "name": "Suite", "capacity": "10"}))
    assert "HQ already has a room called Suite" in again


def test_the_register_opens_at_the_start_and_trainers_take_it(
    client, signed_in, kent, alice, bob, monkeypatch
):
    trainer = make_person(kent, "tess@kent.police.uk", first="Tess", last="Trainer")
    _, session = event(kent, trainers=[trainer])
    carol = make_person(kent, "carol@kent.police.uk", first="Carol", last="Kent")
    bob_booking = book(actor=bob, session=session, person=bob, at=AT)
    carol_booking = book(actor=carol, session=session, person=carol, at=AT)
    signed_in(trainer)
    assert "Register" in text(client.get("/events/training/"))
    assert "The register opens when the session starts" in text(
        client.get(f"/events/manage/sessions/{session.uuid}/register/")
    )
    assert (
        client.get(f"/events/manage/sessions/{session.uuid}/").status_code == 404
    )  # the roster is the admins'
    monkeypatch.setattr("bluelamp.events.web.clock.now", lambda: utc(2027, 1, 12, 9, 30))
    saved = client.post(
        f"/events/manage/sessions/{session.uuid}/register/",
        {f"b{bob_booking.pk}": "attended", f"b{carol_booking.pk}": "no_show"},
        follow=True,
    )
    assert "The register is saved (2 changed)." in text(saved)
    assert "2 on the register: 1 attended, 0 partly attended, 1 did not attend" in text(saved)
    bad = client.post(
        f"/events/manage/sessions/{session.uuid}/register/", {f"b{bob_booking.pk}": "asleep"}, follow=True
    )
    assert "“asleep” is not a mark" in text(bad)
    bob_booking.refresh_from_db()
    assert (bob_booking.attendance, bob_booking.attendance_marked_by) == ("attended", trainer)
    outsider = make_person(kent, "oli@kent.police.uk", first="Oli", last="Other")
    signed_in(outsider)
    assert client.get(f"/events/manage/sessions/{session.uuid}/register/").status_code == 404


def test_the_manage_list_is_the_administrators_own(client, signed_in, kent, essex, alice):
    event(kent, title="KENTONLY refresher")
    essex_admin = make_person(essex, "ed@essex.police.uk", first="Ed", last="Essex", roles=["training_admin"])
    signed_in(essex_admin)
    assert "KENTONLY" not in text(client.get("/events/manage/"))
    signed_in(alice)
    assert "KENTONLY refresher" in text(client.get("/events/manage/"))


def test_the_administrators_lists_take_as_many_queries_for_many_rows_as_for_few(
    client, signed_in, kent, alice
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _, session = event(kent, title="One", capacity=30)
    book(
        actor=None,
        session=session,
        person=make_person(kent, "a0@kent.police.uk", first="A", last="Zero"),
        at=AT,
    )
    signed_in(alice)
    pages = [
        "/events/manage/",
        f"/events/manage/sessions/{session.uuid}/",
        f"/events/manage/{session.event.uuid}/",
    ]
    for page in pages:
        client.get(page)  # warm the session
    few = {}
    for page in pages:
        with CaptureQueriesContext(connection) as queries:
            client.get(page)
        few[page] = len(queries)
    for n in range(1, 6):
        event(kent, title=f"More {n}", dates=[(utc(2027, 2, n + 1, 9), utc(2027, 2, n + 1, 12))])
        book(
            actor=None,
            session=session,
            person=make_person(kent, f"a{n}@kent.police.uk", first="A", last=f"N{n}"),
            at=AT,
        )
    for page in pages:
        with CaptureQueriesContext(connection) as queries:
            client.get(page)
        assert len(queries) == few[page], page
