"""The gradebook's services: who may act, what is refused (naming the field, the value and what is
accepted, with nothing written), what is audited and kept as history."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bluelamp.assessment.gradebook import selectors, services
from bluelamp.assessment.gradebook.models import Grade, GradeCategory, GradeChange, GradeItem
from bluelamp.assessment.gradebook.tests.helpers import (
    AT,
    LATER,
    course_with_learners,
    quiz_grade,
    quiz_item,
    tutor_of,
    unit_of,
)
from bluelamp.audit.api import AuditEvent
from conftest import make_person

D = Decimal


@pytest.fixture
def course(kent, alice, bob):
    return course_with_learners(kent, alice, learners=[bob])


def _messages(error: ValidationError) -> dict:
    return {field: " ".join(messages) for field, messages in error.message_dict.items()}


# --- structure: course managers only -------------------------------------------------------------


def test_only_the_courses_managers_set_up_its_gradebook(course, kent, alice, charlie):
    tutor = tutor_of(kent)
    for outsider in (tutor, charlie):
        with pytest.raises(PermissionDenied):
            services.category_create(actor=outsider, course=course, name="Exams")
        with pytest.raises(PermissionDenied):
            services.manual_item_create(actor=outsider, course=course, title="Practical", max_grade=10)
        with pytest.raises(PermissionDenied):
            services.settings_update(
                actor=outsider,
                course=course,
                aggregation="simple_mean",
                missing="exclude",
                pass_percent=None,
                learners_see_total=True,
            )
    assert not GradeCategory.objects.exists() and not GradeItem.objects.exists()
    category = services.category_create(actor=alice, course=course, name="Exams", weight="2")
    assert category.weight == D(2) and category.order == 1
    event = AuditEvent.objects.get(action="gradebook.category.create")
    assert event.organisation == kent and event.after == {"name": "Exams", "weight": "2.000"}


def test_categories_are_refused_with_the_field_value_and_what_is_accepted(course, alice):
    services.category_create(actor=alice, course=course, name="Exams")
    cases = [
        ({"name": "", "weight": "1"}, "name", "Enter a name"),
        ({"name": "exams", "weight": "1"}, "name", "already has a category called “exams”"),
        (
            {"name": "Essays", "weight": "heavy"},
            "weight",
            "“heavy” is not a number. Enter the weight from 0 to 1000",
        ),
        (
            {"name": "Essays", "weight": "-1"},
            "weight",
            "-1 is out of range. Enter the weight from 0 to 1000.",
        ),
        ({"name": "Essays", "weight": "1.2345"}, "weight", "1.2345 has more than 3 decimal places"),
        ({"name": "Bell\x07", "weight": "1"}, "name", "control character"),
    ]
    for given, field, words in cases:
        with pytest.raises(ValidationError) as refused:
            services.category_create(actor=alice, course=course, **given)
        assert words in _messages(refused.value)[field], given
    assert GradeCategory.objects.count() == 1


def test_deleting_a_category_leaves_its_items_in_no_category(course, alice):
    exams = services.category_create(actor=alice, course=course, name="Exams")
    quiz = quiz_item(course)
    services.item_update(actor=alice, item=quiz, weight="1", category=exams, hidden=False)
    assert services.category_delete(actor=alice, category=exams) == 1
    quiz.refresh_from_db()
    assert quiz.category is None
    event = AuditEvent.objects.get(action="gradebook.category.delete")
    assert event.before["items"] == ["Knowledge check"]


def test_categories_and_items_move_up_and_down_within_their_group(course, alice):
    first = services.category_create(actor=alice, course=course, name="First")
    second = services.category_create(actor=alice, course=course, name="Second")
    assert services.category_move(actor=alice, category=second, direction="up")
    assert not services.category_move(actor=alice, category=second, direction="up")  # already first
    assert [c.name for c in selectors.structure_of(course).categories] == ["Second", "First"]
    a, b, c = (quiz_item(course, title) for title in ("A", "B", "C"))
    services.item_update(actor=alice, item=b, weight=1, category=first, hidden=False)
    services.item_move(actor=alice, item=c, direction="up")
    structure = selectors.structure_of(course)
    assert [[i.title for i in g.items] for g in structure.groups] == [["C", "A"], [], ["B"]]
    with pytest.raises(ValidationError):
        services.item_move(actor=alice, item=a, direction="sideways")


def test_manual_items_are_made_checked_changed_and_deleted_with_their_grades(course, alice, bob):
    with pytest.raises(ValidationError) as refused:
        services.manual_item_create(actor=alice, course=course, title="", max_grade="0", pass_grade="5")
    errors = _messages(refused.value)
    assert "Enter a title" in errors["title"]
    assert "0 is out of range. Enter the maximum grade more than 0 up to 100000." in errors["max_grade"]
    with pytest.raises(ValidationError) as refused:
        services.manual_item_create(
            actor=alice, course=course, title="Practical", max_grade="10", pass_grade="11"
        )
    assert "Enter the pass grade from 0 to 10" in _messages(refused.value)["pass_grade"]

    item = services.manual_item_create(
        actor=alice, course=course, title="Practical", max_grade="20", pass_grade="10", hidden=True, at=AT
    )
    assert (item.source, item.max_grade, item.pass_grade, item.hidden) == ("manual", D(20), D(10), True)
    services.manual_grade_enter(actor=alice, item=item, person=bob, grade="15", at=AT)
    with pytest.raises(ValidationError) as refused:
        services.item_update(actor=alice, item=item, weight=1, category=None, hidden=False, max_grade="12")
    assert "Some learners have grades above 12 (up to 15)" in _messages(refused.value)["max_grade"]
    services.item_update(
        actor=alice,
        item=item,
        weight="0.5",
        category=None,
        hidden=False,
        title="Practical test",
        max_grade="16",
    )
    item.refresh_from_db()
    assert (item.title, item.max_grade, item.weight, item.hidden) == (
        "Practical test",
        D(16),
        D("0.5"),
        False,
    )
    event = AuditEvent.objects.get(action="gradebook.item.update")
    assert event.before == {"title": "Practical", "max_grade": "20.00", "weight": "1.000", "hidden": True}

    assert services.manual_item_delete(actor=alice, item=item) == 1
    assert not Grade.objects.exists()
    assert AuditEvent.objects.get(action="gradebook.item.delete").before["grades"] == 1


def test_a_quizs_item_keeps_its_title_and_maximum_and_cannot_be_deleted_here(course, alice):
    quiz = quiz_item(course)
    with pytest.raises(ValidationError) as refused:
        services.item_update(actor=alice, item=quiz, weight=1, category=None, hidden=False, title="Renamed")
    assert "comes from a quiz" in _messages(refused.value)["title"]
    with pytest.raises(ValidationError):
        services.manual_item_delete(actor=alice, item=quiz)
    services.item_update(actor=alice, item=quiz, weight="3", category=None, hidden=True)
    quiz.refresh_from_db()
    assert quiz.weight == D(3) and quiz.hidden and quiz.title == "Knowledge check"


# --- learners' grades: those who may mark them -------------------------------------------------------


def test_manual_grades_are_entered_by_those_who_may_mark_the_learner(kent, alice, bob, charlie):
    east = unit_of(kent, "East")
    west = unit_of(kent, "West")
    erin = make_person(kent, "erin@kent.police.uk", first="Erin", last="East", unit=east)
    course = course_with_learners(kent, alice, learners=[bob, erin])
    item = services.manual_item_create(actor=alice, course=course, title="Observation", max_grade=10)
    east_tutor = tutor_of(kent, "et@kent.police.uk", unit=east)
    west_tutor = tutor_of(kent, "wt@kent.police.uk", unit=west)
    for outsider in (west_tutor, charlie):
        with pytest.raises(PermissionDenied):
            services.manual_grade_enter(actor=outsider, item=item, person=erin, grade=5)
    with pytest.raises(PermissionDenied):  # Bob is in no unit: only tutors of all Kent mark him
        services.manual_grade_enter(actor=east_tutor, item=item, person=bob, grade=5)
    grade = services.manual_grade_enter(
        actor=east_tutor, item=item, person=erin, grade="7.5", feedback="Good", at=AT
    )
    assert (grade.raw, grade.final, grade.feedback, grade.graded_at) == (D("7.50"), D("7.50"), "Good", AT)
    change = GradeChange.objects.get()
    assert (change.kind, change.before, change.after, change.by, change.feedback_changed) == (
        "entered",
        None,
        D("7.50"),
        east_tutor,
        True,
    )
    event = AuditEvent.objects.get(action="gradebook.grade.enter")
    assert event.organisation == kent and event.after["grade"] == "7.50"
    # A blank grade removes it (the feedback stays as typed).
    services.manual_grade_enter(actor=east_tutor, item=item, person=erin, grade="", feedback="Redo", at=LATER)
    grade.refresh_from_db()
    assert grade.raw is None and grade.graded_at is None and grade.feedback == "Redo"


def test_manual_grades_are_checked(course, kent, alice, bob):
    item = services.manual_item_create(actor=alice, course=course, title="Observation", max_grade=10)
    quiz = quiz_item(course)
    stranger = make_person(kent, "stranger@kent.police.uk")
    cases = [
        (item, bob, "11", "11 is out of range. Enter the grade out of 10 from 0 to 10."),
        (item, bob, "seven", "“seven” is not a number"),
        (item, bob, "7.555", "7.555 has more than 2 decimal places"),
        (quiz, bob, "7", "is graded in its quiz; override the grade here instead"),
        (item, stranger, "7", "Test Person is not enrolled on GB-1."),
    ]
    for target, person, value, words in cases:
        with pytest.raises(ValidationError) as refused:
            services.manual_grade_enter(actor=alice, item=target, person=person, grade=value)
        assert words in _messages(refused.value)["grade"], value
    assert not Grade.objects.exists()


def test_an_override_counts_over_the_quiz_needs_a_reason_and_is_audited_and_kept(course, kent, alice, bob):
    quiz = quiz_item(course, max_grade=20)
    quiz_grade(quiz, bob, 8)
    tutor = tutor_of(kent)
    with pytest.raises(ValidationError) as refused:
        services.grade_override(actor=tutor, item=quiz, person=bob, grade="12", reason="  ")
    assert "Enter the reason for the override" in _messages(refused.value)["reason"]
    with pytest.raises(ValidationError) as refused:
        services.grade_override(actor=tutor, item=quiz, person=bob, grade="", reason="Appeal upheld")
    assert "Enter the grade out of 20: a number from 0 to 20" in _messages(refused.value)["grade"]
    assert Grade.objects.get().override is None

    grade = services.grade_override(
        actor=tutor, item=quiz, person=bob, grade="12", reason="Appeal upheld", at=LATER
    )
    assert (grade.raw, grade.override, grade.final, grade.overridden_by, grade.overridden_at) == (
        D(8),
        D(12),
        D(12),
        tutor,
        LATER,
    )
    event = AuditEvent.objects.get(action="gradebook.grade.override")
    assert event.before == {"grade": "8.00", "from_source": "8.00", "override": None, "override_reason": ""}
    assert event.after["grade"] == "12.00" and event.after["override_reason"] == "Appeal upheld"
    # The quiz regrading later changes its own grade; the override still counts.
    quiz_grade(quiz, bob, 9)
    grade.refresh_from_db()
    assert grade.raw == D(9) and grade.final == D(12)

    with pytest.raises(ValidationError) as refused:
        services.grade_override_clear(actor=tutor, grade=grade, reason="")
    assert "Enter the reason for removing the override" in _messages(refused.value)["reason"]
    services.grade_override_clear(actor=tutor, grade=grade, reason="Appeal withdrawn", at=LATER)
    grade.refresh_from_db()
    assert grade.final == D(9) and grade.override is None and grade.override_reason == ""
    cleared = AuditEvent.objects.get(action="gradebook.grade.override_clear")
    assert cleared.before["override"] == "12.00" and cleared.after["reason"] == "Appeal withdrawn"
    assert [(c.kind, c.before, c.after, c.reason) for c in selectors.changes_of([grade])] == [
        ("cleared", D(12), D(9), "Appeal withdrawn"),
        ("overridden", D(8), D(12), "Appeal upheld"),
    ]
    with pytest.raises(ValidationError) as refused:
        services.grade_override_clear(actor=tutor, grade=grade, reason="Again")
    assert "not overridden" in _messages(refused.value)["reason"]


def test_a_learner_with_no_grade_yet_may_be_given_one_by_override(course, alice, bob, charlie):
    quiz = quiz_item(course)
    with pytest.raises(PermissionDenied):
        services.grade_override(actor=charlie, item=quiz, person=bob, grade=5, reason="RPL")
    grade = services.grade_override(
        actor=alice, item=quiz, person=bob, grade=5, reason="Prior learning recognised"
    )
    assert grade.raw is None and grade.final == D(5)


def test_settings_are_checked_and_audited(course, alice):
    with pytest.raises(ValidationError) as refused:
        services.settings_update(
            actor=alice,
            course=course,
            aggregation="median",
            missing="skip",
            pass_percent="101",
            learners_see_total=True,
        )
    errors = _messages(refused.value)
    assert "“median” is not a way of working out the course grade" in errors["aggregation"]
    assert "“skip” is not accepted for missing grades" in errors["missing"]
    assert "101 is out of range" in errors["pass_percent"]
    assert selectors.settings_of(course).pk is None
    settings = services.settings_update(
        actor=alice,
        course=course,
        aggregation="simple_mean",
        missing="zero",
        pass_percent="60",
        learners_see_total=False,
    )
    assert (settings.aggregation, settings.missing, settings.pass_percent, settings.learners_see_total) == (
        "simple_mean",
        "zero",
        D(60),
        False,
    )
    event = AuditEvent.objects.get(action="gradebook.settings.update")
    assert event.before["aggregation"] == "weighted_mean" and event.after["pass_percent"] == "60.00"
