"""Booking places: what a booking becomes (a place, approval or payment first, or the waiting
list), who may book whom, cancelling before and after the cut-off, and a freed place offered to
the first waiting, who accepts it or lets it pass to the next."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bluelamp.events.booking import (
    accept_offer,
    book,
    cancel,
    cancel_cutoff,
    offers_expire,
    waitlist_position,
)
from bluelamp.events.models import Booking, EventSession
from bluelamp.events.tests.helpers import AT, event, utc
from conftest import make_person

pytestmark = pytest.mark.django_db


def people(org, n, prefix="p"):
    return [make_person(org, f"{prefix}{i}@kent.police.uk", first=f"P{i}", last="Kent") for i in range(n)]


def counts(session):
    session.refresh_from_db()
    return session.booked, session.waitlisted


def test_places_then_the_waiting_list_in_order(kent):
    _, session = event(kent, capacity=2)
    a, b, c, d = people(kent, 4)
    assert [book(actor=p, session=session, person=p, at=AT).status for p in (a, b, c, d)] == [
        "booked", "booked", "waitlisted", "waitlisted",
    ]  # fmt: skip
    assert counts(session) == (2, 2)
    waiting = Booking.objects.filter(status="waitlisted").order_by("waitlist_number")
    assert [waitlist_position(w) for w in waiting] == [1, 2]
    with pytest.raises(ValidationError, match="already has a place or is on the waiting list"):
        book(actor=a, session=session, person=a, at=AT)


def test_approval_and_payment_come_before_the_place_is_confirmed(kent):
    _, approved = event(kent, approval="manager", title="Needs approval")
    _, paid = event(
        kent,
        pricing="per_place",
        price_pence=15000,
        title="Paid",
        dates=[(utc(2027, 2, 2, 9), utc(2027, 2, 2, 17))],
    )
    (person,) = people(kent, 1)
    assert book(actor=person, session=approved, person=person, at=AT).status == "pending_approval"
    assert book(actor=person, session=paid, person=person, at=AT).status == "pending_payment"
    assert counts(paid) == (1, 0)  # the place is held while it is paid for


def test_who_may_book_whom(kent, essex, alice):
    _, session = event(kent)
    manager = make_person(kent, "mgr@kent.police.uk", first="Mo", last="Manager")
    report = make_person(kent, "rep@kent.police.uk", first="Rae", last="Report", line_manager=manager)
    other = make_person(kent, "oth@kent.police.uk", first="Oli", last="Other")
    assert book(actor=manager, session=session, person=report, at=AT).booked_by == manager
    assert (
        book(actor=alice, session=session, person=manager, at=AT).status == "booked"
    )  # Kent's administrator
    with pytest.raises(PermissionDenied):
        book(actor=report, session=session, person=other, at=AT)
    outsider = make_person(essex, "ed@essex.police.uk", first="Ed", last="Essex")
    with pytest.raises(ValidationError, match="Ed Essex is not in this event's audience"):
        book(actor=outsider, session=session, person=outsider, at=AT)
    _, national = event(
        kent,
        audience="licensed",
        title="Open to all forces",
        dates=[(utc(2027, 3, 2, 9), utc(2027, 3, 2, 12))],
    )
    assert book(actor=outsider, session=national, person=outsider, at=AT).status == "booked"


def test_booking_opens_and_closes(kent):
    created, session = event(kent, publish=False)
    (person,) = people(kent, 1)
    with pytest.raises(ValidationError, match="not open for booking"):
        book(actor=person, session=session, person=person, at=AT)
    created.status = "published"
    created.save()
    with pytest.raises(ValidationError, match="Booking opens on 6 December 2026 at 10:00am"):
        book(actor=person, session=session, person=person, at=AT - dt.timedelta(days=2))
    with pytest.raises(ValidationError, match="Booking closed on 11 January 2027 at 9:00pm"):
        book(actor=person, session=session, person=person, at=utc(2027, 1, 12, 8, 0))


def test_the_cut_off_counts_working_days(kent):
    # Tuesday 12 January 2027, 2 working days: the booker may cancel until the end of Friday 8th.
    _, session = event(kent)
    assert cancel_cutoff(session) == utc(2027, 1, 9, 0, 0)


def test_a_freed_place_is_offered_to_the_first_waiting_who_accepts(kent):
    _, session = event(kent, capacity=1)
    first, second, third = people(kent, 3)
    placed = book(actor=first, session=session, person=first, at=AT)
    waiting = [book(actor=p, session=session, person=p, at=AT) for p in (second, third)]
    cancel(actor=first, booking=placed, reason="On leave", at=AT)
    offered = Booking.objects.get(pk=waiting[0].pk)
    assert offered.status == "offered" and offered.expires_at == AT + dt.timedelta(hours=48)
    assert counts(session) == (1, 1)
    with pytest.raises(PermissionDenied):
        accept_offer(actor=third, booking=offered, at=AT)
    accepted = accept_offer(actor=second, booking=offered, at=AT + dt.timedelta(hours=1))
    assert accepted.status == "booked" and accepted.ics_sequence == 1
    assert waitlist_position(Booking.objects.get(pk=waiting[1].pk)) == 1


def test_an_offer_that_runs_out_passes_to_the_next(kent):
    _, session = event(kent, capacity=1)
    first, second, third = people(kent, 3)
    placed = book(actor=first, session=session, person=first, at=AT)
    slow, next_one = (book(actor=p, session=session, person=p, at=AT) for p in (second, third))
    cancel(actor=first, booking=placed, at=AT)
    assert offers_expire(at=AT + dt.timedelta(hours=47)) == 0
    assert offers_expire(at=AT + dt.timedelta(hours=48)) == 1
    slow.refresh_from_db()
    next_one.refresh_from_db()
    assert slow.status == "cancelled" and slow.cancel_reason == "The offer of a place ran out."
    assert next_one.status == "offered"
    with pytest.raises(ValidationError, match="no place offered"):
        accept_offer(actor=second, booking=slow, at=AT + dt.timedelta(hours=49))
    assert counts(session) == (1, 0)


def test_cancelling_after_the_cut_off_is_the_administrators_and_late(kent, alice):
    _, session = event(kent)
    (person,) = people(kent, 1)
    placed = book(actor=person, session=session, person=person, at=AT)
    late = utc(2027, 1, 11, 9, 0)
    with pytest.raises(
        ValidationError, match="could be cancelled until 9 January 2027 at midnight"
    ):  # Friday's end
        cancel(actor=person, booking=placed, at=late)
    cancelled = cancel(actor=alice, booking=placed, reason="Ill", at=late)
    assert (cancelled.status, cancelled.attendance, cancelled.cancelled_by) == (
        "cancelled",
        "late_cancel",
        alice,
    )
    assert counts(session) == (0, 0)
    with pytest.raises(ValidationError, match="already cancelled"):
        cancel(actor=alice, booking=placed, at=late)


def test_a_waiting_person_leaving_the_queue_frees_no_place(kent):
    _, session = event(kent, capacity=1)
    first, second = people(kent, 2)
    book(actor=first, session=session, person=first, at=AT)
    waiting = book(actor=second, session=session, person=second, at=AT)
    cancel(actor=second, booking=waiting, at=AT)
    assert counts(session) == (1, 0)
    assert EventSession.objects.get(pk=session.pk).waitlist_last == 1


def test_the_frequent_jobs_run_the_expiry_reminders_and_reservations(monkeypatch):
    from bluelamp.core.plugins import jobs
    from bluelamp.events import tasks

    monkeypatch.setattr(tasks, "holds_expire", lambda: 3)
    monkeypatch.setattr(tasks, "send_reminders", lambda: 4)
    monkeypatch.setattr(tasks.reservations, "release_due", lambda: 5)
    frequent = jobs("frequent")
    assert {tasks.expire_place_offers, tasks.send_booking_reminders, tasks.release_reservations} <= set(
        frequent
    )
    assert tasks.expire_place_offers.enqueue().return_value == 3
    assert tasks.send_booking_reminders.enqueue().return_value == 4
    assert tasks.release_reservations.enqueue().return_value == 5
