"""Setting an assignment up: a course manager adds it to a course's draft (the activity and its
gradebook item come with it), every setting is checked with a message naming the field, criteria
and rubric levels are edited, reordered, removed and imported; no one else may."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bluelamp.assessment.assignments import services
from bluelamp.assessment.assignments.models import Assignment
from bluelamp.assessment.assignments.tests.helpers import AT, CUT_OFF, DUE, course_with_assignment, settings
from bluelamp.assessment.gradebook.models import GradeItem
from bluelamp.audit.api import AuditEvent
from bluelamp.learning.api import Activity, course_create

pytestmark = pytest.mark.django_db


def test_a_manager_adds_an_assignment_as_an_activity_with_its_gradebook_item(kent, alice):
    course, assignment = course_with_assignment(kent, alice, publish=False)
    activity = Activity.objects.get(version__course=course, kind="assignment")
    assert activity.target == str(assignment.uuid)
    assert activity.title == "Unit 5001 assignment"
    item = GradeItem.objects.get(course=course, source="assignment", source_key=str(assignment.uuid))
    assert (item.max_grade, item.pass_grade) == (Decimal(100), Decimal(100))  # criteria: all met
    assert AuditEvent.objects.filter(action="assessment.assignment.created").count() == 1
    assert assignment.created_by == alice and assignment.created_at == AT


def test_every_bad_setting_is_named_and_nothing_is_written(kent, alice):
    course = course_create(actor=alice, owner=kent, code="CMI-1", title="CMI", summary="x")
    bad = settings(
        cut_off_at=DUE - dt.timedelta(days=1),
        allowed_file_types="pdf, exe, .docx, zzz",
        late_policy="penalty",
        late_penalty_percent_per_day="",
        accepts_online_text=False,
        accepts_files=False,
        reminder_days="3, soon",
    )
    with pytest.raises(ValidationError) as error:
        services.assignment_create(actor=alice, course=course, version=course.versions.get(), data=bad, at=AT)
    problems = error.value.message_dict
    assert "is before the due date" in problems["cut_off_at"][0]
    assert "9 March 2026 at 5:00pm" in problems["cut_off_at"][0]
    assert ".exe, .zzz" in problems["allowed_file_types"][0] and "pdf" in problems["allowed_file_types"][0]
    assert "each day late" in problems["late_penalty_percent_per_day"][0]
    assert "online text, files, or both" in problems["accepts_online_text"][0]
    assert "“soon”" in problems["reminder_days"][0]
    assert not Assignment.objects.exists()
    assert not Activity.objects.filter(kind="assignment").exists()


def test_refusing_late_work_makes_the_due_date_the_cut_off(kent, alice):
    course = course_create(actor=alice, owner=kent, code="CMI-1", title="CMI", summary="x")
    with pytest.raises(ValidationError) as error:
        services.assignment_create(
            actor=alice,
            course=course,
            version=course.versions.get(),
            data=settings(late_policy="refuse"),
            at=AT,
        )
    assert "leave the cut-off empty" in error.value.message_dict["cut_off_at"][0]


def test_only_the_courses_managers_set_up(kent, alice, bob, charlie):
    course = course_create(actor=alice, owner=kent, code="CMI-1", title="CMI", summary="x")
    for outsider in (bob, charlie):
        with pytest.raises(PermissionDenied):
            services.assignment_create(
                actor=outsider, course=course, version=course.versions.get(), data=settings(), at=AT
            )
    _course, assignment = course_with_assignment(kent, alice, code="CMI-2")
    with pytest.raises(PermissionDenied):
        services.assignment_update(actor=charlie, assignment=assignment, data=settings(title="Mine now"))
    with pytest.raises(PermissionDenied):
        services.criterion_add(actor=charlie, assignment=assignment, text="Nope")


def test_a_rubric_s_maximum_is_the_sum_of_each_criterion_s_best_level(kent, alice):
    course, assignment = course_with_assignment(kent, alice, grading="rubric", pass_points=Decimal(5))
    assert assignment.grade_range() == (Decimal(8), Decimal(5))
    item = GradeItem.objects.get(source_key=str(assignment.uuid))
    assert item.max_grade == Decimal(8)
    criterion = assignment.criteria.first()
    services.criterion_update(
        actor=alice,
        criterion=criterion,
        code="AC 1.1",
        text="Explain",
        levels_text="No | 0\nYes | 10 | Fully",
    )
    item.refresh_from_db()
    assert item.max_grade == Decimal(14)
    assert [(lv.label, lv.points, lv.description) for lv in criterion.levels.all()] == [
        ("No", Decimal(0), ""),
        ("Yes", Decimal(10), "Fully"),
    ]
    with pytest.raises(ValidationError) as error:
        services.criterion_update(
            actor=alice, criterion=criterion, text="Explain", levels_text="Good\nBest | lots"
        )
    assert (
        "Line 1" in error.value.message_dict["levels"][0]
        and "“lots”" in error.value.message_dict["levels"][0]
    )


def test_criteria_are_reordered_and_removed(kent, alice):
    _course, assignment = course_with_assignment(kent, alice, criteria=3)
    first, second, third = assignment.criteria.order_by("order")
    services.criterion_move(actor=alice, criterion=third, direction="up")
    assert [c.code for c in assignment.criteria.order_by("order")] == ["AC 1.1", "AC 1.3", "AC 1.2"]
    services.criterion_remove(actor=alice, criterion=first)
    assert [c.code for c in assignment.criteria.order_by("order")] == ["AC 1.3", "AC 1.2"]


def test_criteria_import_is_all_or_nothing(kent, alice):
    _course, assignment = course_with_assignment(kent, alice, grading="rubric", criteria=0)
    bad = "code,learning_outcome,criterion,levels\nAC 2.1,LO 2,Assess risk,Low | 0; High | 3\nAC 2.2,LO 2,,Low | 0\n"
    with pytest.raises(ValidationError) as error:
        services.criteria_import(actor=alice, assignment=assignment, data=bad.encode())
    assert "Row 3" in error.value.message_dict["file"][0]
    assert not assignment.criteria.exists()
    with pytest.raises(ValidationError) as error:
        services.criteria_import(actor=alice, assignment=assignment, data="code,outcome,criterion\n")
    assert "Unknown column outcome" in error.value.message_dict["file"][0]
    good = "code,learning_outcome,criterion,levels\nAC 2.1,LO 2,Assess risk,Low | 0; High | 3\nAC 2.2,LO 2,Plan,Low | 0; High | 5\n"
    made = services.criteria_import(actor=alice, assignment=assignment, data=good)
    assert [c.code for c in made] == ["AC 2.1", "AC 2.2"]
    assert assignment.grade_range()[0] == Decimal(8)


def test_settings_change_is_audited_and_the_gradebook_follows(kent, alice):
    _course, assignment = course_with_assignment(kent, alice)
    data = services.AssignmentInput.of(assignment)
    data.title, data.grading, data.max_points, data.pass_points = (
        "Renamed",
        "points",
        Decimal(40),
        Decimal(16),
    )
    data.cut_off_at = CUT_OFF
    services.assignment_update(actor=alice, assignment=assignment, data=data, at=AT)
    item = GradeItem.objects.get(source_key=str(assignment.uuid))
    assert (item.title, item.max_grade, item.pass_grade) == ("Renamed", Decimal(40), Decimal(16))
    event = AuditEvent.objects.get(action="assessment.assignment.changed")
    assert event.after["title"] == "Renamed"
