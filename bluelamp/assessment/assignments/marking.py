"""The marking side of assignments: who marks whom (allocation), what a marker may see (anonymous
marking), the marking workflow (not marked -> in marking -> ready for release -> released), the
result a marker's judgements come to, release to the learner, and referral.

Who may act (bluelamp/assessment/shared/access.py):
- Allocating markers, releasing feedback and revealing identities: the course's managers.
- Marking a submission: its allocated marker (the learner's own allocation, else the one of the
  deepest unit above the learner that has one); a submission nobody is allocated to and nobody has
  started is open to anyone who may mark the learner; the course's managers may mark any. Nobody
  marks their own work.

Every state change is a MarkingEvent and an audit event, written in the same transaction. The
learner sees marks and feedback only once a submission is released (the learner's page shows
only released submissions' marks).
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from bluelamp.assessment.assignments import files as assignment_files
from bluelamp.assessment.assignments import rules, selectors
from bluelamp.assessment.assignments.models import (
    SCALE_GRADES,
    Assignment,
    Criterion,
    CriterionJudgement,
    MarkerAllocation,
    MarkingEvent,
    RubricLevel,
    Submission,
    SubmissionFile,
)
from bluelamp.assessment.shared.access import learners_q, may_mark, may_mark_anyone, may_set_up
from bluelamp.audit.api import audit_record
from bluelamp.core.timefmt import format_datetime
from bluelamp.notifications.api import Notice, notify, notify_many, register_notification_kind
from bluelamp.organisations.api import DEFINITIONS, Perm, Role, RoleAssignment, access_for
from bluelamp.people.api import Person

State = Submission.State
Outcome = Submission.Outcome

FEEDBACK_RELEASED = "assignments.feedback_released"
VERIFICATION = "assignments.verification"

# A marker's feedback files: any type Bluelamp knows (written feedback, an annotated copy, a
# marked-up spreadsheet or a screenshot), each within the assignment's own size limit.
FEEDBACK_FILE_TYPES = tuple(assignment_files.FILE_TYPES)
FEEDBACK_MAX_FILES = 10
COMMENT_MAX = 10_000
FEEDBACK_MAX = 50_000


def now() -> dt.datetime:
    """The pages' clock: tests fix it here once (`monkeypatch.setattr(marking, "now", ...)`)."""
    return timezone.now()


def register() -> None:
    register_notification_kind(
        FEEDBACK_RELEASED,
        "Assignment feedback released",
        email_optional=False,
        description="Your marks and feedback on an assignment are ready to read, and whether you may "
        "resubmit referred work. Always sent by e-mail: a referral has a deadline.",
    )
    register_notification_kind(
        VERIFICATION,
        "Internal verification of your marking",
        email_optional=False,
        description="For markers: a verifier disagreed with your marking, and the work is back with "
        "you or recorded for action. Always sent by e-mail: it is work you must act on.",
    )


# --- anonymous marking ---------------------------------------------------------------------------


def identities_hidden(assignment: Assignment) -> bool:
    """Anonymous marking hides learners' names from every marking page, download, export and API
    response until a manager reveals them (after release)."""
    return assignment.anonymous_marking and assignment.identities_revealed_at is None


def learner_label(submission: Submission, *, hidden: bool | None = None) -> str:
    """'Participant 4821' while identities are hidden; else the learner's name."""
    if hidden is None:
        hidden = identities_hidden(submission.assignment)
    if hidden:
        return submission.participant_label
    return submission.person.get_full_name() or submission.person.email


def person_name(person) -> str:
    return person.get_full_name() or person.email if person is not None else ""


# --- allocation ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Allocations:
    """An assignment's allocations, resolved in memory: a learner's own allocation wins; else the
    markers of the deepest unit above the learner that has any (several markers may share one)."""

    by_learner: dict[int, int]
    by_unit: tuple[tuple[int, str, int], ...]  # (organisation id, unit path, marker id)

    def markers_of(self, person) -> set[int]:
        own = self.by_learner.get(person.pk)
        if own is not None:
            return {own}
        path = person.unit.path if getattr(person, "unit_id", None) else ""
        if not path:
            return set()
        best, markers = 0, set()
        for organisation_id, unit_path, marker_id in self.by_unit:
            if organisation_id != person.organisation_id or not path.startswith(unit_path):
                continue
            if len(unit_path) > best:
                best, markers = len(unit_path), {marker_id}
            elif len(unit_path) == best:
                markers.add(marker_id)
        return markers


def allocations_of(assignment: Assignment) -> Allocations:
    by_learner: dict[int, int] = {}
    by_unit: list[tuple[int, str, int]] = []
    rows = MarkerAllocation.objects.filter(assignment=assignment).values_list(
        "learner_id", "unit__organisation_id", "unit__path", "marker_id"
    )
    for learner_id, organisation_id, path, marker_id in rows:
        if learner_id is not None:
            by_learner[learner_id] = marker_id
        else:
            by_unit.append((organisation_id, path, marker_id))
    return Allocations(by_learner=by_learner, by_unit=tuple(by_unit))


