"""Moderation (internal verification) of an assignment's marking, kept for the awarding body's
external quality assurer (EQA).

A sample is drawn from the marked work (ready for release or released) of the learners the
drawer may mark that no earlier sample of the assignment holds:
- every fail (a referral),
- every borderline: a submission its marker flagged as borderline; with criteria grading, a
  referral on at most `Assignment.borderline_criteria` criteria (1 by default: exactly one
  criterion not yet met); with points or a rubric, a grade within `Assignment.borderline_points`
  of the pass mark either side (when not set: 5% of the maximum grade, e.g. 45-55 when 50 of 100
  passes); a scale has no borderline but the marker's flag;
- and, at random, the sample's percentage of all that marked work (rounded up), drawn from what
  the fails and borderlines do not already cover. The draw uses a seed, recorded in the sample's
  notes (and the audit log), so it can be repeated exactly: the candidates in id order, then
  `random.Random(seed).sample`.
A submission in the sample for more than one reason is there once, as a borderline before a fail
before a random pick. A verifier may add any other marked submission ("chosen").

The verifier (anyone who may mark the learner: a tutor or manager, but never the learner, the
first marker or anyone who judged the work) agrees, or records their own judgement (criteria,
level, outcome or points) and a note. A disagreement before release sends the work back to the
first marker (ready for release -> in marking) and tells them; after release the learner's
result stands and the disagreement is recorded for action: the sample page and the EQA export
list it as such and the first marker is told, for the centre to decide (a remark is the course
managers' decision, outside this workflow). Samples and decisions are never deleted; a sample is
closed once every item has a decision, and closed samples take no more decisions.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from bluelamp.assessment.assignments import marking
from bluelamp.assessment.assignments.marking import JudgementInput, MarkInput, criterion_name
from bluelamp.assessment.assignments.models import (
    Assignment,
    Criterion,
    CriterionJudgement,
    MarkingEvent,
    ModerationSample,
    SampleItem,
    Submission,
    Verification,
)
from bluelamp.assessment.shared.access import learners_q, may_mark, may_set_up
from bluelamp.audit.api import audit_record
from bluelamp.core.timefmt import format_datetime

State = Submission.State
Reason = SampleItem.Reason
Decision = Verification.Decision

BORDERLINE_SHARE = Decimal("0.05")
MARKED_STATES = (State.READY_FOR_RELEASE, State.RELEASED)
NOTE_MAX = 10_000


# --- borderlines ---------------------------------------------------------------------------------


def borderline_margin(assignment: Assignment, max_grade: Decimal) -> Decimal:
    """How far from the pass mark a points or rubric grade is borderline."""
    if assignment.borderline_points is not None:
        return assignment.borderline_points
    return (max_grade * BORDERLINE_SHARE).quantize(Decimal("0.01"))


def is_fail(submission: Submission) -> bool:
    return submission.outcome == Submission.Outcome.REFER


def is_borderline(submission: Submission, *, not_met: int, max_grade: Decimal, pass_grade: Decimal) -> bool:
    assignment = submission.assignment
    if submission.marked_borderline:
        return True
    if assignment.grading == Assignment.Grading.CRITERIA:
        return is_fail(submission) and 0 < not_met <= assignment.borderline_criteria
    if assignment.grading in (Assignment.Grading.POINTS, Assignment.Grading.RUBRIC):
        grade = submission.final_grade if submission.final_grade is not None else submission.grade
        if grade is None:
            return False
        return abs(grade - pass_grade) <= borderline_margin(assignment, max_grade)
    return False


def _not_met(submissions: list[Submission]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for submission_id in CriterionJudgement.objects.filter(submission__in=submissions, met=False).values_list(
        "submission_id", flat=True
    ):
        counts[submission_id] = counts.get(submission_id, 0) + 1
    return counts


# --- who sees what -------------------------------------------------------------------------------


def access_sample(actor, sample_uuid) -> ModerationSample:
    """A sample of an assignment whose marking the actor may open."""
    sample = (
        ModerationSample.objects.select_related(
            "assignment", "assignment__course", "assignment__course__owner", "created_by"
        )
        .filter(uuid=marking.parse_uuid(sample_uuid, "sample"))
        .first()
    )
    if sample is None or not marking.may_open_marking(actor, sample.assignment):
        raise Http404("No such sample")
    return sample


def items_visible(actor, sample: ModerationSample) -> list[SampleItem]:
    """The sample's items whose learners the actor may mark (all for the course's managers), with
    their verifications, in the order the sample lists them."""
    course = sample.assignment.course
    items = (
        SampleItem.objects.filter(sample=sample)
        .filter(learners_q(actor, course, prefix="submission__person__"))
        .select_related(
            "submission",
            "submission__assignment",
            "submission__assignment__course",
            "submission__person",
            "submission__person__unit",
            "submission__person__organisation",
            "submission__marker",
        )
        .prefetch_related(
            Prefetch(
                "verifications", queryset=Verification.objects.select_related("verifier").order_by("at", "pk")
            )
        )
    )
    order: dict[str, int] = {Reason.BORDERLINE: 0, Reason.FAIL: 1, Reason.RANDOM: 2, Reason.CHOSEN: 3}
    hidden = marking.identities_hidden(sample.assignment)
    return sorted(
        items,
        key=lambda i: (
            order.get(i.reason, 9),
            i.submission.participant_number
            if hidden
            else (i.submission.person.last_name, i.submission.person.first_name),
            i.submission.attempt,
        ),
    )


def access_item(actor, sample: ModerationSample, item_id) -> SampleItem:
    try:
        key = int(item_id)
    except (TypeError, ValueError):
        raise Http404("No such item") from None
    item = next((i for i in items_visible(actor, sample) if i.pk == key), None)
    if item is None:
        raise Http404("No such item")
    return item


def markers_of_work(submission: Submission) -> set[int]:
    """Everyone who marked the submission: its marker, whoever judged a criterion, and whoever
    moved it to ready for release."""
    who = {submission.marker_id} if submission.marker_id else set()
    who.update(CriterionJudgement.objects.filter(submission=submission).values_list("by_id", flat=True))
    who.update(
        MarkingEvent.objects.filter(submission=submission, to_state=State.READY_FOR_RELEASE)
        .exclude(by__isnull=True)
        .values_list("by_id", flat=True)
    )
    return who


def verify_refusal(actor, submission: Submission) -> str:
    """Why the actor may not verify the submission ("" when they may)."""
    if submission.person_id == actor.pk:
        return "This is your own work: someone else must verify it."
    if actor.pk in markers_of_work(submission):
        return "You marked this submission, so you cannot verify it: internal verification needs a second person."
    if not may_mark(actor, learner=submission.person, course=submission.assignment.course):
        return "You may not mark this learner, so you cannot verify their work."
    return ""


def may_view_submission(actor, submission: Submission) -> bool:
    """Markers of the submission, and verifiers of a sample that holds it."""
    if marking.may_mark_submission(actor, submission):
        return True
    return (
        submission.person_id != actor.pk
        and SampleItem.objects.filter(submission=submission).exists()
        and may_mark(actor, learner=submission.person, course=submission.assignment.course)
    )


@dataclass
class AssignmentSamples:
    assignment: Assignment
    samples: list[ModerationSample]
    marked: int
    manages: bool


def assignments_for_verification(actor) -> list[AssignmentSamples]:
    """Assignments with marked work the actor may open, with their samples (newest first)."""
    rows = []
    for summary in marking.assignments_to_mark(actor):
        assignment = summary.assignment
        marked = summary.ready + summary.released
        samples = list(ModerationSample.objects.filter(assignment=assignment).order_by("-created_at", "-pk"))
        if marked or samples:
            rows.append(AssignmentSamples(assignment, samples, marked, summary.manages))
    return rows


def samples_of(assignment: Assignment) -> list[ModerationSample]:
    return list(
        ModerationSample.objects.filter(assignment=assignment)
        .select_related("created_by")
        .order_by("-created_at", "-pk")
    )


# --- drawing a sample ----------------------------------------------------------------------------


def _population(actor, assignment: Assignment) -> list[Submission]:
    already = SampleItem.objects.filter(sample__assignment=assignment).values("submission_id")
    return list(
        Submission.objects.filter(
            assignment=assignment, status=Submission.Status.SUBMITTED, state__in=MARKED_STATES
        )
        .filter(learners_q(actor, assignment.course))
        .exclude(person=actor)
        .exclude(pk__in=already)
        .select_related("assignment", "person")
        .order_by("pk")
    )


@dataclass(frozen=True)
class Draw:
    """What a sample would hold: the submissions by reason, from `population` marked ones."""

    population: int
    borderline: list[Submission]
    fail: list[Submission]
    random: list[Submission]
    seed: int
    percent: int

    @property
    def items(self) -> list[tuple[Submission, str]]:
        return (
            [(s, str(Reason.BORDERLINE)) for s in self.borderline]
            + [(s, str(Reason.FAIL)) for s in self.fail]
            + [(s, str(Reason.RANDOM)) for s in self.random]
        )

    def describe(self) -> str:
        # A borderline may itself be a referral (one criterion not yet met): say so, or the
        # external quality assurer reads "0 referrals" of a sample holding one.
        referred = sum(1 for s in self.borderline if is_fail(s))
        borderline = f"{len(self.borderline)} borderline"
        if referred:
            borderline += f" ({referred} of them referred)"
        others = len(self.fail)
        return (
            f"Drawn with seed {self.seed} from {self.population} marked submission"
            f"{'s' if self.population != 1 else ''}: {borderline}, "
            f"{others} other fail{'s' if others != 1 else ''} or referral"
            f"{'s' if others != 1 else ''}, and {len(self.random)} at random "
            f"({self.percent}% of the marked work, rounded up, from the rest)."
        )


def sample_compose(population: list[Submission], *, percent: int, seed: int) -> Draw:
    """The sample of `population` (marked submissions, in id order): every borderline, every fail,
    then `percent`% of the whole population (rounded up) at random from the rest."""
    if not population:
        return Draw(0, [], [], [], seed, percent)
    assignment = population[0].assignment
    top, pass_grade = assignment.grade_range()
    not_met = _not_met(population)
    borderline, fail, rest = [], [], []
    for submission in sorted(population, key=lambda s: s.pk):
        if is_borderline(
            submission, not_met=not_met.get(submission.pk, 0), max_grade=top, pass_grade=pass_grade
        ):
            borderline.append(submission)
        elif is_fail(submission):
            fail.append(submission)
        else:
            rest.append(submission)
    wanted = math.ceil(Decimal(percent) * len(population) / 100)
    chosen = random.Random(seed).sample(rest, min(wanted, len(rest)))  # noqa: S311 - a sample, not a secret
    chosen.sort(key=lambda s: s.pk)
    return Draw(len(population), borderline, fail, chosen, seed, percent)


def sample_draw(
    *,
    actor,
    assignment: Assignment,
    percent: int | None = None,
    seed: int | None = None,
    at: dt.datetime | None = None,
) -> ModerationSample:
    """Draw and keep a moderation sample of the assignment's marked work (see the module's
    docstring). `percent` defaults to the assignment's; `seed` to a random one, recorded."""
    at = at or timezone.now()
    if not marking.may_open_marking(actor, assignment):
        raise PermissionDenied("You may not verify this assignment's marking")
    percent = assignment.moderation_sample_percent if percent is None else percent
    if not isinstance(percent, int) or not 0 <= percent <= 100:
        raise ValidationError(
            {"percent": f"Enter the percentage to sample at random, from 0 to 100: {percent} is not."}
        )
    seed = secrets.randbelow(2**31) if seed is None else seed
    with transaction.atomic():
        Assignment.objects.select_for_update().filter(pk=assignment.pk).first()
        population = _population(actor, assignment)
        if not population:
            raise ValidationError(
                {
                    "percent": "There is no marked work to sample: work joins a sample once it is marked as ready "
                    "for release or released, and each submission joins one sample only."
                }
            )
        draw = sample_compose(population, percent=percent, seed=seed)
        if not draw.items:
            raise ValidationError(
                {
                    "percent": f"{percent}% of {draw.population} marked submissions is none, and there are no "
                    "fails or borderlines: enter a larger percentage."
                }
            )
        sample = ModerationSample.objects.create(
            assignment=assignment, created_by=actor, created_at=at, percent=percent, notes=draw.describe()
        )
        SampleItem.objects.bulk_create(
            [SampleItem(sample=sample, submission=s, reason=r) for s, r in draw.items]
        )
        audit_record(
            actor=actor,
            action="assessment.assignment.sample_drawn",
            organisation=_organisation(assignment),
            obj=sample,
            object_label=f"{assignment.title}: sample of {format_datetime(at)}",
            after={
                "seed": seed,
                "percent": percent,
                "population": draw.population,
                "borderline": len(draw.borderline),
                "fail": len(draw.fail),
                "random": len(draw.random),
            },
        )
    return sample


