"""Upcoming tasks across domains, and the notices about them: a person's programme units (named
with their programme), assignments, quizzes that close and mandatory training; the Monday
digest and the reminder 3 days before a deadline, each sent once however often the job runs."""

from __future__ import annotations

import datetime as dt

import pytest

from bluelamp.assessment.assignments import services as assignment_services
from bluelamp.assessment.assignments.tests.helpers import course_with_assignment, refer
from bluelamp.compliance.tests.helpers import make_requirement
from bluelamp.core.plugins import jobs
from bluelamp.learning.api import enrol_people
from bluelamp.notifications.api import Notification, OutgoingEmail
from bluelamp.programmes import tasks, upcoming
from bluelamp.programmes.places import place_add
from bluelamp.programmes.tests.helpers import AT, cmi_programme, cohort, complete
from conftest import make_person

# Monday 28 December 2026 (ISO week 2026-W53): unit 701 of the cohort that started on 2 November
# is due on Friday 1 January 2027, in 4 days.
MONDAY = dt.date(2026, 12, 28)
SENT_AT = dt.datetime(2026, 12, 28, 6, tzinfo=dt.UTC)


@pytest.fixture
def dan(kent):
    return make_person(kent, "dan@kent.police.uk", first="Dan", last="Direct", staff_number="K7")


@pytest.fixture
def cmi(kent, alice):
    return cmi_programme(kent, alice)


@pytest.fixture
def placed(cmi, kent, alice, dan):
    return place_add(
        actor=alice, programme=cmi[0], person=dan, cohort=cohort(cmi[0], kent, alice, name="Winter"), at=AT
    )


def _window(on=MONDAY):
    start, end = upcoming.window(on)
    return {"start": start, "end": end}


# --- what is due ------------------------------------------------------------------------------------


def test_a_programmes_units_are_named_with_their_programme(placed, dan):
    [task] = upcoming.tasks_for(dan, **_window())
    assert (task.title, task.kind, task.due_on) == (
        "Strategic leadership",
        "Programme unit",
        dt.date(2027, 1, 1),
    )
    assert task.context == "CMI Level 7 Certificate in Strategic Leadership"
    assert task.href.startswith("/learning/courses/") and task.key.startswith("learning.enrolment:")


def test_a_completed_unit_is_no_longer_due(cmi, placed, dan):
    complete(dan, cmi[1]["701"])
    assert upcoming.tasks_for(dan, **_window()) == []


def test_a_course_enrolment_with_a_due_date_is_a_course_task(kent, alice, bob):
    from bluelamp.programmes.tests.helpers import page_course

    course = page_course(kent, alice, code="FIRST-AID", title="First aid refresher")
    enrol_people(actor=alice, course=course, people=[bob], due_on=dt.date(2027, 1, 8))
    [task] = upcoming.tasks_for(bob, **_window())
    assert (task.title, task.kind, task.context, task.due_on) == (
        "First aid refresher",
        "Course",
        "",
        dt.date(2027, 1, 8),
    )
    assert upcoming.tasks_for(bob, start=MONDAY, end=dt.date(2027, 1, 7)) == []  # outside the window


def test_an_assignment_due_is_a_task_until_handed_in_and_a_referral_brings_the_resubmission(kent, alice, bob):
    due = dt.datetime(2027, 1, 5, 17, tzinfo=dt.UTC)
    course, assignment = course_with_assignment(
        kent, alice, code="CMI-7001", criteria=1, due_at=due, cut_off_at=None, title="Leading change essay"
    )
    enrol_people(actor=alice, course=course, people=[bob])
    [task] = upcoming.tasks_for(bob, **_window())
    assert (task.title, task.kind, task.context, task.due_on) == (
        "Leading change essay",
        "Assignment",
        "CMI CMI-7001",
        dt.date(2027, 1, 5),
    )
    assert task.href == f"/assessment/assignments/{assignment.uuid}/"

    submission = assignment_services.submission_submit(
        actor=bob, assignment=assignment, online_text="My essay.", declaration=True, at=SENT_AT
    )
    assert upcoming.tasks_for(bob, **_window()) == []

    refer(submission, at=dt.datetime(2026, 12, 10, 9, tzinfo=dt.UTC))  # resubmission due 7 January
    [task] = upcoming.tasks_for(bob, **_window())
    assert (task.kind, task.due_on, task.key) == (
        "Resubmission",
        dt.date(2027, 1, 7),
        f"assessment.assignment:{assignment.uuid}:2",
    )


def test_mandatory_training_due_is_a_task_unless_enrolled_on_its_course_with_a_date(kent, alice, bob):
    from bluelamp.programmes.tests.helpers import page_course

    course = page_course(kent, alice, code="PST", title="Personal safety training")
    make_requirement(
        kent, "PST-1", [course], actor=alice, at=dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC),
        title="Personal safety", first_due_days=30, auto_enrol=False,
    )  # fmt: skip
    tasks_now = [t for t in upcoming.tasks_for(bob, **_window()) if t.kind == "Mandatory training"]
    assert [(t.title, t.context, t.due_on, t.href) for t in tasks_now] == [
        ("Personal safety", "PST-1", dt.date(2026, 12, 31), "/compliance/people/me/")
    ]
    enrol_people(actor=alice, course=course, people=[bob], due_on=dt.date(2026, 12, 31))
    found = upcoming.tasks_for(bob, **_window())
    assert [(t.title, t.kind) for t in found] == [("Personal safety training", "Course")]  # listed once


