"""The issue's "done when", as a new user would go through it: Kent's training administrator
makes a course whose event activity a paid two-day workshop delivers, publishes the workshop
(two sessions, the first with 20 places); twenty learners book and pay by card, the 21st joins
the waiting list; one cancels, the 21st is offered the place and accepts it (and pays); every
invitation parses as a calendar would read it; the trainer takes the register; the learners'
courses complete, mandatory training shows them compliant, and their feedback reaches the report."""

import pytest
from icalendar import Calendar

from bluelamp.compliance.api import Assignment, evaluate_people
from bluelamp.events import payments
from bluelamp.events.models import Booking, Event, Payment
from bluelamp.events.tests.helpers import AT, utc, venue
from bluelamp.events.tests.localstripe import pay_with_test_card
from bluelamp.events.tests.test_admin_pages import session_form
from bluelamp.events.tests.test_pages import text
from bluelamp.learning.api import Enrolment, course_create, version_publish, version_start
from bluelamp.notifications.api import OutgoingEmail
from conftest import make_person

pytestmark = pytest.mark.django_db


def check_invitation(data: bytes, *, method: str, sequence: int, days: int) -> None:
    """What a calendar program relies on (RFC 5545/5546): METHOD, one VEVENT per day with a UID,
    DTSTAMP, DTSTART/DTEND in a time zone the file defines, SEQUENCE and an ORGANIZER."""
    calendar = Calendar.from_ical(data)
    assert calendar["method"] == method and calendar["version"] == "2.0" and calendar["prodid"]
    zones = {str(z["tzid"]) for z in calendar.walk("VTIMEZONE")}
    events = calendar.walk("VEVENT")
    assert len(events) == days and len({str(e["uid"]) for e in events}) == days
    for item in events:
        assert item["dtstart"].params["TZID"] in zones == {"Europe/London"}
        assert item.decoded("dtend") > item.decoded("dtstart") and item.decoded("dtstamp")
        assert item.decoded("sequence") == sequence and item["organizer"]


