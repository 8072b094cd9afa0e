"""Attendance completes the course: an event that delivers a course whose version holds the
event activity; marking someone attended completes it (and the course), enrolling them first if
they were not; partly attending starts it. Feedback after; the reports."""

import pytest
from django.core.exceptions import ValidationError

from bluelamp.events.attendance import feedback_give, mark
from bluelamp.events.booking import book
from bluelamp.events.reports import by_trainer, figures
from bluelamp.events.services import event_link_course
from bluelamp.events.tests.helpers import AT, event, utc
from bluelamp.learning.api import Enrolment, activity_add, course_create, version_publish, version_start
from conftest import make_person

pytestmark = pytest.mark.django_db
ON_THE_DAY = utc(2027, 1, 12, 10)


def course_with_event(kent, alice, ev):
    course = course_create(actor=alice, owner=kent, code="FA-1", title="First aid")
    draft = version_start(actor=alice, course=course)
    draft.activities.all().delete()
    activity_add(actor=alice, version=draft, kind="event", title="Attend", target=str(ev.uuid))
    version_publish(actor=alice, version=draft)
    event_link_course(actor=alice, event=ev, course=course)
    return course


def test_attending_completes_the_course_and_partly_attending_starts_it(kent, alice, bob):
    trainer = make_person(kent, "tess@kent.police.uk", first="Tess", last="Trainer")
    ev, session = event(kent, trainers=[trainer])
    course = course_with_event(kent, alice, ev)
    carol = make_person(kent, "carol@kent.police.uk", first="Carol", last="Kent")
    dan = make_person(kent, "dan@kent.police.uk", first="Dan", last="Kent")
    bookings = {p: book(actor=p, session=session, person=p, at=AT) for p in (bob, carol, dan)}
    with pytest.raises(ValidationError, match="The register opens when the session starts"):
        mark(actor=trainer, session=session, marks={bookings[bob].pk: "attended"}, at=AT)
    changed = mark(
        actor=trainer,
        session=session,
        marks={bookings[bob].pk: "attended", bookings[carol].pk: "partial", bookings[dan].pk: "no_show"},
        at=ON_THE_DAY,
    )
    assert changed == 3
    bob_enrolment = Enrolment.objects.get(person=bob, course=course)
    assert bob_enrolment.status == "completed"
    carol_enrolment = Enrolment.objects.get(person=carol, course=course)
    assert carol_enrolment.status == "active"
    assert not Enrolment.objects.filter(person=dan).exists()

    with pytest.raises(ValidationError, match="Feedback is for those who attended"):
        feedback_give(actor=dan, booking=bookings[dan], rating=5, would_recommend=True, at=ON_THE_DAY)
    with pytest.raises(ValidationError) as bad:
        feedback_give(actor=bob, booking=bookings[bob], rating=9, would_recommend=None, at=ON_THE_DAY)
    assert set(bad.value.message_dict) == {"rating", "would_recommend"}
    feedback_give(
        actor=bob, booking=bookings[bob], rating=5, would_recommend=True, comments="Useful", at=ON_THE_DAY
    )
    feedback_give(actor=carol, booking=bookings[carol], rating=3, would_recommend=False, at=ON_THE_DAY)
    with pytest.raises(ValidationError, match="already given"):
        feedback_give(actor=bob, booking=bookings[bob], rating=4, would_recommend=True, at=ON_THE_DAY)

    f = figures(ev.sessions.all())
    assert (f.confirmed, f.capacity, f.attended, f.partial, f.no_show) == (3, 20, 1, 1, 1)
    assert round(f.fill_rate) == 15 and round(f.no_show_rate) == 33
    assert (f.rating, f.recommend_rate) == (4.0, 50.0)
    (tess,) = by_trainer(ev.sessions.all())
    assert (tess.name, tess.ratings, tess.rating) == ("Tess Trainer", 2, 4.0)


def test_someone_who_completed_last_year_renews_by_attending(kent, alice, bob):
    ev, first = event(kent)
    course = course_with_event(kent, alice, ev)
    b1 = book(actor=bob, session=first, person=bob, at=AT)
    mark(actor=alice, session=first, marks={b1.pk: "attended"}, at=ON_THE_DAY)
    from bluelamp.events.services import SessionInput, session_create

    again = session_create(
        actor=alice,
        event=ev,
        data=SessionInput(
            dates=[(utc(2028, 1, 11, 9), utc(2028, 1, 11, 16))], capacity=10,
            booking_opens_at=AT, booking_closes_at=utc(2028, 1, 10), online_url="https://meet.example/fa",
        ),
    )  # fmt: skip
    b2 = book(actor=bob, session=again, person=bob, at=AT)
    mark(actor=alice, session=again, marks={b2.pk: "attended"}, at=utc(2028, 1, 11, 10))
    enrolments = Enrolment.objects.filter(person=bob, course=course).order_by("pk")
    assert [e.status for e in enrolments] == ["completed", "completed"]