def _tutor_roles() -> list[str]:
    # The tutor role, and any other that carries the permission, but not the platform
    # administrator's (which carries every permission, and is no marker).
    return [
        str(d.role)
        for d in DEFINITIONS.values()
        if Perm.LEARNING_TUTOR in d.permissions and d.role != Role.PLATFORM_ADMIN
    ]


def is_tutor(person) -> bool:
    return (
        person is not None
        and person.is_active
        and RoleAssignment.objects.current().filter(person=person, role__in=_tutor_roles()).exists()
        and access_for(person, Perm.LEARNING_TUTOR).anything
    )


def marker_candidates(assignment: Assignment) -> list:
    """People holding the tutor role in the course's organisation (or nationally; for a national
    course, in any organisation with learners on it) whose role is in force: those a manager may
    allocate, each still checked against the learners or units chosen."""
    course = assignment.course
    if course.owner.is_national_body:
        organisation_ids = set(selectors.learners_of(assignment).values_list("organisation_id", flat=True))
        organisation_ids.add(course.owner_id)
    else:
        organisation_ids = {course.owner_id}
    holders = (
        RoleAssignment.objects.current()
        .filter(role__in=_tutor_roles())
        .filter(Q(organisation__isnull=True) | Q(organisation_id__in=organisation_ids))
        .values("person_id")
    )
    people = Person.objects.filter(pk__in=holders, is_active=True).order_by("last_name", "first_name", "pk")
    return [person for person in people if access_for(person, Perm.LEARNING_TUTOR).anything]


def _marker_covers_unit(marker, unit, course) -> bool:
    if may_set_up(marker, course):
        return True
    return access_for(marker, Perm.LEARNING_TUTOR).covers_unit(unit.organisation_id, unit.path)


def allocation_add(
    *,
    actor,
    assignment: Assignment,
    marker,
    learners: Iterable = (),
    units: Iterable = (),
    at: dt.datetime | None = None,
) -> list[MarkerAllocation]:
    """Allocate `marker` to each of `learners` (replacing the marker a learner had) and to each of
    `units` (a unit's learners, and those of the units below it, unless a learner has their own).
    The marker must hold the tutor role and be able to mark each learner and unit chosen; all or
    nothing."""
    at = at or timezone.now()
    course = assignment.course
    if not may_set_up(actor, course):
        raise PermissionDenied("Only the course's managers allocate markers")
    learners, units = list(learners), list(units)
    if marker is None:
        raise ValidationError({"marker": "Choose the marker"})
    if not is_tutor(marker):
        raise ValidationError(
            {
                "marker": f"{person_name(marker)} does not hold the tutor role: only tutors can be allocated to mark."
            }
        )
    if not learners and not units:
        raise ValidationError({"learners": "Choose at least one learner or one group (unit) for the marker"})
    problems = []
    for learner in learners:
        if learner.pk == marker.pk:
            problems.append(f"{person_name(learner)} cannot mark their own work")
        elif not may_mark(marker, learner=learner, course=course):
            problems.append(
                f"{person_name(marker)} may not mark {person_name(learner)}: their tutor role does not "
                "cover that learner's organisation or unit"
            )
    if problems:
        raise ValidationError({"learners": problems})
    unit_problems = [
        f"{person_name(marker)} may not mark the learners of {unit.full_path}: their tutor role does not cover it"
        for unit in units
        if not _marker_covers_unit(marker, unit, course)
    ]
    if unit_problems:
        raise ValidationError({"units": unit_problems})
    made = []
    with transaction.atomic():
        for learner in learners:
            before = (
                MarkerAllocation.objects.filter(assignment=assignment, learner=learner)
                .select_related("marker")
                .first()
            )
            if before is not None and before.marker_id == marker.pk:
                made.append(before)
                continue
            if before is not None:
                before.delete()
            allocation = MarkerAllocation.objects.create(
                assignment=assignment, learner=learner, marker=marker, created_at=at, created_by=actor
            )
            made.append(allocation)
            audit_record(
                actor=actor,
                action="assessment.assignment.marker_allocated",
                organisation=learner.organisation,
                obj=allocation,
                object_label=f"{assignment.title}: {person_name(learner)}",
                before={"marker": person_name(before.marker)} if before is not None else None,
                after={"marker": person_name(marker), "learner": person_name(learner)},
            )
        for unit in units:
            allocation, created = MarkerAllocation.objects.get_or_create(
                assignment=assignment,
                unit=unit,
                marker=marker,
                defaults={"created_at": at, "created_by": actor},
            )
            made.append(allocation)
            if created:
                audit_record(
                    actor=actor,
                    action="assessment.assignment.marker_allocated",
                    organisation=unit.organisation,
                    obj=allocation,
                    object_label=f"{assignment.title}: {unit.full_path}",
                    after={"marker": person_name(marker), "unit": unit.full_path},
                )
    return made