def test_the_paid_workshop_from_publishing_to_compliance(
    client, signed_in, kent, alice, stripe_settings, monkeypatch
):
    monkeypatch.setattr("bluelamp.events.web.clock.now", lambda: AT)
    room = venue(kent).rooms.get(name="Room 1")
    trainer = make_person(kent, "tess@kent.police.uk", first="Tess", last="Trainer", staff_number="K9")
    course = course_create(actor=alice, owner=kent, code="CMI-LC", title="Leading change")
    learners = [
        make_person(
            kent, f"l{n:02d}@kent.police.uk", first=f"Learner{n:02d}", last="Kent", staff_number=f"L{n:02d}"
        )
        for n in range(21)
    ]
    from bluelamp.compliance.tests.helpers import make_requirement

    make_requirement(kent, "LC", [course], at=AT, validity_months=12)

    # The administrator: the workshop, the course's event activity, two sessions, publish.
    signed_in(alice)
    client.post(
        "/events/manage/new/",
        {"kind": "workshop", "title": "Leading change workshop", "description": "Two days.", "audience": "organisation",
         "course": "", "pricing": "per_place", "price": "150", "vat_percent": "20", "approval": "none",
         "cancel_cutoff_working_days": "5"},
    )  # fmt: skip
    workshop = Event.objects.get(title="Leading change workshop")
    client.post(f"/events/manage/courses/{course.uuid}/activity/", {"event": str(workshop.uuid)})
    draft = version_start(actor=alice, course=course)
    draft.activities.exclude(kind="event").delete()
    version_publish(actor=alice, version=draft, at=AT)
    workshop.refresh_from_db()
    assert workshop.course == course
    client.post(
        f"/events/manage/{workshop.uuid}/sessions/new/", session_form(room=str(room.pk), trainers="K9")
    )
    client.post(
        f"/events/manage/{workshop.uuid}/sessions/new/",
        session_form(day_1="2027-02-16", day_2="2027-02-17", room=str(room.pk), capacity="12"),
    )
    client.post(f"/events/manage/{workshop.uuid}/publish/")
    first, second = workshop.sessions.order_by("starts_at")
    assert (first.capacity, first.dates.count(), second.dates.count()) == (20, 2, 2)

    # Twenty book and pay by card; the 21st waits.
    for learner in learners:
        signed_in(learner)
        client.post(f"/events/sessions/{first.uuid}/book/")
        booking = Booking.objects.get(person=learner)
        if booking.status == "pending_payment":
            client.post(f"/events/bookings/{booking.uuid}/pay/card/")
            payment = Payment.objects.get(booking=booking)
            intent = payments.get_gateway().retrieve_intent(payment.intent_id)
            assert pay_with_test_card(stripe_settings.STRIPE_API_BASE, intent) == "succeeded"
            client.get(f"/events/bookings/{booking.uuid}/pay/done/?payment={payment.uuid}")
    statuses = [Booking.objects.get(person=p).status for p in learners]
    assert statuses == ["booked"] * 20 + ["waitlisted"]
    first.refresh_from_db()
    assert (first.booked, first.waitlisted) == (20, 1)

    # One cancels (before the cut-off: refunded); the 21st is offered the place, accepts and pays.
    leaver = Booking.objects.get(person=learners[3])
    signed_in(learners[3])
    with django_on_commit():
        client.post(f"/events/bookings/{leaver.uuid}/cancel/")
    assert Payment.objects.get(booking=leaver).status == "refunded"
    last = Booking.objects.get(person=learners[20])
    assert last.status == "offered"
    signed_in(learners[20])
    assert "Accept the place" in text(client.get(f"/events/bookings/{last.uuid}/"))
    client.post(f"/events/bookings/{last.uuid}/accept/")
    last.refresh_from_db()
    assert last.status == "pending_payment"
    client.post(f"/events/bookings/{last.uuid}/pay/card/")
    payment = Payment.objects.get(booking=last)
    pay_with_test_card(
        stripe_settings.STRIPE_API_BASE, payments.get_gateway().retrieve_intent(payment.intent_id)
    )
    client.get(f"/events/bookings/{last.uuid}/pay/done/?payment={payment.uuid}")
    last.refresh_from_db()
    assert last.status == "booked"

    # Every invitation a calendar reads: REQUEST on booking, CANCEL for the one who left.
    for learner in learners:
        booking = Booking.objects.get(person=learner)
        signed_in(learner)
        ics = client.get(f"/events/bookings/{booking.uuid}/calendar.ics").content
        if learner == learners[3]:
            check_invitation(ics, method="CANCEL", sequence=2, days=2)
        else:
            check_invitation(ics, method="REQUEST", sequence=booking.ics_sequence, days=2)
    mailed = OutgoingEmail.objects.filter(kind="events.booked")
    assert mailed.count() == 21
    for email in mailed:
        (invite,) = email.attachments
        import base64

        check_invitation(
            base64.b64decode(invite["content_base64"]),
            method="REQUEST",
            sequence=1 if email.to != ["l20@kent.police.uk"] else 2,
            days=2,
        )

    # The trainer takes the register on the first day; courses complete; compliance follows.
    monkeypatch.setattr("bluelamp.events.web.clock.now", lambda: utc(2027, 1, 12, 10))
    signed_in(trainer)
    attending = Booking.objects.filter(session=first, status="booked").select_related("person")
    marks = {f"b{b.pk}": "attended" for b in attending}
    absent = attending.get(person=learners[0])
    marks[f"b{absent.pk}"] = "no_show"
    saved = client.post(f"/events/manage/sessions/{first.uuid}/register/", marks, follow=True)
    assert "20 on the register: 19 attended, 0 partly attended, 1 did not attend" in text(saved)
    assert Enrolment.objects.filter(course=course, status="completed").count() == 19
    evaluate_people([p.pk for p in learners], at=utc(2027, 1, 12, 11))
    compliant = Assignment.objects.filter(person__in=learners, status="compliant").count()
    assert compliant == 19

    # Feedback, and the report shows it.
    monkeypatch.setattr("bluelamp.events.web.clock.now", lambda: utc(2027, 1, 14))
    for n, learner in enumerate(learners[1:4]):
        booking = Booking.objects.filter(person=learner, status="booked").first()
        if booking is None:
            continue
        signed_in(learner)
        client.post(f"/events/bookings/{booking.uuid}/feedback/", {"rating": str(5 - n), "recommend": "yes"})
    signed_in(alice)
    report = text(client.get(f"/events/manage/{workshop.uuid}/report/"))
    assert "2 responses, average 4.5 out of 5, 100% would recommend" in report
    assert "Tess Trainer" in report


class django_on_commit:
    """Run the on-commit callbacks (the refund task) of what happens inside, as a real request's
    commit would."""

    def __enter__(self):
        from django.test import TestCase

        self._context = TestCase.captureOnCommitCallbacks(execute=True)
        return self._context.__enter__()

    def __exit__(self, *exc):
        return self._context.__exit__(*exc)