def _organisation(assignment: Assignment):
    owner = assignment.course.owner
    return None if owner.is_national_body else owner


def candidates_to_add(actor, sample: ModerationSample) -> list[Submission]:
    """Marked submissions the actor may mark that are in no sample of the assignment yet."""
    if sample.closed_at is not None:
        return []
    rows = _population(actor, sample.assignment)
    hidden = marking.identities_hidden(sample.assignment)
    return sorted(
        rows,
        key=lambda s: (
            (s.participant_number,) if hidden else (s.person.last_name, s.person.first_name, s.attempt)
        ),
    )


def sample_item_add(
    *, actor, sample: ModerationSample, submission: Submission, at: dt.datetime | None = None
) -> SampleItem:
    """Add a marked submission to an open sample ("chosen by the verifier")."""
    at = at or timezone.now()
    assignment = sample.assignment
    if submission.assignment_id != assignment.pk or not may_mark(
        actor, learner=submission.person, course=assignment.course
    ):
        raise PermissionDenied("You may not add this submission")
    with transaction.atomic():
        sample = ModerationSample.objects.select_for_update().get(pk=sample.pk)
        if sample.closed_at is not None:
            raise ValidationError(
                {"submission": "This sample is closed: draw a new one to verify more work."}
            )
        if submission.state not in MARKED_STATES or submission.status != Submission.Status.SUBMITTED:
            raise ValidationError(
                {"submission": "Only marked work (ready for release or released) can join a sample."}
            )
        if SampleItem.objects.filter(sample__assignment=assignment, submission=submission).exists():
            raise ValidationError({"submission": "That submission is in a sample already."})
        item = SampleItem.objects.create(sample=sample, submission=submission, reason=Reason.CHOSEN)
        audit_record(
            actor=actor,
            action="assessment.assignment.sample_item_added",
            organisation=submission.person.organisation,
            obj=sample,
            object_label=f"{assignment.title}: {marking.learner_label(submission)}, attempt {submission.attempt}",
            after={"reason": Reason.CHOSEN},
        )
    return item


