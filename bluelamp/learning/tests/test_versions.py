"""Versions: a new version leaves enrolments and completions on the version taken."""

import io

import pytest
from django.core.exceptions import ValidationError

from bluelamp.learning import progress
from bluelamp.learning.api import (
    Activity,
    Completion,
    Enrolment,
    activity_add,
    course_import_scorm,
    enrol_self,
    version_start,
)
from bluelamp.learning.tests.conftest import import_course
from bluelamp.learning.tests.packages import build_package


def _finish(person, enrolment):
    activity = enrolment.version.activities.get()
    sco = activity.scorm_package.scos.get()
    launch = progress.sco_launch(enrolment=enrolment, activity=activity, sco=sco)
    progress.sco_commit(
        person=person,
        session_uuid=launch.session.uuid,
        sequence=1,
        data={"core": {"lesson_status": "passed", "score": {"raw": "70"}}},
    )


def test_a_new_version_keeps_earlier_completions_and_enrolments(national, bob, alice):
    course = import_course(national)
    bobs = enrol_self(person=bob, course=course)
    _finish(bob, bobs)
    alices = enrol_self(person=alice, course=course)  # enrolled on v1, not finished

    course, v2 = course_import_scorm(
        actor=None,
        owner=national,
        code=course.code,
        upload=io.BytesIO(build_package("2004", title="Stop and search essentials (2027)")),
        file_name="v2.zip",
    )
    assert v2.number == 2 and course.current_version == v2
    record = Completion.objects.get(person=bob)
    assert (record.version_number, record.version.number) == (1, 1)
    alices.refresh_from_db()
    assert alices.version.number == 1 and alices.status == Enrolment.Status.ACTIVE
    _finish(alice, alices)  # still plays and completes the version she took
    assert Completion.objects.get(person=alice).version_number == 1


def test_import_refuses_to_overwrite_an_unpublished_draft(national):
    course = import_course(national)
    draft = version_start(actor=None, course=course)
    activity_add(actor=None, version=draft, kind=Activity.Kind.PAGE, title="New intro", body="Hello")
    with pytest.raises(ValidationError, match="unpublished draft"):
        course_import_scorm(
            actor=None,
            owner=national,
            code=course.code,
            upload=io.BytesIO(build_package()),
            file_name="again.zip",
        )
    assert draft.activities.filter(title="New intro").exists()
