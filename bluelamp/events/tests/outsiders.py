"""Events' routes for tests/test_every_url_has_an_outsider.py: Kent's first aid refresher is for
Kent's people only, and Bob's booking on it is his: an Essex outsider is told "not found"."""

import datetime as dt

from bluelamp.events.booking import book
from bluelamp.events.tests.helpers import event
from tests.test_every_url_has_an_outsider import OWN, REFUSED, Case

AT = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)

CASES = {
    "events/": Case(lambda w: "/events/", OWN, why="the sessions open to the reader"),
    "events/sessions/<>/": Case(lambda w: f"/events/sessions/{w.event_session.uuid}/", REFUSED),
    "events/sessions/<>/book/": Case(
        lambda w: f"/events/sessions/{w.event_session.uuid}/book/", REFUSED, methods=("post",)
    ),
    "events/bookings/": Case(lambda w: "/events/bookings/", OWN, why="the reader's own bookings"),
    "events/bookings/<>/": Case(lambda w: f"/events/bookings/{w.event_booking.uuid}/", REFUSED),
    "events/bookings/<>/cancel/": Case(
        lambda w: f"/events/bookings/{w.event_booking.uuid}/cancel/", REFUSED, methods=("post",)
    ),
    "events/bookings/<>/accept/": Case(
        lambda w: f"/events/bookings/{w.event_booking.uuid}/accept/", REFUSED, methods=("post",)
    ),
    "events/bookings/<>/calendar.ics": Case(
        lambda w: f"/events/bookings/{w.event_booking.uuid}/calendar.ics", REFUSED
    ),
    "api/v1/event-sessions/": Case(
        lambda w: "/api/v1/event-sessions/", OWN, why="sessions the reader may book"
    ),
    "api/v1/event-sessions/<>/": Case(lambda w: f"/api/v1/event-sessions/{w.event_session.uuid}/", REFUSED),
    "api/v1/bookings/": Case(lambda w: "/api/v1/bookings/", OWN, why="the reader's own bookings"),
    "api/v1/bookings/<>/": Case(
        lambda w: f"/api/v1/bookings/{w.event_booking.uuid}/", REFUSED, methods=("get", "delete")
    ),
}


def build(w) -> None:
    _, w.event_session = event(w.kent, title="KENTONLY first aid", description="KENTONLY refresher")
    w.event_booking = book(actor=None, session=w.event_session, person=w.bob, at=AT)