# --- verifying -----------------------------------------------------------------------------------


def _judgement_map(assignment: Assignment, judgements: dict[int, JudgementInput]) -> dict[str, object]:
    if assignment.grading == Assignment.Grading.RUBRIC:
        return {str(cid): j.level for cid, j in judgements.items() if j.level is not None}
    return {str(cid): j.met for cid, j in judgements.items() if j.met is not None}


def verification_record(
    *,
    actor,
    item: SampleItem,
    decision: str,
    data: MarkInput | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Verification:
    """The verifier's decision on a sampled submission. Agree: a note is optional. Disagree: their
    own complete judgement (criteria, levels, outcome or points, as the marker gives them) that
    differs from the marker's, and a note saying why. A disagreement before release returns the
    work to the first marker; after release it is recorded for action (module docstring)."""
    at = at or timezone.now()
    note = (note or "").strip()
    submission = item.submission
    assignment = submission.assignment
    if not may_mark(actor, learner=submission.person, course=assignment.course):
        raise PermissionDenied("You may not verify this learner's work")
    errors: dict[str, list[str]] = {}
    refusal = verify_refusal(actor, submission)
    if refusal:
        raise ValidationError({"decision": [refusal]})
    if decision not in Decision.values:
        raise ValidationError({"decision": ["Choose whether you agree with the marker or not"]})
    if len(note) > NOTE_MAX:
        errors["note"] = [f"The note is {len(note):,} characters: keep it to {NOTE_MAX:,}"]
    grade, outcome, criteria_json = None, "", {}
    if decision == Decision.DISAGREE:
        criteria = marking.criteria_of(assignment)
        data = data or MarkInput()
        marking.check_mark_input(assignment, criteria, data)
        result = marking.result_of(assignment, criteria, data)
        if not result.complete:
            errors["judgements"] = [
                "Record your own judgement in full. Still to do: " + "; ".join(result.missing) + "."
            ]
        else:
            grade, outcome = result.grade, result.outcome
            criteria_json = _judgement_map(assignment, data.judgements)
            first = _judgement_map(assignment, marking.judgements_input(submission))
            same_criteria = all(first.get(k) == v for k, v in criteria_json.items())
            if same_criteria and grade == submission.grade and outcome == submission.outcome:
                errors["decision"] = [
                    "Your judgement is the same as the marker's: choose “Agree”, or change what you disagree with"
                ]
        if not note:
            errors["note"] = ["Enter a note saying what you disagree with and why"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        sample = ModerationSample.objects.select_for_update().get(pk=item.sample_id)
        if sample.closed_at is not None:
            raise ValidationError(
                {
                    "decision": [
                        f"This sample was closed on {format_datetime(sample.closed_at)}: it takes no more decisions."
                    ]
                }
            )
        locked = marking.lock_submission(submission)
        verification = Verification.objects.create(
            item=item,
            verifier=actor,
            decision=decision,
            grade=grade,
            outcome=outcome,
            criteria=criteria_json,
            note=note,
            at=at,
        )
        returned = False
        if decision == Decision.DISAGREE and locked.state == State.READY_FOR_RELEASE:
            marking.return_to_marker(
                locked, actor=actor, at=at, note=f"Returned by internal verification: {note}"
            )
            returned = True
        audit_record(
            actor=actor,
            action="assessment.assignment.verified",
            organisation=locked.person.organisation,
            obj=verification,
            object_label=f"{assignment.title}: {marking.learner_label(locked)}, attempt {locked.attempt}",
            after={
                "decision": decision,
                "outcome": outcome,
                "grade": marking.decimal_text(grade),
                "returned_to_marker": returned,
                "state": locked.state,
            },
        )
        if decision == Decision.DISAGREE and locked.marker_id is not None:
            marking.verification_notify(
                locked, returned=locked.state != State.RELEASED, note=note, verifier=actor, at=at
            )
    return verification


def sample_close(*, actor, sample: ModerationSample, at: dt.datetime | None = None) -> ModerationSample:
    """Close a sample once every item has a decision (the course's managers, or its drawer)."""
    at = at or timezone.now()
    if not (may_set_up(actor, sample.assignment.course) or sample.created_by_id == actor.pk):
        raise PermissionDenied("Only the course's managers or the sample's drawer close it")
    with transaction.atomic():
        sample = ModerationSample.objects.select_for_update().get(pk=sample.pk)
        if sample.closed_at is not None:
            raise ValidationError(f"This sample was closed already, on {format_datetime(sample.closed_at)}.")
        waiting = SampleItem.objects.filter(sample=sample, verifications__isnull=True).count()
        if waiting:
            raise ValidationError(
                f"{waiting} submission{' is' if waiting == 1 else 's are'} not verified yet: a sample closes "
                "once every submission in it has a decision."
            )
        sample.closed_at = at
        sample.save(update_fields=["closed_at"])
        audit_record(
            actor=actor,
            action="assessment.assignment.sample_closed",
            organisation=_organisation(sample.assignment),
            obj=sample,
            object_label=f"{sample.assignment.title}: sample of {format_datetime(sample.created_at)}",
        )
    return sample


# --- reading a sample ----------------------------------------------------------------------------


def action_of(verification: Verification, submission: Submission) -> str:
    """What became of a disagreement: returned to the first marker before release, or recorded
    for action after it."""
    if verification.decision != Decision.DISAGREE:
        return ""
    if submission.released_at is not None and submission.released_at <= verification.at:
        return "Recorded for action: the result had been released"
    return "Returned to the first marker"


def judgements_text(assignment: Assignment, criteria: list[Criterion], values: dict[str, object]) -> str:
    """'AC 1.1 met; AC 1.2 not yet met' (criteria) or 'AC 1 Good (3)' (rubric)."""
    parts = []
    for criterion in criteria:
        value = values.get(str(criterion.pk))
        if value is None:
            continue
        if assignment.grading == Assignment.Grading.RUBRIC:
            level = next((lv for lv in criterion.levels.all() if lv.pk == value), None)
            shown = f"{level.label} ({level.points.normalize():f})" if level else "?"
        else:
            shown = "met" if value else "not yet met"
        parts.append(f"{criterion_name(criterion)} {shown}")
    return "; ".join(parts)


def marker_judgements(submission: Submission) -> dict[str, object]:
    return _judgement_map(submission.assignment, marking.judgements_input(submission))


def disputed(criteria: list[Criterion], first: dict[str, object], second: dict[str, object]) -> list[str]:
    return [
        criterion_name(c)
        for c in criteria
        if str(c.pk) in second and first.get(str(c.pk)) != second[str(c.pk)]
    ]


def item_status(item: SampleItem) -> str:
    verifications = list(item.verifications.all())
    if not verifications:
        return "Not verified"
    last = verifications[-1]
    if last.decision == Decision.AGREE:
        return "Agreed"
    return action_of(last, item.submission)


EXPORT_HEADER = [
    "Assignment",
    "Course",
    "Sample drawn",
    "Drawn by",
    "Sample percent",
    "Sample closed",
    "Learner",
    "Attempt",
    "Reason in sample",
    "Submitted",
    "Late",
    "First marker",
    "Marked",
    "Marker's outcome",
    "Marker's grade",
    "Marker's criteria",
    "State",
    "Released",
    "Verifier",
    "Verified",
    "Decision",
    "Verifier's outcome",
    "Verifier's grade",
    "Verifier's criteria",
    "Criteria in dispute",
    "Note",
    "Action",
]


def export_rows(actor, sample: ModerationSample) -> list[list]:
    """One row per decision (per item when it has none), for the EQA: CSV, XLSX and the printable
    page. Learners are named by participant number while identities are hidden."""
    assignment = sample.assignment
    criteria = marking.criteria_of(assignment)
    hidden = marking.identities_hidden(assignment)
    rows = []
    for item in items_visible(actor, sample):
        s = item.submission
        first = marker_judgements(s)
        base = [
            assignment.title,
            f"{assignment.course.code} {assignment.course.title}".strip(),
            format_datetime(sample.created_at),
            marking.person_name(sample.created_by),
            sample.percent,
            format_datetime(sample.closed_at) if sample.closed_at else "Open",
            marking.learner_label(s, hidden=hidden),
            s.attempt,
            item.get_reason_display(),
            format_datetime(s.submitted_at),
            "Late" if s.late else "",
            marking.person_name(s.marker),
            format_datetime(s.marked_at),
            s.get_outcome_display(),
            s.final_grade if s.final_grade is not None else "",
            judgements_text(assignment, criteria, first),
            s.get_state_display(),
            format_datetime(s.released_at) if s.released_at else "",
        ]
        verifications = list(item.verifications.all())
        if not verifications:
            rows.append(base + ["", "", "Not verified", "", "", "", "", "", ""])
            continue
        for v in verifications:
            rows.append(
                base
                + [
                    marking.person_name(v.verifier),
                    format_datetime(v.at),
                    v.get_decision_display(),
                    v.get_outcome_display() if v.outcome else "",
                    v.grade if v.grade is not None else "",
                    judgements_text(assignment, criteria, v.criteria),
                    ", ".join(disputed(criteria, first, v.criteria)),
                    v.note,
                    action_of(v, s),
                ]
            )
    return rows