def allocation_remove(*, actor, allocation: MarkerAllocation, at: dt.datetime | None = None) -> None:
    assignment = allocation.assignment
    if not may_set_up(actor, assignment.course):
        raise PermissionDenied("Only the course's managers allocate markers")
    if allocation.learner is not None:
        whom, organisation = person_name(allocation.learner), allocation.learner.organisation
    else:
        assert allocation.unit is not None
        whom, organisation = allocation.unit.full_path, allocation.unit.organisation
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="assessment.assignment.marker_unallocated",
            organisation=organisation,
            obj=allocation,
            object_label=f"{assignment.title}: {whom}",
            before={"marker": person_name(allocation.marker), "for": whom},
        )
        allocation.delete()


# --- who sees what -------------------------------------------------------------------------------


def may_open_marking(actor, assignment: Assignment) -> bool:
    """The course's managers; markers allocated on it; and those who may mark some of its learners
    (enrolled, or who handed work in) other than themselves."""
    course = assignment.course
    if may_set_up(actor, course):
        return True
    if not may_mark_anyone(actor, course):
        return False
    if MarkerAllocation.objects.filter(assignment=assignment, marker=actor).exists():
        return True
    scope = learners_q(actor, course, prefix="")
    if selectors.learners_of(assignment).filter(scope).exclude(pk=actor.pk).exists():
        return True
    return (
        Submission.objects.filter(assignment=assignment, status=Submission.Status.SUBMITTED)
        .filter(learners_q(actor, course))
        .exclude(person=actor)
        .exists()
    )


def parse_uuid(value, noun: str) -> uuid_lib.UUID:
    try:
        return value if isinstance(value, uuid_lib.UUID) else uuid_lib.UUID(str(value))
    except ValueError:
        raise Http404(f"No such {noun}") from None


def access_assignment_marking(actor, assignment_uuid) -> Assignment:
    assignment = (
        Assignment.objects.select_related("course", "course__owner")
        .filter(uuid=parse_uuid(assignment_uuid, "assignment"))
        .first()
    )
    if assignment is None or not may_open_marking(actor, assignment):
        raise Http404("No such assignment")
    return assignment


def access_assignment_managed(actor, assignment_uuid) -> Assignment:
    """An assignment whose markers, release and identities the actor manages."""
    assignment = access_assignment_marking(actor, assignment_uuid)
    if not may_set_up(actor, assignment.course):
        raise Http404("No such assignment")
    return assignment


def may_mark_submission(actor, submission: Submission, allocations: Allocations | None = None) -> bool:
    if submission.status != Submission.Status.SUBMITTED or submission.person_id == actor.pk:
        return False
    course = submission.assignment.course
    if may_set_up(actor, course):
        return True
    if not may_mark(actor, learner=submission.person, course=course):
        return False
    if submission.marker_id == actor.pk:
        return True
    markers = (allocations or allocations_of(submission.assignment)).markers_of(submission.person)
    if actor.pk in markers:
        return True
    # Waiting for a marker: nobody allocated, nobody started.
    return not markers and submission.marker_id is None


def _submissions(assignment: Assignment):
    return Submission.objects.filter(
        assignment=assignment, status=Submission.Status.SUBMITTED
    ).select_related(
        "assignment",
        "assignment__course",
        "person",
        "person__unit",
        "person__organisation",
        "marker",
        "extension",
    )


def submissions_for_marking(actor, assignment: Assignment, *, state: str = "") -> list[Submission]:
    """The handed-in submissions of the assignment the actor may mark, in the order the list shows
    them (participant number while identities are hidden, else by name), every attempt."""
    rows = _submissions(assignment).exclude(person=actor).filter(learners_q(actor, assignment.course))
    if state:
        rows = rows.filter(state=state)
    if identities_hidden(assignment):
        rows = rows.order_by("participant_number", "attempt")
    else:
        rows = rows.order_by("person__last_name", "person__first_name", "person_id", "attempt")
    if may_set_up(actor, assignment.course):
        return list(rows)
    allocations = allocations_of(assignment)
    return [s for s in rows if may_mark_submission(actor, s, allocations)]


def access_submission_marking(actor, submission_uuid) -> Submission:
    submission = (
        Submission.objects.select_related(
            "assignment",
            "assignment__course",
            "assignment__course__owner",
            "person",
            "person__unit",
            "person__organisation",
            "marker",
            "extension",
            "released_by",
        )
        .filter(uuid=parse_uuid(submission_uuid, "submission"))
        .first()
    )
    if submission is None or not may_mark_submission(actor, submission):
        raise Http404("No such submission")
    return submission


def access_submission_file(actor, submission: Submission, file_uuid) -> SubmissionFile:
    row = SubmissionFile.objects.filter(uuid=parse_uuid(file_uuid, "file"), submission=submission).first()
    if row is None:
        raise Http404("No such file")
    return row


@dataclass
class AssignmentToMark:
    assignment: Assignment
    not_marked: int = 0
    in_marking: int = 0
    ready: int = 0
    released: int = 0
    manages: bool = False

    @property
    def to_mark(self) -> int:
        return self.not_marked + self.in_marking

    @property
    def total(self) -> int:
        return self.not_marked + self.in_marking + self.ready + self.released


