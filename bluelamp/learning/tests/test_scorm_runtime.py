"""SCORM launches and commits through the services: resume, duplicates, multi-SCO, completion."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.http import Http404

from bluelamp.learning import progress
from bluelamp.learning.api import CommitError, Completion, Enrolment, enrol_self
from bluelamp.learning.scorm.cmi import parse_duration_2004, parse_timespan_12
from bluelamp.learning.tests.conftest import import_course

AT = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def _launch(enrolment, sco_index=0, at=AT):
    activity = enrolment.version.activities.get()
    sco = list(activity.scorm_package.scos.order_by("order"))[sco_index]
    return activity, sco, progress.sco_launch(enrolment=enrolment, activity=activity, sco=sco, at=at)


def _cmi12(status="incomplete", location="", suspend="", exit="", session="00:00:00", raw=None):
    core = {"lesson_status": status, "lesson_location": location, "exit": exit, "session_time": session}
    if raw is not None:
        core["score"] = {"raw": str(raw), "min": "0", "max": "100"}
    return {"core": core, "suspend_data": suspend}


def test_scorm12_resume_then_complete_lands_on_the_record(bob, national_course):
    enrolment = enrol_self(person=bob, course=national_course)
    activity, sco, launch = _launch(enrolment)
    assert launch.data["cmi"]["core"]["entry"] == "ab-initio"
    assert launch.data["cmi"]["core"]["student_name"] == "Officer, Bob"

    # Mid-way: bookmark, suspend data, then the learner leaves (exit=suspend).
    progress.sco_commit(
        person=bob, session_uuid=launch.session.uuid, sequence=1, data=_cmi12(location="2", suspend="a2")
    )
    progress.sco_commit(
        person=bob,
        session_uuid=launch.session.uuid,
        sequence=2,
        data=_cmi12(location="2", suspend="a2", exit="suspend", session="00:05:00"),
        terminate=True,
    )
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE and enrolment.started_at is not None

    # Comes back: resumed where they left off, with total time so far.
    _, _, again = _launch(enrolment, at=AT + dt.timedelta(days=1))
    core = again.data["cmi"]["core"]
    assert (core["entry"], core["lesson_location"], core["total_time"]) == ("resume", "2", "0000:05:00.00")
    assert again.data["cmi"]["suspend_data"] == "a2"

    outcome = progress.sco_commit(
        person=bob,
        session_uuid=again.session.uuid,
        sequence=1,
        data=_cmi12(status="passed", location="3", suspend="a2a3", session="00:03:00", raw=85),
        terminate=True,
    )
    assert outcome.attempt.total_seconds == Decimal("480")
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    record = Completion.objects.get(person=bob)
    assert (record.course_code, record.version_number, record.score, record.source) == (
        "SAS-01",
        1,
        Decimal("85.00"),
        "platform",
    )


def test_a_commit_arriving_twice_does_not_double_count(bob, national_course):
    enrolment = enrol_self(person=bob, course=national_course)
    _, _, launch = _launch(enrolment)
    data = _cmi12(status="passed", session="00:10:00", raw=90)
    first = progress.sco_commit(person=bob, session_uuid=launch.session.uuid, sequence=1, data=data)
    second = progress.sco_commit(person=bob, session_uuid=launch.session.uuid, sequence=1, data=data)
    assert first.stored and not second.stored
    assert second.attempt.total_seconds == Decimal("600") and second.attempt.commits == 1
    assert Completion.objects.filter(person=bob).count() == 1


def test_a_late_older_commit_does_not_overwrite_a_newer_one(bob, national_course):
    enrolment = enrol_self(person=bob, course=national_course)
    _, _, launch = _launch(enrolment)
    progress.sco_commit(person=bob, session_uuid=launch.session.uuid, sequence=2, data=_cmi12(location="3"))
    progress.sco_commit(person=bob, session_uuid=launch.session.uuid, sequence=1, data=_cmi12(location="1"))
    assert launch.attempt.__class__.objects.get(pk=launch.attempt.pk).location == "3"


def test_scorm2004_suspend_data_of_64k_is_kept_whole(bob, national):
    course = import_course(national, code="PK-2004", version="2004")
    enrolment = enrol_self(person=bob, course=course)
    _, _, launch = _launch(enrolment)
    big = "x" * 64_000
    progress.sco_commit(
        person=bob,
        session_uuid=launch.session.uuid,
        sequence=1,
        data={"completion_status": "incomplete", "suspend_data": big, "location": "2", "exit": "suspend"},
    )
    _, _, again = _launch(enrolment)
    assert again.data["cmi"]["suspend_data"] == big and again.data["cmi"]["entry"] == "resume"
    with pytest.raises(CommitError, match="64,000"):
        progress.sco_commit(
            person=bob, session_uuid=again.session.uuid, sequence=1, data={"suspend_data": big + "y"}
        )
    _, _, third = _launch(enrolment)
    assert third.data["cmi"]["suspend_data"] == big  # the refused commit changed nothing


def test_multi_sco_completes_only_when_every_sco_is_complete(bob, national):
    course = import_course(national, code="MULTI", version="2004", scos=2)
    enrolment = enrol_self(person=bob, course=course)
    done = {"completion_status": "completed", "success_status": "passed", "score": {"scaled": "0.8"}}
    _, _, first = _launch(enrolment, 0)
    progress.sco_commit(person=bob, session_uuid=first.session.uuid, sequence=1, data=done)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE
    _, _, second = _launch(enrolment, 1)
    progress.sco_commit(
        person=bob, session_uuid=second.session.uuid, sequence=1, data={**done, "score": {"scaled": "0.6"}}
    )
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED and enrolment.score == Decimal("70.00")


def test_someone_elses_session_is_missing(bob, dave, national_course):
    enrolment = enrol_self(person=bob, course=national_course)
    _, _, launch = _launch(enrolment)
    with pytest.raises(Http404):
        progress.sco_commit(person=dave, session_uuid=launch.session.uuid, sequence=1, data=_cmi12())
    with pytest.raises(Http404):
        progress.sco_commit(person=bob, session_uuid=uuid.uuid4(), sequence=1, data=_cmi12())


def test_time_formats():
    assert parse_timespan_12("0001:30:05.5") == Decimal("5405.5")
    assert parse_duration_2004("PT1H30M5.5S") == Decimal("5405.5")
    assert parse_duration_2004("P1DT1S") == Decimal(86401)
    assert parse_duration_2004("nonsense") is None
