"""Every learning service that takes an actor checks it: Essex's Charlie (organisation
administrator, learning.manage in Essex) and Dave (officer), acting on Kent's courses, learners and
records, are refused and nothing is written, audit log included. Enrolling people is reported
person by person: outsiders' attempts come back refused, not raised.

`actor=None` is the system for the course services (`bluelamp import-scorm`, the demo, tests'
factories); learning-history imports from the command line pass check_access=False.

Also here: the two input gaps the API used to close alone (a due date in the year 9999, a
withdrawal reason with a control character) are refused by the services themselves.
"""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bluelamp.audit.api import AuditEvent
from bluelamp.learning.api import (
    Activity,
    Completion,
    Course,
    CourseVersion,
    Enrolment,
    ScormPackage,
    activity_add,
    activity_move,
    activity_remove,
    activity_update,
    course_create,
    course_import_scorm,
    course_set_status,
    course_update,
    enrol_csv,
    enrol_people,
    enrol_self,
    enrol_unit,
    import_history,
    package_upload,
    record_external,
    record_remove,
    unenrol,
    version_publish,
    version_start,
    version_update,
)
from bluelamp.learning.tests.courses import publish_course
from bluelamp.learning.tests.packages import build_package
from bluelamp.organisations.api import unit_create

REFUSED = "refused"  # the attempt raises PermissionDenied
REPORTED = "reported"  # the attempt returns the people refused or the file's problems


def _scorm(code):
    return {"upload": io.BytesIO(build_package("1.2", title="Spy")), "file_name": f"{code}.zip"}


ATTEMPTS = {
    "course_create": (
        REFUSED,
        lambda w: (course_create, {"owner": w["kent"], "code": "SPY-1", "title": "Spy"}),
    ),
    "course_update": (REFUSED, lambda w: (course_update, {"course": w["course"], "title": "Hacked"})),
    "course_set_status": (
        REFUSED,
        lambda w: (course_set_status, {"course": w["course"], "status": "retired"}),
    ),
    "version_start": (REFUSED, lambda w: (version_start, {"course": w["course"]})),
    "version_update": (
        REFUSED,
        lambda w: (version_update, {"version": w["draft"], "completion_rule": "required"}),
    ),
    "version_publish": (REFUSED, lambda w: (version_publish, {"version": w["draft"]})),
    "activity_add": (
        REFUSED,
        lambda w: (activity_add, {"version": w["draft"], "kind": "page", "title": "Spy", "body": "Spy"}),
    ),
    "activity_update": (
        REFUSED,
        lambda w: (
            activity_update,
            {"activity": w["activity"], "title": "Hacked", "required": False, "body": "x"},
        ),
    ),
    "activity_move": (REFUSED, lambda w: (activity_move, {"activity": w["activity"], "up": False})),
    "activity_remove": (REFUSED, lambda w: (activity_remove, {"activity": w["activity"]})),
    "package_upload": (REFUSED, lambda w: (package_upload, {"owner": w["kent"], **_scorm("spy")})),
    "course_import_scorm": (
        REFUSED,
        lambda w: (course_import_scorm, {"owner": w["kent"], "code": "SPY-2", **_scorm("spy2")}),
    ),
    "enrol_people": (REPORTED, lambda w: (enrol_people, {"course": w["course"], "people": [w["carol"]]})),
    "enrol_unit": (REFUSED, lambda w: (enrol_unit, {"course": w["course"], "unit": w["east"]})),
    "enrol_csv": (
        REPORTED,
        lambda w: (enrol_csv, {"course": w["course"], "data": b"email\ncarol@kent.police.uk\n"}),
    ),
    "unenrol": (REFUSED, lambda w: (unenrol, {"enrolment": w["enrolment"], "reason": "Hacked"})),
    "record_external": (
        REFUSED,
        lambda w: (
            record_external,
            {"person": w["bob"], "title": "Fake", "completed_on": dt.date(2025, 1, 1)},
        ),
    ),
    "record_remove": (REFUSED, lambda w: (record_remove, {"completion": w["completion"]})),
    "import_history": (
        REFUSED,
        lambda w: (
            import_history,
            {
                "organisation": w["kent"],
                "data": b"staff_number,course_code,completed_on\nK2,KENT-1,2020-01-01\n",
                "apply": True,
            },
        ),
    ),
}


@pytest.fixture
def world(kent, essex, alice, bob, charlie, dave):
    from conftest import make_person

    east = unit_create(actor=alice, organisation=kent, name="East Division")
    carol = make_person(
        kent, "carol@kent.police.uk", first="Carol", last="Constable", unit=east, staff_number="K3"
    )
    course = publish_course(kent, alice, "KENT-1")
    draft = version_start(actor=alice, course=course)
    return {
        "kent": kent,
        "east": east,
        "bob": bob,
        "carol": carol,
        "course": course,
        "draft": draft,
        "activity": draft.activities.order_by("order").first(),
        "enrolment": enrol_self(person=bob, course=course),
        "completion": record_external(
            actor=bob, person=bob, title="First aid at work", completed_on=dt.date(2024, 5, 1)
        ),
        "charlie": charlie,
        "dave": dave,
    }


def _state(w):
    w["course"].refresh_from_db()
    w["draft"].refresh_from_db()
    w["activity"].refresh_from_db()
    w["enrolment"].refresh_from_db()
    return (
        AuditEvent.objects.count(),
        Course.objects.count(),
        CourseVersion.objects.count(),
        Activity.objects.count(),
        ScormPackage.objects.count(),
        Enrolment.objects.count(),
        Completion.objects.count(),
        (w["course"].title, w["course"].status, w["draft"].completion_rule, w["draft"].published_at),
        (w["activity"].title, w["activity"].order, w["enrolment"].status),
    )


@pytest.mark.parametrize("outsider", ["charlie", "dave"])
@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_an_outsider_is_refused_and_nothing_is_written(world, outsider, attempt):
    outcome, build = ATTEMPTS[attempt]
    service, arguments = build(world)
    before = _state(world)
    if outcome == REFUSED:
        with pytest.raises(PermissionDenied):
            service(actor=world[outsider], **arguments)
    else:
        result = service(actor=world[outsider], **arguments)
        if attempt == "enrol_people":
            assert not result.enrolled and result.refused == [
                ("Carol Constable", "not someone you can enrol")
            ]
        else:
            (result, problems) = result
            assert result is None and [problem.value for problem in problems] == ["carol@kent.police.uk"]
    assert _state(world) == before


def test_a_due_date_in_the_year_9999_is_refused_by_the_service(world, alice):
    with pytest.raises(ValidationError) as refused:
        enrol_people(
            actor=alice, course=world["course"], people=[world["carol"]], due_on=dt.date(9999, 12, 31)
        )
    assert refused.value.message_dict == {
        "due_on": [
            "9999-12-31 is not a date that can be used here: give a date from 1 January 1900 to 31 December 2200."
        ]
    }
    assert not Enrolment.objects.filter(person=world["carol"]).exists()


def test_a_withdrawal_reason_with_a_control_character_is_refused_by_the_service(world, alice):
    enrolment = enrol_people(actor=alice, course=world["course"], people=[world["carol"]]).enrolled[0]
    with pytest.raises(ValidationError) as refused:
        unenrol(actor=alice, enrolment=enrolment, reason="Left\x07")
    assert refused.value.message_dict["reason"][0].startswith("This contains a control character (U+0007")
    enrolment.refresh_from_db()
    assert enrolment.status != Enrolment.Status.WITHDRAWN
    unenrol(actor=alice, enrolment=enrolment, reason="Moved to\nanother team")  # line breaks are fine
