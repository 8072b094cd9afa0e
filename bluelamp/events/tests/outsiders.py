"""Events' routes for tests/test_every_url_has_an_outsider.py: Kent's first aid refresher is for
Kent's people only, and Bob's booking on it is his: an Essex outsider is told "not found"."""

import datetime as dt

from bluelamp.events.booking import book
from bluelamp.events.reservations import reserve
from bluelamp.events.tests.helpers import event, venue
from tests.test_every_url_has_an_outsider import OWN, REFUSED, SIGNED, Case

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
    "events/sessions/<>/team/": Case(
        lambda w: f"/events/sessions/{w.event_session.uuid}/team/", REFUSED, methods=("get", "post")
    ),
    "events/bookings/<>/feedback/": Case(
        lambda w: f"/events/bookings/{w.event_booking.uuid}/feedback/", REFUSED, methods=("get", "post")
    ),
    "events/bookings/<>/pay/": Case(lambda w: f"/events/bookings/{w.event_booking.uuid}/pay/", REFUSED),
    "events/bookings/<>/pay/card/": Case(
        lambda w: f"/events/bookings/{w.event_booking.uuid}/pay/card/", REFUSED
    ),
    "events/bookings/<>/pay/done/": Case(
        lambda w: f"/events/bookings/{w.event_booking.uuid}/pay/done/?payment={w.event_booking.uuid}", REFUSED
    ),
    "events/bookings/<>/pay/invoice/": Case(
        lambda w: f"/events/bookings/{w.event_booking.uuid}/pay/invoice/", REFUSED, methods=("post",)
    ),
    "events/bookings/<>/receipt.pdf": Case(
        lambda w: f"/events/bookings/{w.event_booking.uuid}/receipt.pdf", REFUSED
    ),
    "events/payments/webhook/": Case(
        lambda w: "/events/payments/webhook/",
        SIGNED,
        methods=("post",),
        json={"id": "evt_x", "type": "payment_intent.succeeded"},
        signed_out=SIGNED,
        why="the card payment service's signed events",
    ),
    "events/manage/bookings/<>/refund/": Case(
        lambda w: f"/events/manage/bookings/{w.event_booking.uuid}/refund/", REFUSED, methods=("get", "post")
    ),
    "events/manage/planning/": Case(
        lambda w: f"/events/manage/planning/?organisation={w.kent.pk}",
        OWN,
        why="the reader's own organisation's demand",
    ),
    "events/manage/finance/": Case(
        lambda w: "/events/manage/finance/", OWN, why="the money of the reader's own events"
    ),
    "events/approvals/": Case(lambda w: "/events/approvals/", OWN, why="bookings waiting for the reader"),
    "events/approvals/<>/": Case(
        lambda w: f"/events/approvals/{w.event_booking.uuid}/", REFUSED, methods=("post",)
    ),
    "events/reservations/<>/": Case(
        lambda w: f"/events/reservations/{w.event_reservation.uuid}/", REFUSED, methods=("get", "post")
    ),
    "events/training/": Case(lambda w: "/events/training/", OWN, why="the sessions the reader trains"),
    "events/manage/": Case(
        lambda w: "/events/manage/", OWN, why="the events of the reader's own organisations"
    ),
    "events/manage/new/": Case(
        lambda w: "/events/manage/new/", OWN, methods=("get", "post"), why="creating an event of one's own"
    ),
    "events/manage/<>/": Case(lambda w: f"/events/manage/{w.event.uuid}/", REFUSED),
    "events/manage/<>/edit/": Case(
        lambda w: f"/events/manage/{w.event.uuid}/edit/", REFUSED, methods=("get", "post")
    ),
    "events/manage/<>/publish/": Case(
        lambda w: f"/events/manage/{w.event.uuid}/publish/", REFUSED, methods=("post",)
    ),
    "events/manage/<>/sessions/new/": Case(
        lambda w: f"/events/manage/{w.event.uuid}/sessions/new/", REFUSED, methods=("get", "post")
    ),
    "events/manage/<>/report/": Case(lambda w: f"/events/manage/{w.event.uuid}/report/", REFUSED),
    "events/manage/sessions/<>/": Case(lambda w: f"/events/manage/sessions/{w.event_session.uuid}/", REFUSED),
    "events/manage/sessions/<>/edit/": Case(
        lambda w: f"/events/manage/sessions/{w.event_session.uuid}/edit/", REFUSED, methods=("get", "post")
    ),
    "events/manage/sessions/<>/cancel/": Case(
        lambda w: f"/events/manage/sessions/{w.event_session.uuid}/cancel/", REFUSED, methods=("get", "post")
    ),
    "events/manage/sessions/<>/book/": Case(
        lambda w: f"/events/manage/sessions/{w.event_session.uuid}/book/", REFUSED, methods=("get", "post")
    ),
    "events/manage/sessions/<>/register/": Case(
        lambda w: f"/events/manage/sessions/{w.event_session.uuid}/register/",
        REFUSED,
        methods=("get", "post"),
    ),
    "events/manage/bookings/<>/cancel/": Case(
        lambda w: f"/events/manage/bookings/{w.event_booking.uuid}/cancel/", REFUSED, methods=("get", "post")
    ),
    "events/manage/courses/<>/activity/": Case(
        lambda w: f"/events/manage/courses/{w.course.uuid}/activity/", REFUSED, methods=("get", "post")
    ),
    "events/manage/reports/": Case(
        lambda w: "/events/manage/reports/", OWN, why="the reader's own organisations' events"
    ),
    "events/manage/venues/": Case(lambda w: "/events/manage/venues/", OWN, why="the reader's own venues"),
    "events/manage/venues/new/": Case(
        lambda w: "/events/manage/venues/new/",
        OWN,
        methods=("get", "post"),
        why="adding a venue of one's own",
    ),
    "events/manage/venues/<>/": Case(
        lambda w: f"/events/manage/venues/{w.event_venue.uuid}/", REFUSED, methods=("get", "post")
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
    w.event, w.event_session = event(w.kent, title="KENTONLY first aid", description="KENTONLY refresher")
    w.event_booking = book(actor=None, session=w.event_session, person=w.bob, at=AT)
    w.event_venue = venue(w.kent, name="KENTONLY training centre")
    w.event_reservation = reserve(actor=w.alice, session=w.event_session, places=2, at=AT)