def assignments_to_mark(actor) -> list[AssignmentToMark]:
    """The assignments with handed-in work the actor may mark, with how many are at each step:
    those with work waiting first, then by due date."""
    visible = selectors.assignments_visible(actor).values("pk")
    candidates = (
        Assignment.objects.filter(Q(pk__in=visible) | Q(allocations__marker=actor))
        .filter(submissions__status=Submission.Status.SUBMITTED)
        .select_related("course", "course__owner")
        .distinct()
    )
    shown = []
    for assignment in candidates:
        if not may_open_marking(actor, assignment):
            continue
        row = AssignmentToMark(assignment=assignment, manages=may_set_up(actor, assignment.course))
        for submission in submissions_for_marking(actor, assignment):
            if submission.state == State.NOT_MARKED:
                row.not_marked += 1
            elif submission.state == State.IN_MARKING:
                row.in_marking += 1
            elif submission.state == State.READY_FOR_RELEASE:
                row.ready += 1
            else:
                row.released += 1
        if row.total:
            shown.append(row)
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    shown.sort(
        key=lambda r: (
            0 if r.to_mark or (r.manages and r.ready) else 1,
            r.assignment.due_at or far,
            r.assignment.title,
        )
    )
    return shown


def previous_attempts(submission: Submission) -> list[Submission]:
    """The attempts this one resubmits, newest first, with their judgements and feedback files."""
    ids = []
    current = submission
    while current.previous_id is not None:
        ids.append(current.previous_id)
        current = Submission.objects.only("pk", "previous_id").get(pk=current.previous_id)
    rows = (
        Submission.objects.filter(pk__in=ids)
        .select_related("marker")
        .prefetch_related("judgements__criterion", "judgements__level", "files")
        .order_by("-attempt")
    )
    return list(rows)


def resubmissions_left(submission: Submission) -> int:
    """How many more times the learner may resubmit after this attempt (0 unless it was referred)."""
    if not submission.referred:
        return 0
    return max(0, submission.assignment.resubmissions_allowed - (submission.attempt - 1))


# --- results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JudgementInput:
    """A marker's judgement of one criterion: met / not yet met (criteria), or a rubric level's
    id (rubric), and a comment. None: not judged yet."""

    met: bool | None = None
    level: int | None = None
    comment: str = ""


@dataclass(frozen=True)
class MarkInput:
    judgements: dict[int, JudgementInput] = field(default_factory=dict)  # by criterion id
    outcome: str = ""  # scale grading
    points: Decimal | None = None  # points grading
    feedback: str = ""
    marked_borderline: bool = False


@dataclass(frozen=True)
class Result:
    """What a marking comes to: complete (every criterion judged, or the scale outcome or the
    points given) or not, with what is missing in words; the grade in gradebook units, the points
    (points and rubric) and the outcome."""

    complete: bool
    grade: Decimal | None = None
    points: Decimal | None = None
    outcome: str = ""
    missing: tuple[str, ...] = ()


def scale_outcomes(assignment: Assignment) -> list[tuple[str, str]]:
    if assignment.scale == Assignment.Scale.PASS_REFER:
        wanted = [Outcome.PASS, Outcome.REFER]
    else:
        wanted = [Outcome.DISTINCTION, Outcome.MERIT, Outcome.PASS, Outcome.REFER]
    return [(str(o.value), str(o.label)) for o in wanted]


