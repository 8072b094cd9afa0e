"""Approval and held places: a booking waits for the line manager (and for two-stage approval
then an administrator), holding its place; whoever books for someone stands in for the stages
they could approve; declined or unanswered in time, the place goes to the next waiting. The
e-mails each step sends, and the reminders a week and a day before."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bluelamp.events.booking import (
    APPROVAL_HOLD_HOURS,
    approve,
    book,
    decline,
    holds_expire,
    send_reminders,
)
from bluelamp.events.models import Booking
from bluelamp.events.tests.helpers import AT, event, utc
from bluelamp.notifications.api import Notification, OutgoingEmail
from conftest import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(kent):
    manager = make_person(kent, "mo@kent.police.uk", first="Mo", last="Manager")
    report = make_person(kent, "rae@kent.police.uk", first="Rae", last="Report", line_manager=manager)
    return manager, report


def test_the_line_manager_approves_then_the_place_is_booked(kent, team):
    manager, report = team
    _, session = event(kent, approval="manager")
    booking = book(actor=report, session=session, person=report, at=AT)
    assert (booking.status, booking.approval_stage) == ("pending_approval", "manager")
    assert booking.expires_at == AT + dt.timedelta(hours=APPROVAL_HOLD_HOURS)
    asked = Notification.objects.get(person=manager, kind="events.approval")
    assert "Rae Report has booked" in asked.body
    with pytest.raises(PermissionDenied):
        approve(actor=report, booking=booking, at=AT)
    approved = approve(actor=manager, booking=booking, at=AT)
    assert (approved.status, approved.approval_stage, approved.expires_at) == ("booked", "", None)
    assert approved.ics_sequence == 1
    kinds = list(
        OutgoingEmail.objects.filter(to=["rae@kent.police.uk"]).order_by("pk").values_list("kind", flat=True)
    )
    assert kinds == ["events.pending_approval", "events.booked"]
    assert OutgoingEmail.objects.get(kind="events.booked").attachments[0]["filename"] == "invite.ics"


def test_two_stage_approval_goes_to_the_administrators_and_then_payment(kent, team, alice):
    manager, report = team
    _, session = event(kent, approval="manager_then_admin", pricing="per_place", price_pence=5000)
    booking = book(actor=report, session=session, person=report, at=AT)
    booking = approve(actor=manager, booking=booking, at=AT)
    assert (booking.status, booking.approval_stage) == ("pending_approval", "admin")
    with pytest.raises(PermissionDenied):
        approve(actor=manager, booking=booking, at=AT)  # the manager's stage is done
    booking = approve(actor=alice, booking=booking, at=AT)
    assert booking.status == "pending_payment" and booking.expires_at == AT + dt.timedelta(hours=24)


def test_who_books_stands_in_for_the_stages_they_could_approve(kent, team, alice):
    manager, report = team
    _, session = event(kent, approval="manager_then_admin")
    by_manager = book(actor=manager, session=session, person=report, at=AT)
    assert (by_manager.status, by_manager.approval_stage) == ("pending_approval", "admin")
    loner = make_person(kent, "lo@kent.police.uk", first="Lo", last="Ner")  # no line manager
    assert book(actor=loner, session=session, person=loner, at=AT).approval_stage == "admin"
    other = make_person(kent, "ot@kent.police.uk", first="Ot", last="Her")
    assert book(actor=alice, session=session, person=other, at=AT).status == "booked"


def test_a_declined_booking_frees_its_place_for_the_next(kent, team):
    manager, report = team
    _, session = event(kent, approval="manager", capacity=1)
    waiting_person = make_person(kent, "wa@kent.police.uk", first="Wai", last="Ting", line_manager=manager)
    booking = book(actor=report, session=session, person=report, at=AT)
    waiting = book(actor=waiting_person, session=session, person=waiting_person, at=AT)
    with pytest.raises(ValidationError, match="Say why the booking is not approved"):
        decline(actor=manager, booking=booking, reason=" ", at=AT)
    declined = decline(actor=manager, booking=booking, reason="Needed on shift", at=AT)
    assert (declined.status, declined.cancel_reason) == ("cancelled", "Needed on shift")
    waiting.refresh_from_db()
    assert waiting.status == "offered"
    told = OutgoingEmail.objects.get(kind="events.declined")
    assert "Needed on shift" in told.text_body and not told.attachments


def test_holds_run_out_and_pass_to_the_next(kent, team):
    manager, report = team
    _, session = event(kent, pricing="per_place", price_pence=1000, capacity=1)
    waiting_person = make_person(kent, "wa@kent.police.uk", first="Wai", last="Ting")
    held = book(actor=report, session=session, person=report, at=AT)
    waiting = book(actor=waiting_person, session=session, person=waiting_person, at=AT)
    assert holds_expire(at=AT + dt.timedelta(hours=23)) == 0
    assert holds_expire(at=AT + dt.timedelta(hours=24)) == 1
    held.refresh_from_db()
    waiting.refresh_from_db()
    assert (held.status, held.cancel_reason) == ("cancelled", "The place was not paid for in time.")
    assert waiting.status == "offered"
    told = OutgoingEmail.objects.get(kind="events.hold_expired")
    assert "was not paid for by 8 December 2026 at 10:00am" in " ".join(told.text_body.split())


def test_reminders_a_week_and_a_day_before_each_once(kent, team):
    _, report = team
    _, session = event(kent)  # 12 January 2027, 09:00
    booking = book(actor=report, session=session, person=report, at=AT)
    assert send_reminders(at=utc(2027, 1, 4, 9)) == 0  # more than a week before
    assert send_reminders(at=utc(2027, 1, 5, 9, 30)) == 1
    assert send_reminders(at=utc(2027, 1, 5, 10)) == 0  # once
    assert send_reminders(at=utc(2027, 1, 11, 9, 30)) == 1
    week, day = OutgoingEmail.objects.filter(kind__startswith="events.reminder").order_by("pk")
    assert (week.subject, day.subject) == ("In a week: First aid refresher", "Tomorrow: First aid refresher")
    assert day.attachments[0]["mimetype"] == "text/calendar; method=REQUEST"
    late = make_person(kent, "la@kent.police.uk", first="La", last="Te")
    book(actor=late, session=session, person=late, at=utc(2027, 1, 8))  # inside the week: no week's reminder
    assert send_reminders(at=utc(2027, 1, 11, 9, 45)) == 1  # only the day's
    last = make_person(kent, "lt@kent.police.uk", first="Last", last="Minute")
    book(actor=last, session=session, person=last, at=utc(2027, 1, 11, 12))  # inside the day: none
    assert send_reminders(at=utc(2027, 1, 11, 13)) == 0
    booking.refresh_from_db()
    assert booking.reminded_week_at and booking.reminded_day_at


def test_a_booking_for_someone_copies_the_booker(kent, team):
    manager, report = team
    _, session = event(kent)
    book(actor=manager, session=session, person=report, at=AT)
    told = OutgoingEmail.objects.get(kind="events.booked")
    assert told.to == ["rae@kent.police.uk"] and told.cc == ["mo@kent.police.uk"]
    assert Booking.objects.get().booked_by == manager
