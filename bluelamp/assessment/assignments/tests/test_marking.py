"""Marking assignments: who marks whom (allocation by learner or group), what a marker sees, the
result judgements come to, the workflow's steps (invalid ones refused with a message), release
(gradebook, course completion, the learner told), referral and resubmission, all audited."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bluelamp.assessment.assignments import marking, services
from bluelamp.assessment.assignments.marking import JudgementInput, MarkInput
from bluelamp.assessment.assignments.models import MarkerAllocation, MarkingEvent, Submission
from bluelamp.assessment.assignments.tests.helpers import course_with_assignment, enrol, pdf
from bluelamp.assessment.assignments.tests.outsiders_marking import (
    MARKED_AT,
    criteria_input,
    fixed_clock,  # noqa: F401 - a fixture
    marked_ready,
    submitted,
)
from bluelamp.assessment.gradebook.models import Grade
from bluelamp.audit.api import AuditEvent
from bluelamp.learning.api import ActivityProgress
from bluelamp.notifications.api import Notification, OutgoingEmail
from bluelamp.organisations.api import unit_create
from conftest import make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]

RELEASED_AT = dt.datetime(2026, 3, 20, 9, tzinfo=dt.UTC)
State = Submission.State


def make_cast(kent, alice, bob, *, code="CMI-5001", **overrides):
    east = unit_create(actor=alice, organisation=kent, name="East")
    team = unit_create(actor=alice, organisation=kent, name="Team 1", parent=east)
    west = unit_create(actor=alice, organisation=kent, name="West")
    tess = make_person(
        kent, "tess@kent.police.uk", first="Tess", last="Tutor", staff_number="K7", roles=["tutor"]
    )
    victor = make_person(
        kent, "victor@kent.police.uk", first="Victor", last="Verifier", staff_number="K8", roles=["tutor"]
    )
    carol = make_person(
        kent, "carol@kent.police.uk", first="Carol", last="Constable", unit=team, staff_number="K3"
    )
    wendy = make_person(
        kent, "wendy@kent.police.uk", first="Wendy", last="West", unit=west, staff_number="K4"
    )
    course, assignment = course_with_assignment(kent, alice, code=code, **overrides)
    enrol(alice, course, bob, carol, wendy)
    return SimpleNamespace(
        east=east, team=team, west=west, tess=tess, victor=victor, carol=carol, wendy=wendy, course=course,
        assignment=assignment, alice=alice, bob=bob,
    )  # fmt: skip


@pytest.fixture
def cast(kent, alice, bob):
    return make_cast(kent, alice, bob)


# --- allocation and who sees what -----------------------------------------------------------------


def test_a_manager_allocates_a_tutor_to_learners_and_to_a_group(cast):
    made = marking.allocation_add(
        actor=cast.alice,
        assignment=cast.assignment,
        marker=cast.tess,
        learners=[cast.bob],
        units=[cast.east],
        at=MARKED_AT,
    )
    assert len(made) == 2
    allocations = marking.allocations_of(cast.assignment)
    assert allocations.markers_of(cast.bob) == {cast.tess.pk}
    assert allocations.markers_of(cast.carol) == {cast.tess.pk}  # Team 1 is below East
    assert allocations.markers_of(cast.wendy) == set()
    assert AuditEvent.objects.filter(action="assessment.assignment.marker_allocated").count() == 2


def test_a_learners_own_allocation_wins_and_the_deepest_group_wins(cast):
    marking.allocation_add(actor=cast.alice, assignment=cast.assignment, marker=cast.tess, units=[cast.east])
    marking.allocation_add(
        actor=cast.alice, assignment=cast.assignment, marker=cast.victor, units=[cast.team]
    )
    assert marking.allocations_of(cast.assignment).markers_of(cast.carol) == {cast.victor.pk}
    marking.allocation_add(
        actor=cast.alice, assignment=cast.assignment, marker=cast.tess, learners=[cast.carol]
    )
    assert marking.allocations_of(cast.assignment).markers_of(cast.carol) == {cast.tess.pk}
    # Allocating another marker to the learner replaces the first.
    marking.allocation_add(
        actor=cast.alice, assignment=cast.assignment, marker=cast.victor, learners=[cast.carol]
    )
    assert (
        MarkerAllocation.objects.filter(assignment=cast.assignment, learner=cast.carol).get().marker
        == cast.victor
    )


def test_only_tutors_who_may_mark_the_learner_are_allocated_and_only_by_a_manager(cast, kent, essex, charlie):
    not_a_tutor = make_person(kent, "nat@kent.police.uk", first="Nat", last="Officer")
    with pytest.raises(ValidationError) as error:
        marking.allocation_add(
            actor=cast.alice, assignment=cast.assignment, marker=not_a_tutor, learners=[cast.bob]
        )
    assert "does not hold the tutor role" in error.value.message_dict["marker"][0]
    west_tutor = make_person(kent, "wt@kent.police.uk", first="West", last="Tutor")
    from bluelamp.organisations.api import role_grant

    role_grant(
        actor=None, person=west_tutor, role="tutor", organisation=kent, unit=cast.west, as_operator=True
    )
    with pytest.raises(ValidationError) as error:
        marking.allocation_add(
            actor=cast.alice, assignment=cast.assignment, marker=west_tutor, learners=[cast.carol]
        )
    assert "may not mark Carol Constable" in error.value.message_dict["learners"][0]
    with pytest.raises(ValidationError) as error:
        marking.allocation_add(actor=cast.alice, assignment=cast.assignment, marker=cast.tess)
    assert "at least one learner" in error.value.message_dict["learners"][0]
    with pytest.raises(PermissionDenied):
        marking.allocation_add(
            actor=cast.tess, assignment=cast.assignment, marker=cast.tess, learners=[cast.bob]
        )
    assert not MarkerAllocation.objects.exists()


def test_a_marker_sees_what_is_allocated_to_them_and_what_waits_for_a_marker(cast):
    bob_work = submitted(cast.assignment, cast.bob)
    carol_work = submitted(cast.assignment, cast.carol)
    wendy_work = submitted(cast.assignment, cast.wendy)
    marking.allocation_add(
        actor=cast.alice, assignment=cast.assignment, marker=cast.tess, learners=[cast.bob]
    )
    marking.allocation_add(
        actor=cast.alice, assignment=cast.assignment, marker=cast.victor, units=[cast.east]
    )
    assert marking.submissions_for_marking(cast.tess, cast.assignment) == [bob_work, wendy_work]
    assert marking.submissions_for_marking(cast.victor, cast.assignment) == [carol_work, wendy_work]
    # The manager sees everything; once someone starts Wendy's, she is theirs.
    assert len(marking.submissions_for_marking(cast.alice, cast.assignment)) == 3
    marking.marking_save(
        actor=cast.tess, submission=wendy_work, data=MarkInput(feedback="Started"), at=MARKED_AT
    )
    assert marking.submissions_for_marking(cast.victor, cast.assignment) == [carol_work]
    assert not marking.may_mark_submission(cast.victor, Submission.objects.get(pk=wendy_work.pk))


def test_nobody_marks_their_own_work(kent, alice, bob):
    from bluelamp.organisations.api import role_grant

    cast = make_cast(kent, alice, bob)
    role_grant(actor=None, person=cast.carol, role="tutor", organisation=kent, as_operator=True)
    carol_work = submitted(cast.assignment, cast.carol)
    assert carol_work not in marking.submissions_for_marking(cast.carol, cast.assignment)
    with pytest.raises(PermissionDenied):
        marking.marking_save(actor=cast.carol, submission=carol_work, data=criteria_input(cast.assignment))


def test_drafts_are_never_shown_to_markers(cast):
    services.submission_save_draft(
        actor=cast.bob,
        assignment=cast.assignment,
        online_text="Half done",
        at=MARKED_AT - dt.timedelta(days=10),
    )
    assert marking.submissions_for_marking(cast.alice, cast.assignment) == []


# --- results -------------------------------------------------------------------------------------


def test_criteria_pass_only_when_every_criterion_is_met(cast):
    criteria = marking.criteria_of(cast.assignment)
    everything = marking.result_of(cast.assignment, criteria, criteria_input(cast.assignment))
    assert (everything.complete, everything.outcome, everything.grade) == (True, "pass", Decimal(100))
    one_short = marking.result_of(
        cast.assignment, criteria, criteria_input(cast.assignment, met=[True, False])
    )
    assert (one_short.outcome, one_short.grade) == ("refer", Decimal(50))
    half = MarkInput(judgements={criteria[0].pk: JudgementInput(met=True)})
    unfinished = marking.result_of(cast.assignment, criteria, half)
    assert not unfinished.complete and unfinished.missing == ("AC 1.2: met or not yet met",)


def test_a_rubric_sums_its_levels_and_passes_from_the_pass_mark(kent, alice, bob):
    cast = make_cast(kent, alice, bob, grading="rubric")
    criteria = marking.criteria_of(cast.assignment)
    assert cast.assignment.grade_range() == (Decimal(8), Decimal(4))
    levels = [list(c.levels.all()) for c in criteria]  # Not yet 0, Met 2, Exceeded 4
    data = MarkInput(
        judgements={c.pk: JudgementInput(level=lv[1].pk) for c, lv in zip(criteria, levels, strict=True)}
    )
    result = marking.result_of(cast.assignment, criteria, data)
    assert (result.grade, result.points, result.outcome) == (Decimal(4), Decimal(4), "pass")
    data = MarkInput(
        judgements={
            criteria[0].pk: JudgementInput(level=levels[0][0].pk),
            criteria[1].pk: JudgementInput(level=levels[1][1].pk),
        }
    )
    assert marking.result_of(cast.assignment, criteria, data).outcome == "refer"
    with pytest.raises(ValidationError) as error:
        marking.check_mark_input(
            cast.assignment,
            criteria,
            MarkInput(judgements={criteria[0].pk: JudgementInput(level=levels[1][0].pk)}),
        )
    assert "is not one of its levels" in str(error.value)


def test_points_and_scales(kent, alice, bob):
    cast = make_cast(
        kent, alice, bob, grading="points", max_points=Decimal(80), pass_points=Decimal(40), criteria=0
    )
    result = marking.result_of(cast.assignment, [], MarkInput(points=Decimal("39.5")))
    assert (result.grade, result.outcome) == (Decimal("39.50"), "refer")
    with pytest.raises(ValidationError) as error:
        marking.check_mark_input(cast.assignment, [], MarkInput(points=Decimal(81)))
    assert "Enter points from 0 to 80: 81 is not in that range" in error.value.message_dict["points"][0]
    _course, dmpr = course_with_assignment(
        kent, alice, code="CMI-2", grading="scale", scale="dmpr", criteria=0
    )
    merit = marking.result_of(dmpr, [], MarkInput(outcome="merit"))
    assert (merit.grade, merit.outcome) == (Decimal(75), "merit")
    with pytest.raises(ValidationError) as error:
        marking.check_mark_input(dmpr, [], MarkInput(outcome="excellent"))
    assert "“excellent” is not an outcome of this scale" in error.value.message_dict["outcome"][0]


def test_a_late_penalty_lowers_points_and_can_refer(kent, alice, bob):
    cast = make_cast(kent, alice, bob, grading="points", criteria=0, pass_points=Decimal(50))
    result = marking.result_of(cast.assignment, [], MarkInput(points=Decimal(55)))
    assert marking.final_result(cast.assignment, result, Decimal(10)) == (Decimal("49.50"), "refer")
    assert marking.final_result(cast.assignment, result, Decimal(0)) == (Decimal(55), "pass")


# --- the workflow --------------------------------------------------------------------------------


def test_saving_starts_marking_and_ready_needs_every_judgement_and_feedback(cast):
    work = submitted(cast.assignment, cast.bob)
    criteria = marking.criteria_of(cast.assignment)
    partial = MarkInput(judgements={criteria[0].pk: JudgementInput(met=True, comment="Good")})
    work = marking.marking_save(actor=cast.alice, submission=work, data=partial, at=MARKED_AT)
    assert work.state == State.IN_MARKING and work.marker == cast.alice and work.outcome == ""
    with pytest.raises(ValidationError) as error:
        marking.marking_ready(actor=cast.alice, submission=work, at=MARKED_AT)
    problems = error.value.message_dict
    assert "Still to do: AC 1.2: met or not yet met." in problems["judgements"][0]
    assert "Enter overall feedback" in problems["feedback"][0]
    data = criteria_input(cast.assignment, met=[True, False])
    work = marking.marking_save(actor=cast.alice, submission=work, data=data, at=MARKED_AT)
    assert (work.outcome, work.grade, work.final_grade) == ("refer", Decimal(50), Decimal(50))
    work = marking.marking_ready(actor=cast.alice, submission=work, at=MARKED_AT)
    assert work.state == State.READY_FOR_RELEASE
    steps = list(MarkingEvent.objects.filter(submission=work).values_list("from_state", "to_state", "by"))
    assert steps == [
        ("not_marked", "in_marking", cast.alice.pk),
        ("in_marking", "ready_for_release", cast.alice.pk),
    ]
    actions = set(AuditEvent.objects.filter(object_id=str(work.pk)).values_list("action", flat=True))
    assert {
        "assessment.assignment.marking_started",
        "assessment.assignment.marks_saved",
        "assessment.assignment.marked_ready",
    } <= actions


def test_invalid_steps_are_refused_with_a_message(cast):
    work = submitted(cast.assignment, cast.bob)
    with pytest.raises(ValidationError, match="Save your marks first"):
        marking.marking_ready(actor=cast.alice, submission=work)
    with pytest.raises(ValidationError, match="Only work ready for release can be returned"):
        marking.marking_return(actor=cast.alice, submission=work)
    with pytest.raises(
        ValidationError, match="Only work ready for release can be released. Not ready: Bob Officer"
    ):
        marking.marking_release(actor=cast.alice, submissions=[work])
    work = marked_ready(cast.alice, work)
    with pytest.raises(ValidationError, match="ready for release. Return it to marking first"):
        marking.marking_save(actor=cast.alice, submission=work, data=criteria_input(cast.assignment))
    work = marking.marking_return(actor=cast.alice, submission=work, note="Second thoughts")
    assert work.state == State.IN_MARKING
    work = marking.marking_ready(actor=cast.alice, submission=work)
    marking.marking_release(actor=cast.alice, submissions=[work], at=RELEASED_AT)
    work.refresh_from_db()
    with pytest.raises(ValidationError, match="feedback has been released"):
        marking.marking_save(actor=cast.alice, submission=work, data=criteria_input(cast.assignment))
    with pytest.raises(ValidationError, match="feedback has been released"):
        marking.marking_return(actor=cast.alice, submission=work)


def test_a_marker_cannot_release_and_nothing_is_half_released(cast):
    marking.allocation_add(
        actor=cast.alice, assignment=cast.assignment, marker=cast.tess, learners=[cast.bob, cast.carol]
    )
    bob_work = marked_ready(cast.tess, submitted(cast.assignment, cast.bob))
    carol_work = submitted(cast.assignment, cast.carol)
    with pytest.raises(PermissionDenied):
        marking.marking_release(actor=cast.tess, submissions=[bob_work])
    with pytest.raises(ValidationError):
        marking.marking_release(actor=cast.alice, submissions=[bob_work, carol_work])
    assert Submission.objects.get(pk=bob_work.pk).state == State.READY_FOR_RELEASE
    assert not Notification.objects.filter(kind=marking.FEEDBACK_RELEASED).exists()


def test_feedback_files_are_checked_and_kept_with_the_marks(cast):
    work = submitted(cast.assignment, cast.bob)
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError) as error:
        marking.marking_save(
            actor=cast.alice,
            submission=work,
            data=criteria_input(cast.assignment),
            feedback_file=SimpleUploadedFile(
                "notes.exe", b"MZ\x90\x00", content_type="application/octet-stream"
            ),
        )
    assert ".exe files are not accepted" in error.value.message_dict["feedback_file"][0]
    assert Submission.objects.get(pk=work.pk).state == State.NOT_MARKED
    work = marking.marking_save(
        actor=cast.alice,
        submission=work,
        data=criteria_input(cast.assignment),
        feedback_file=pdf("annotated.pdf"),
    )
    (row,) = work.files.filter(kind="feedback")
    assert row.original_name == "annotated.pdf" and row.uploaded_by == cast.alice
    marking.feedback_file_remove(actor=cast.alice, file=row)
    assert not work.files.filter(kind="feedback").exists()


# --- release and referral ------------------------------------------------------------------------


def test_release_records_the_grade_completes_the_activity_and_tells_the_learner(cast):
    work = marked_ready(cast.alice, submitted(cast.assignment, cast.bob))
    (released,) = marking.marking_release(actor=cast.alice, submissions=[work], at=RELEASED_AT)
    assert (released.state, released.released_by, released.released_at, released.referred) == (
        State.RELEASED, cast.alice, RELEASED_AT, False,
    )  # fmt: skip
    grade = Grade.objects.get(person=cast.bob, item__source_key=str(cast.assignment.uuid))
    assert grade.raw == Decimal(100)
    progress = ActivityProgress.objects.get(enrolment__person=cast.bob, activity__kind="assignment")
    assert progress.status == ActivityProgress.Status.COMPLETED
    notice = Notification.objects.get(person=cast.bob, kind=marking.FEEDBACK_RELEASED)
    assert notice.subject == "Feedback released: Unit 5001 assignment"
    assert "Pass" in notice.body and notice.link == f"/assessment/assignments/{cast.assignment.uuid}/"
    email = OutgoingEmail.objects.get(kind=marking.FEEDBACK_RELEASED)
    assert email.to == ["bob@kent.police.uk"] and email.subject == notice.subject
    # One notice per submission, by its dedupe key.
    assert (
        Notification.objects.filter(person=cast.bob)
        .filter(dedupe_key=f"assignments.feedback_released:{work.uuid}")
        .count()
        == 1
    )
    assert AuditEvent.objects.filter(action="assessment.assignment.released", object_id=str(work.pk)).exists()


def test_a_referral_allows_the_resubmissions_set_and_shows_earlier_feedback(kent, alice, bob):
    cast = make_cast(kent, alice, bob, resubmissions_allowed=1)
    first = marked_ready(
        cast.alice, submitted(cast.assignment, cast.bob), criteria_input(cast.assignment, met=[True, False])
    )
    (first,) = marking.marking_release(actor=cast.alice, submissions=[first], at=RELEASED_AT)
    assert first.referred and marking.resubmissions_left(first) == 1
    notice = Notification.objects.get(person=cast.bob, kind=marking.FEEDBACK_RELEASED)
    assert "You may resubmit 1 more time." in notice.body
    assert (
        ActivityProgress.objects.get(enrolment__person=cast.bob, activity__kind="assignment").status
        == "failed"
    )
    later = RELEASED_AT + dt.timedelta(days=1)
    second = services.submission_start_resubmission(actor=cast.bob, submission=first, at=later)
    second = services.submission_submit(
        actor=cast.bob, assignment=cast.assignment, online_text="Better now.", declaration=True, at=later
    )
    assert second.attempt == 2 and second.participant_number == first.participant_number
    assert marking.previous_attempts(second) == [first]
    second = marked_ready(cast.alice, second, criteria_input(cast.assignment, met=[True, False]), at=later)
    (second,) = marking.marking_release(actor=cast.alice, submissions=[second], at=later)
    assert second.referred and marking.resubmissions_left(second) == 0
    with pytest.raises(ValidationError, match="allows 1 resubmission"):
        services.submission_start_resubmission(actor=cast.bob, submission=second, at=later)
    last = (
        Notification.objects.filter(person=cast.bob, kind=marking.FEEDBACK_RELEASED).order_by("-pk").first()
    )
    assert "no resubmissions are left" in last.body


# --- anonymous marking ---------------------------------------------------------------------------


def test_names_are_revealed_only_after_everything_is_released(kent, alice, bob):
    cast = make_cast(kent, alice, bob, anonymous_marking=True)
    work = submitted(cast.assignment, cast.bob)
    assert marking.learner_label(work) == f"Participant {work.participant_number}"
    with pytest.raises(ValidationError, match="1 handed-in submission is not released yet"):
        marking.identities_reveal(actor=cast.alice, assignment=cast.assignment)
    work = marked_ready(cast.alice, work)
    marking.marking_release(actor=cast.alice, submissions=[work], at=RELEASED_AT)
    with pytest.raises(PermissionDenied):
        marking.identities_reveal(actor=cast.tess, assignment=cast.assignment)
    assignment = marking.identities_reveal(actor=cast.alice, assignment=cast.assignment, at=RELEASED_AT)
    assert assignment.identities_revealed_at == RELEASED_AT
    assert marking.learner_label(Submission.objects.get(pk=work.pk)) == "Bob Officer"
    with pytest.raises(ValidationError, match="revealed already"):
        marking.identities_reveal(actor=cast.alice, assignment=assignment)


def test_the_marking_overview_counts_each_step(cast):
    marked_ready(cast.alice, submitted(cast.assignment, cast.bob))
    submitted(cast.assignment, cast.carol)
    (row,) = marking.assignments_to_mark(cast.alice)
    assert (row.not_marked, row.in_marking, row.ready, row.released) == (1, 0, 1, 0)
    marking.allocation_add(
        actor=cast.alice, assignment=cast.assignment, marker=cast.victor, learners=[cast.carol]
    )
    (row,) = marking.assignments_to_mark(cast.victor)
    assert (row.not_marked, row.ready) == (1, 0)