def _two(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def criterion_name(criterion: Criterion) -> str:
    return criterion.code or f"criterion {criterion.order or criterion.pk}"


def result_of(assignment: Assignment, criteria: list[Criterion], data: MarkInput) -> Result:
    """The result a marking comes to (no late penalty; see `final_result`).

    - criteria: every criterion judged; the grade is the share met (0-100); a pass needs all met,
      otherwise a referral;
    - rubric: every criterion at a level; the grade is the sum of the levels' points; a pass from
      the pass mark (Assignment.grade_range);
    - scale: the outcome chosen; pass/refer is 100/0, distinction 100, merit 75, pass 50, refer 0;
    - points: 0 to the maximum; a pass from the pass mark."""
    grading = assignment.grading
    if grading in (Assignment.Grading.CRITERIA, Assignment.Grading.RUBRIC):
        if not criteria:
            return Result(complete=False, missing=("the assignment has no assessment criteria yet",))
        missing = []
        met = 0
        total = Decimal(0)
        for criterion in criteria:
            judgement = data.judgements.get(criterion.pk, JudgementInput())
            if grading == Assignment.Grading.CRITERIA:
                if judgement.met is None:
                    missing.append(f"{criterion_name(criterion)}: met or not yet met")
                elif judgement.met:
                    met += 1
            else:
                level = _level(criterion, judgement.level)
                if level is None:
                    missing.append(f"{criterion_name(criterion)}: a level")
                else:
                    total += level.points
        if missing:
            return Result(complete=False, missing=tuple(missing))
        if grading == Assignment.Grading.CRITERIA:
            grade = _two(Decimal(100) * met / len(criteria))
            return Result(
                complete=True,
                grade=grade,
                outcome=Outcome.PASS if met == len(criteria) else Outcome.REFER,
            )
        _top, pass_grade = assignment.grade_range()
        return Result(
            complete=True,
            grade=_two(total),
            points=_two(total),
            outcome=Outcome.PASS if total >= pass_grade else Outcome.REFER,
        )
    if grading == Assignment.Grading.SCALE:
        if not data.outcome:
            return Result(complete=False, missing=("the outcome",))
        if assignment.scale == Assignment.Scale.PASS_REFER:
            grade = Decimal(100) if data.outcome == Outcome.PASS else Decimal(0)
        else:
            grade = SCALE_GRADES[data.outcome]
        return Result(complete=True, grade=_two(grade), outcome=data.outcome)
    if data.points is None:
        return Result(complete=False, missing=("the points",))
    _top, pass_grade = assignment.grade_range()
    return Result(
        complete=True,
        grade=_two(data.points),
        points=_two(data.points),
        outcome=Outcome.PASS if data.points >= pass_grade else Outcome.REFER,
    )


def final_result(
    assignment: Assignment, result: Result, late_penalty_percent: Decimal
) -> tuple[Decimal | None, str]:
    """(final grade, outcome) after a late penalty. The penalty lowers points and rubric grades,
    and a grade it takes below the pass mark is a referral; criteria and scale results are
    judgements of the work and are not reduced."""
    if not result.complete or result.grade is None:
        return None, ""
    if (
        assignment.grading not in (Assignment.Grading.POINTS, Assignment.Grading.RUBRIC)
        or not late_penalty_percent
    ):
        return result.grade, result.outcome
    final = rules.penalised(result.grade, late_penalty_percent)
    assert final is not None
    _top, pass_grade = assignment.grade_range()
    return final, (Outcome.PASS if final >= pass_grade else Outcome.REFER)


def _level(criterion: Criterion, level_id: int | None) -> RubricLevel | None:
    if level_id is None:
        return None
    return next((level for level in criterion.levels.all() if level.pk == level_id), None)


def criteria_of(assignment: Assignment) -> list[Criterion]:
    return list(
        Criterion.objects.filter(assignment=assignment).prefetch_related("levels").order_by("order", "pk")
    )


def judgements_input(submission: Submission) -> dict[int, JudgementInput]:
    return {
        j.criterion_id: JudgementInput(met=j.met, level=j.level_id, comment=j.comment)
        for j in CriterionJudgement.objects.filter(submission=submission)
    }


def check_mark_input(assignment: Assignment, criteria: list[Criterion], data: MarkInput) -> None:
    errors: dict[str, list[str]] = {}
    known = {c.pk: c for c in criteria}
    for criterion_id, judgement in data.judgements.items():
        criterion = known.get(criterion_id)
        if criterion is None:
            errors.setdefault("judgements", []).append(
                f"Criterion {criterion_id} is not one of this assignment's criteria"
            )
            continue
        if judgement.level is not None and _level(criterion, judgement.level) is None:
            levels = ", ".join(level.label for level in criterion.levels.all()) or "none yet"
            errors.setdefault(f"c{criterion_id}", []).append(
                f"{criterion_name(criterion)}: level {judgement.level} is not one of its levels ({levels})"
            )
        if len(judgement.comment) > COMMENT_MAX:
            errors.setdefault(f"c{criterion_id}_comment", []).append(
                f"The comment on {criterion_name(criterion)} is {len(judgement.comment):,} characters: "
                f"keep it to {COMMENT_MAX:,}"
            )
    if data.outcome:
        allowed = [value for value, _label in scale_outcomes(assignment)]
        if assignment.grading != Assignment.Grading.SCALE:
            errors.setdefault("outcome", []).append(
                "This assignment's outcome comes from its criteria or points: do not choose one"
            )
        elif data.outcome not in allowed:
            errors.setdefault("outcome", []).append(
                f"“{data.outcome}” is not an outcome of this scale. Choose one of: {', '.join(allowed)}"
            )
    if data.points is not None:
        top = assignment.max_points
        if assignment.grading != Assignment.Grading.POINTS:
            errors.setdefault("points", []).append("This assignment is not marked in points")
        elif not data.points.is_finite() or data.points < 0 or data.points > top:
            errors.setdefault("points", []).append(
                f"Enter points from 0 to {top.normalize():f}: {data.points} is not in that range"
            )
        elif data.points != data.points.quantize(Decimal("0.01")):
            errors.setdefault("points", []).append(
                f"Enter points with at most two decimal places: {data.points} has more"
            )
    if len(data.feedback) > FEEDBACK_MAX:
        errors.setdefault("feedback", []).append(
            f"The feedback is {len(data.feedback):,} characters: keep it to {FEEDBACK_MAX:,} "
            "(or add the rest as a feedback file)"
        )
    if errors:
        raise ValidationError(errors)


# --- the workflow --------------------------------------------------------------------------------


def _event(submission: Submission, *, to: str, actor, at: dt.datetime, note: str = "") -> MarkingEvent:
    event = MarkingEvent.objects.create(
        submission=submission, from_state=submission.state, to_state=to, by=actor, at=at, note=note
    )
    submission.state = to
    return event


def _audit(actor, action: str, submission: Submission, *, before=None, after=None) -> None:
    audit_record(
        actor=actor,
        action=action,
        organisation=submission.person.organisation,
        obj=submission,
        # The audit log's readers are administrators, but while the marking is anonymous its
        # entries name the participant, as every marking page does.
        object_label=f"{submission.assignment.title}: {learner_label(submission)}, attempt {submission.attempt}",
        before=before,
        after=after,
    )


def lock_submission(submission: Submission) -> Submission:
    fresh = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("assignment", "assignment__course", "person", "person__unit", "person__organisation")
        .get(pk=submission.pk)
    )
    return fresh


