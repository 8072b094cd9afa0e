"""Events in the REST API, as outside checks use it: the sessions the caller may book, booking
one (a place or the waiting list, with its position), cancelling; an outsider books nothing of
Kent's."""

import pytest

from bluelamp.events.models import Booking
from bluelamp.events.tests.helpers import AT, event
from conftest import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr("bluelamp.events.rest.views.now", lambda: AT)


def test_list_book_waitlist_and_cancel(client, signed_in, kent, bob):
    _, session = event(kent, capacity=1)
    signed_in(bob)
    (listed,) = client.get("/api/v1/event-sessions/").json()["results"]
    assert listed["id"] == str(session.uuid) and listed["title"] == "First aid refresher"
    assert (listed["capacity"], listed["booked"], listed["waitlisted"]) == (1, 0, 0)
    assert listed["starts_at"] == "2027-01-12T09:00:00Z"
    booked = client.post("/api/v1/bookings/", {"session": str(session.uuid)}, content_type="application/json")
    assert booked.status_code == 201
    assert {k: booked.json()[k] for k in ("status", "waitlist_position")} == {
        "status": "booked",
        "waitlist_position": None,
    }

    carol = make_person(kent, "carol@kent.police.uk", first="Carol", last="Kent")
    signed_in(carol)
    waiting = client.post(
        "/api/v1/bookings/", {"session": str(session.uuid)}, content_type="application/json"
    ).json()
    assert (waiting["status"], waiting["waitlist_position"]) == ("waitlisted", 1)
    again = client.post("/api/v1/bookings/", {"session": str(session.uuid)}, content_type="application/json")
    assert again.status_code == 400 and "already has a place" in again.json()["session"][0]
    assert client.delete(f"/api/v1/bookings/{waiting['id']}/").status_code == 204
    assert Booking.objects.get(uuid=waiting["id"]).status == "cancelled"


def test_an_outsider_books_nothing_of_kents(client, signed_in, kent, essex, bob):
    _, session = event(kent)
    booking = Booking.objects.create(session=session, person=bob, status="booked")
    outsider = make_person(essex, "ed@essex.police.uk", first="Ed", last="Essex")
    signed_in(outsider)
    assert client.get("/api/v1/event-sessions/").json()["results"] == []
    refused = client.post(
        "/api/v1/bookings/", {"session": str(session.uuid)}, content_type="application/json"
    )
    assert refused.status_code == 400 and "that you may book" in refused.json()["session"][0]
    assert client.delete(f"/api/v1/bookings/{booking.uuid}/").status_code == 404
    unknown = client.post(
        "/api/v1/bookings/", {"session": str(session.uuid), "seats": 2}, content_type="application/json"
    )
    assert unknown.status_code == 400 and "seats" in unknown.json()