# --- the weekly digest -------------------------------------------------------------------------------


def test_the_monday_digest_is_sent_once_to_each_person_with_something_due(placed, dan, bob):
    assert upcoming.digests_send(on=MONDAY, at=SENT_AT) == 1
    notice = Notification.objects.get(kind=upcoming.DIGEST)
    assert notice.person == dan and notice.dedupe_key == "digest:2026-W53"
    assert notice.subject == "1 task due in the next 14 days"
    assert (
        "Strategic leadership (Programme unit, CMI Level 7 Certificate in Strategic Leadership)"
        in notice.body
    )
    assert "due in 4 days, Friday 1 January 2027" in notice.body
    assert notice.link == "/programmes/upcoming/"
    email = OutgoingEmail.objects.get(subject=notice.subject)
    assert email.to == ["dan@kent.police.uk"]
    assert "Strategic leadership" in email.text_body and "/programmes/upcoming/" in email.text_body
    assert "Due in the next 14 days" in email.alternatives[0]["content"]
    # Running again (a retried job) sends nothing more; nobody else had anything due.
    assert upcoming.digests_send(on=MONDAY, at=SENT_AT) == 0
    assert Notification.objects.filter(kind=upcoming.DIGEST).count() == 1


def test_no_digest_on_other_days(placed):
    assert upcoming.digests_send(on=MONDAY + dt.timedelta(days=1), at=SENT_AT) == 0
    assert not Notification.objects.filter(kind=upcoming.DIGEST).exists()


# --- 3 days before a deadline --------------------------------------------------------------------------


def test_a_reminder_is_sent_3_days_before_each_deadline_once(placed, dan):
    assert upcoming.due_soon_send(on=MONDAY, at=SENT_AT) == 0  # due in 4 days: not yet
    tuesday = MONDAY + dt.timedelta(days=1)
    assert upcoming.due_soon_send(on=tuesday, at=SENT_AT) == 1
    notice = Notification.objects.get(kind=upcoming.DUE_SOON)
    assert notice.person == dan and notice.subject == "Due in 3 days: Strategic leadership"
    assert notice.body == (
        "Strategic leadership (Programme unit, CMI Level 7 Certificate in Strategic Leadership) is due on "
        "Friday 1 January 2027."
    )
    assert notice.dedupe_key.startswith("due-soon:learning.enrolment:") and notice.dedupe_key.endswith(
        ":2027-01-01"
    )
    assert upcoming.due_soon_send(on=tuesday, at=SENT_AT) == 0
    assert Notification.objects.filter(kind=upcoming.DUE_SOON).count() == 1


def test_the_daily_job_reads_the_clock_and_sends_both(monkeypatch, placed, dan):
    from django.utils import timezone

    assert tasks.send_upcoming_tasks in jobs("daily")
    # Monday 28 December at 7am in London: the digest; nothing is due on Thursday.
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 28, 7, tzinfo=dt.UTC))
    assert tasks.send_upcoming_tasks.call() == 1
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 29, 7, tzinfo=dt.UTC))
    assert tasks.send_upcoming_tasks.call() == 1  # the reminder: due on Friday
    assert set(Notification.objects.values_list("kind", flat=True)) >= {upcoming.DIGEST, upcoming.DUE_SOON}


def test_a_quiz_closing_is_a_task_until_passed(kent, alice, bob):
    from decimal import Decimal

    from bluelamp.assessment.quizzes.models import Attempt
    from bluelamp.assessment.quizzes.services import QuizSettings, quiz_create, quiz_update
    from bluelamp.learning.api import course_create, draft_version, version_publish

    course = course_create(actor=alice, owner=kent, code="LAW-Q", title="Legal update", summary="Law.")
    quiz = quiz_create(actor=alice, course=course, title="Legal update quiz", at=AT)
    closes = dt.datetime(2027, 1, 3, 23, 30, tzinfo=dt.UTC)  # 11:30pm on Sunday 3 January, London
    quiz_update(actor=alice, quiz=quiz, data=QuizSettings(title=quiz.title, close_at=closes), at=AT)
    version = draft_version(course)
    assert version is not None
    version_publish(actor=alice, version=version, at=AT)
    enrolment = enrol_people(actor=alice, course=course, people=[bob]).enrolled[0]
    [task] = upcoming.tasks_for(bob, **_window())
    assert (task.title, task.kind, task.context, task.due_on) == (
        "Legal update quiz",
        "Quiz closes",
        "Legal update",
        dt.date(2027, 1, 3),
    )
    assert task.href == f"/assessment/quizzes/{quiz.uuid}/take/"

    Attempt.objects.create(
        quiz=quiz, person=bob, enrolment=enrolment, number=1, state=Attempt.State.FINISHED,
        started_at=SENT_AT, submitted_at=SENT_AT, grade=Decimal(80),
    )  # fmt: skip
    assert upcoming.tasks_for(bob, **_window()) == []