def _state_refusal(submission: Submission, doing: str) -> ValidationError:
    label = State(submission.state).label.lower()
    if submission.state == State.RELEASED:
        return ValidationError(
            f"You cannot {doing}: this submission's feedback has been released, so its marks can no longer change."
        )
    if submission.state == State.READY_FOR_RELEASE:
        return ValidationError(
            f"You cannot {doing}: this submission is ready for release. Return it to marking first."
        )
    return ValidationError(f"You cannot {doing}: this submission is {label}.")


def marking_save(
    *,
    actor,
    submission: Submission,
    data: MarkInput,
    feedback_file=None,
    at: dt.datetime | None = None,
) -> Submission:
    """Save a marker's judgements, result, feedback and (optionally) one more feedback file. The
    first save starts the marking (not marked -> in marking) and makes the actor its marker.
    Refused once the submission is ready for release or released."""
    at = at or timezone.now()
    checked = None
    if feedback_file is not None:
        assignment = submission.assignment
        try:
            checked = assignment_files.check_upload(
                feedback_file, allowed=FEEDBACK_FILE_TYPES, max_bytes=assignment.max_file_mb * 1024 * 1024
            )
        except ValidationError as error:
            raise ValidationError({"feedback_file": error.messages}) from None
    stored: list[SubmissionFile] = []
    try:
        with transaction.atomic():
            submission = _save(actor, submission, data, checked, stored, at)
    except BaseException:
        # The stored feedback file belongs to a row that was never committed.
        for row in stored:
            if row.file.name:
                row.file.storage.delete(row.file.name)
        raise
    return submission


def _save(actor, submission, data, checked, stored, at) -> Submission:
    submission = lock_submission(submission)
    if not may_mark_submission(actor, submission):
        raise PermissionDenied("You may not mark this submission")
    if submission.state not in (State.NOT_MARKED, State.IN_MARKING):
        raise _state_refusal(submission, "change the marks")
    assignment = submission.assignment
    criteria = criteria_of(assignment)
    check_mark_input(assignment, criteria, data)
    for criterion in criteria:
        judgement = data.judgements.get(criterion.pk)
        if judgement is None:
            continue
        comment = judgement.comment.strip()
        if judgement.met is None and judgement.level is None and not comment:
            CriterionJudgement.objects.filter(submission=submission, criterion=criterion).delete()
            continue
        CriterionJudgement.objects.update_or_create(
            submission=submission,
            criterion=criterion,
            defaults={
                "met": judgement.met,
                "level_id": judgement.level,
                "comment": comment,
                "by": actor,
                "at": at,
            },
        )
    stored_judgements = judgements_input(submission)
    result = result_of(assignment, criteria, _with_judgements(data, stored_judgements))
    before = {"grade": decimal_text(submission.final_grade), "outcome": submission.outcome}
    final_grade, outcome = final_result(assignment, result, submission.late_penalty_percent)
    submission.grade = result.grade
    submission.points = result.points
    submission.final_grade = final_grade
    submission.outcome = outcome
    submission.feedback = data.feedback.strip()
    submission.marked_borderline = data.marked_borderline
    submission.marker = actor
    submission.marked_at = at
    submission.updated_at = at
    if checked is not None:
        if submission.files.filter(kind=SubmissionFile.Kind.FEEDBACK).count() >= FEEDBACK_MAX_FILES:
            raise ValidationError(
                {
                    "feedback_file": f"A submission may have at most {FEEDBACK_MAX_FILES} feedback files: remove one first"
                }
            )
        row = SubmissionFile(
            submission=submission,
            kind=SubmissionFile.Kind.FEEDBACK,
            original_name=checked.name,
            size=checked.size,
            content_type=checked.content_type,
            sha256=checked.sha256,
            uploaded_at=at,
            uploaded_by=actor,
        )
        row.file.save(checked.name, checked.upload, save=False)
        stored.append(row)
        row.save()
    started = submission.state == State.NOT_MARKED
    if started:
        _event(submission, to=State.IN_MARKING, actor=actor, at=at)
    submission.save()
    _audit(
        actor,
        "assessment.assignment.marking_started" if started else "assessment.assignment.marks_saved",
        submission,
        before=before,
        after={
            "grade": decimal_text(submission.final_grade),
            "outcome": submission.outcome,
            "complete": result.complete,
            "feedback_file": checked.name if checked is not None else None,
        },
    )
    return submission


def _with_judgements(data: MarkInput, stored: dict[int, JudgementInput]) -> MarkInput:
    return MarkInput(
        judgements=stored,
        outcome=data.outcome,
        points=data.points,
        feedback=data.feedback,
        marked_borderline=data.marked_borderline,
    )


def decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.normalize():f}"


def stored_result(submission: Submission, criteria: list[Criterion] | None = None) -> Result:
    """The result the submission's saved marking comes to."""
    assignment = submission.assignment
    criteria = criteria if criteria is not None else criteria_of(assignment)
    data = MarkInput(
        judgements=judgements_input(submission),
        outcome=submission.outcome if assignment.grading == Assignment.Grading.SCALE else "",
        points=submission.points if assignment.grading == Assignment.Grading.POINTS else None,
    )
    return result_of(assignment, criteria, data)


def marking_ready(
    *, actor, submission: Submission, at: dt.datetime | None = None, note: str = ""
) -> Submission:
    """In marking -> ready for release: every criterion judged (or the outcome or points given)
    and feedback for the learner (text or a file)."""
    at = at or timezone.now()
    with transaction.atomic():
        submission = lock_submission(submission)
        if not may_mark_submission(actor, submission):
            raise PermissionDenied("You may not mark this submission")
        if submission.state != State.IN_MARKING:
            if submission.state == State.NOT_MARKED:
                raise ValidationError("Save your marks first: this submission has not been marked yet.")
            raise _state_refusal(submission, "mark it as ready for release")
        result = stored_result(submission)
        errors: dict[str, list[str]] = {}
        if not result.complete:
            errors["judgements"] = [
                "The marking is not finished. Still to do: " + "; ".join(result.missing) + "."
            ]
        has_files = submission.files.filter(kind=SubmissionFile.Kind.FEEDBACK).exists()
        if not submission.feedback.strip() and not has_files:
            errors["feedback"] = ["Enter overall feedback for the learner, or add a feedback file"]
        if errors:
            raise ValidationError(errors)
        _event(submission, to=State.READY_FOR_RELEASE, actor=actor, at=at, note=note.strip())
        submission.updated_at = at
        submission.save(update_fields=["state", "updated_at"])
        _audit(
            actor,
            "assessment.assignment.marked_ready",
            submission,
            after={"grade": decimal_text(submission.final_grade), "outcome": submission.outcome},
        )
    return submission


def marking_return(
    *, actor, submission: Submission, note: str = "", at: dt.datetime | None = None
) -> Submission:
    """Ready for release -> in marking, to change the marks (the marker, or a manager)."""
    at = at or timezone.now()
    with transaction.atomic():
        submission = lock_submission(submission)
        if not may_mark_submission(actor, submission):
            raise PermissionDenied("You may not mark this submission")
        if submission.state != State.READY_FOR_RELEASE:
            if submission.state == State.RELEASED:
                raise _state_refusal(submission, "return it to marking")
            raise ValidationError(
                f"Only work ready for release can be returned to marking: this submission is "
                f"{State(submission.state).label.lower()}."
            )
        return_to_marker(submission, actor=actor, at=at, note=note.strip())
        _audit(actor, "assessment.assignment.returned_to_marking", submission, after={"note": note.strip()})
    return submission


def return_to_marker(submission: Submission, *, actor, at: dt.datetime, note: str) -> None:
    _event(submission, to=State.IN_MARKING, actor=actor, at=at, note=note)
    submission.updated_at = at
    submission.save(update_fields=["state", "updated_at"])


def marking_release(
    *, actor, submissions: Iterable[Submission], at: dt.datetime | None = None
) -> list[Submission]:
    """Release each submission's marks and feedback to its learner (ready for release ->
    released): all or nothing. Each is recorded in the gradebook, its result reported to the
    course (completion), a referral marked, and the learner told after the transaction commits."""
    at = at or timezone.now()
    submissions = list(submissions)
    if not submissions:
        raise ValidationError({"submissions": "Choose at least one submission that is ready for release"})
    from bluelamp.assessment.assignments import services

    released = []
    with transaction.atomic():
        problems = []
        for original in submissions:
            submission = lock_submission(original)
            if not may_set_up(actor, submission.assignment.course):
                raise PermissionDenied("Only the course's managers release feedback")
            if submission.state != State.READY_FOR_RELEASE:
                problems.append(
                    f"{learner_label(submission)} (attempt {submission.attempt}) is {State(submission.state).label.lower()}"
                )
                continue
            released.append(submission)
        if problems:
            raise ValidationError(
                {
                    "submissions": [
                        "Only work ready for release can be released. Not ready: " + "; ".join(problems) + "."
                    ]
                }
            )
        for submission in released:
            _event(submission, to=State.RELEASED, actor=actor, at=at)
            submission.released_at = at
            submission.released_by = actor
            submission.referred = submission.outcome == Outcome.REFER
            submission.updated_at = at
            submission.save(update_fields=["state", "released_at", "released_by", "referred", "updated_at"])
            _audit(
                actor,
                "assessment.assignment.released",
                submission,
                after={
                    "grade": decimal_text(submission.final_grade),
                    "outcome": submission.outcome,
                    "referred": submission.referred,
                },
            )
            services.submission_after_release(submission, at=at)
        notify_many([_released_notice(s) for s in released], at=at)
    return released


def learner_link(assignment: Assignment) -> str:
    try:
        return reverse("assessment:assignment_learner", args=[assignment.uuid])
    except NoReverseMatch:
        return reverse("learning:my_learning")


def _released_notice(submission: Submission) -> Notice:
    assignment = submission.assignment
    outcome = Outcome(submission.outcome).label if submission.outcome else "marked"
    grade = ""
    if (
        assignment.grading in (Assignment.Grading.POINTS, Assignment.Grading.RUBRIC)
        and submission.final_grade is not None
    ):
        top, _pass = assignment.grade_range()
        grade = f", {submission.final_grade.normalize():f} out of {top.normalize():f}"
    if submission.referred:
        left = resubmissions_left(submission)
        if left:
            after = (
                f" Your work was referred: read the feedback, then resubmit it. You may resubmit "
                f"{left} more time{'s' if left != 1 else ''}."
            )
        else:
            after = " Your work was referred and no resubmissions are left: talk to your tutor about what happens next."
    else:
        after = ""
    return Notice(
        person=submission.person,
        kind=FEEDBACK_RELEASED,
        subject=f"Feedback released: {assignment.title}"[:200],
        body=(
            f"Your marks and feedback on “{assignment.title}” ({assignment.course.title}), attempt "
            f"{submission.attempt}, were released on {format_datetime(submission.released_at)}: "
            f"{outcome}{grade}.{after}"
        ),
        link=learner_link(assignment),
        dedupe_key=f"assignments.feedback_released:{submission.uuid}",
    )


def identities_reveal(*, actor, assignment: Assignment, at: dt.datetime | None = None) -> Assignment:
    """End anonymous marking: names appear to markers from now on. Only once every handed-in
    submission is released (a name must never reach a marker while they can still change marks)."""
    at = at or timezone.now()
    if not may_set_up(actor, assignment.course):
        raise PermissionDenied("Only the course's managers reveal identities")
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if not assignment.anonymous_marking:
            raise ValidationError("This assignment is not marked anonymously: names are shown already.")
        if assignment.identities_revealed_at is not None:
            raise ValidationError(
                f"Names were revealed already, on {format_datetime(assignment.identities_revealed_at)}."
            )
        waiting = (
            Submission.objects.filter(assignment=assignment, status=Submission.Status.SUBMITTED)
            .exclude(state=State.RELEASED)
            .count()
        )
        if waiting:
            raise ValidationError(
                f"{waiting} handed-in submission{' is' if waiting == 1 else 's are'} not released yet. "
                "Names can be revealed only once every submission's feedback is released."
            )
        assignment.identities_revealed_at = at
        assignment.updated_at = at
        assignment.updated_by = actor
        assignment.save(update_fields=["identities_revealed_at", "updated_at", "updated_by"])
        audit_record(
            actor=actor,
            action="assessment.assignment.identities_revealed",
            organisation=assignment.course.owner,
            obj=assignment,
            object_label=assignment.title,
            after={"revealed_at": at},
        )
    return assignment


def feedback_file_remove(*, actor, file: SubmissionFile, at: dt.datetime | None = None) -> None:
    """Remove a feedback file while the submission is still in marking."""
    at = at or timezone.now()
    if file.kind != SubmissionFile.Kind.FEEDBACK:
        raise ValidationError("Only feedback files can be removed here: the learner's own files stay.")
    with transaction.atomic():
        submission = lock_submission(file.submission)
        if not may_mark_submission(actor, submission):
            raise PermissionDenied("You may not mark this submission")
        if submission.state not in (State.NOT_MARKED, State.IN_MARKING):
            raise _state_refusal(submission, "remove a feedback file")
        name = file.file.name
        storage = file.file.storage
        _audit(
            actor,
            "assessment.assignment.feedback_file_removed",
            submission,
            before={"file": file.original_name},
        )
        file.delete()
        submission.updated_at = at
        submission.save(update_fields=["updated_at"])
        if name:
            transaction.on_commit(lambda: storage.delete(name))


def verification_notify(
    submission: Submission, *, returned: bool, note: str, verifier, at: dt.datetime
) -> None:
    """Tell the first marker that a verifier disagreed (moderation.py)."""
    marker = submission.marker
    if marker is None or not marker.is_active:
        return
    assignment = submission.assignment
    who = learner_label(submission)
    if returned:
        body = (
            f"{person_name(verifier)} verified your marking of {who}'s “{assignment.title}” "
            f"(attempt {submission.attempt}) and disagreed: “{note}”. The work is back in marking with "
            "you: review it, then mark it as ready for release again."
        )
    else:
        body = (
            f"{person_name(verifier)} verified your marking of {who}'s “{assignment.title}” "
            f"(attempt {submission.attempt}), already released, and disagreed: “{note}”. It is recorded "
            "for action by the course's managers."
        )
    notify(
        person=marker,
        kind=VERIFICATION,
        subject=f"Internal verification: {assignment.title}"[:200],
        body=body,
        link=reverse("assessment:assignment_mark", args=[submission.uuid]),
        at=at,
    )
