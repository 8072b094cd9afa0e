"""Writing assignments: setting one up as a course activity, its criteria and rubric levels,
extensions, and the gradebook and course progress once marking releases a submission. The
learner's own writes (drafts, files, submitting, resubmitting) are in submitting.py and are
re-exported here, so this module is the one door for writes.

Every service checks who may act (shared/access.py), works in one transaction, and audits inside
it. Bad input raises ValidationError naming each field, the value and what is accepted; nothing
is half-written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from bluelamp.assessment.assignments import notices, selectors
from bluelamp.assessment.assignments.files import FILE_TYPES, parse_types
from bluelamp.assessment.assignments.models import (
    Assignment,
    Criterion,
    CriterionJudgement,
    Extension,
    RubricLevel,
    Submission,
)
from bluelamp.assessment.assignments.submitting import (
    participant_for,
    submission_file_remove,
    submission_save_draft,
    submission_start_resubmission,
    submission_submit,
)
from bluelamp.assessment.gradebook.sink import grade_item_ensure, grade_record
from bluelamp.assessment.shared.access import may_mark, may_set_up
from bluelamp.audit.api import audit_record
from bluelamp.core.csvfiles import UnreadableFile, decode, records
from bluelamp.core.timefmt import format_datetime
from bluelamp.core.validation import date_errors, text_errors
from bluelamp.learning.api import activity_add, activity_result

__all__ = [
    "DEFAULT_DECLARATION",
    "AssignmentInput",
    "LevelInput",
    "assignment_create",
    "assignment_update",
    "criteria_import",
    "criterion_add",
    "criterion_move",
    "criterion_remove",
    "criterion_update",
    "extension_grant",
    "extension_revoke",
    "gradebook_item_sync",
    "parse_levels",
    "participant_for",
    "submission_after_release",
    "submission_file_remove",
    "submission_save_draft",
    "submission_start_resubmission",
    "submission_submit",
]

KIND = selectors.KIND
DEFAULT_DECLARATION = (
    "I confirm that this is my own work, that I have acknowledged every source I used, and that it "
    "has not been handed in for assessment anywhere else."
)
MAX_FILE_MB = 100
MAX_FILES = 20
MAX_RESUBMISSIONS = 5
MAX_CRITERIA = 100


def _organisation(assignment: Assignment):
    owner = assignment.course.owner
    return None if owner.is_national_body else owner


def _audit(actor, action: str, assignment: Assignment, *, obj=None, label: str = "", **after) -> None:
    audit_record(
        actor=actor,
        action=f"assessment.assignment.{action}",
        organisation=_organisation(assignment),
        obj=obj or assignment,
        object_label=label or str(assignment),
        after={key: str(value) if value is not None else "" for key, value in after.items()},
    )


# --- settings ------------------------------------------------------------------------------------


@dataclass
class AssignmentInput:
    """An assignment's settings as the set-up page and the API give them."""

    title: str
    brief: str = ""
    grading: str = Assignment.Grading.CRITERIA
    scale: str = Assignment.Scale.PASS_REFER
    max_points: Decimal | str = Decimal(100)
    pass_points: Decimal | str | None = None
    due_at: dt.datetime | None = None
    cut_off_at: dt.datetime | None = None
    late_policy: str = Assignment.LatePolicy.ACCEPT
    late_penalty_percent_per_day: Decimal | str = Decimal(0)
    late_penalty_cap_percent: Decimal | str = Decimal(0)
    word_limit: int | None = None
    word_limit_enforced: bool = False
    accepts_online_text: bool = True
    accepts_files: bool = True
    allowed_file_types: list[str] | str = field(default_factory=list)
    max_file_mb: int = 20
    max_files: int = 5
    requires_declaration: bool = True
    declaration_text: str = DEFAULT_DECLARATION
    allows_drafts: bool = True
    resubmissions_allowed: int = 1
    resubmission_days: int = 28
    anonymous_marking: bool = False
    moderation_sample_percent: int = 10
    borderline_points: Decimal | str | None = None
    borderline_criteria: int = 1
    reminder_days: list[int] | str = field(default_factory=lambda: [3, 1])
    notify_markers: bool = True

    @classmethod
    def of(cls, assignment: Assignment) -> AssignmentInput:
        return cls(**{name: getattr(assignment, name) for name in cls.__dataclass_fields__})


def parse_reminder_days(value: list[int] | str) -> tuple[list[int], str]:
    """([3, 1], "") from "3, 1"; or ([], the problem)."""
    items = value if isinstance(value, list) else str(value).replace(",", " ").split()
    days: set[int] = set()
    for item in items:
        try:
            day = int(str(item).strip())
        except ValueError:
            return [], f"“{item}” is not a number of days. Enter whole numbers of days, for example 3, 1."
        if not 1 <= day <= notices.MAX_REMINDER_DAYS:
            return [], f"{day} days: enter days from 1 to {notices.MAX_REMINDER_DAYS}, for example 3, 1."
        days.add(day)
    return sorted(days, reverse=True), ""


def _number(value, name: str, label: str, errors: dict, *, low=Decimal(0), high=None) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        errors[name] = f"{label}: “{value}” is not a number."
        return None
    if not number.is_finite() or number < low or (high is not None and number > high):
        limit = f"from {low} to {high}" if high is not None else f"of {low} or more"
        errors[name] = f"{label}: {value} is out of range; enter a number {limit}."
        return None
    return number


def _check(data: AssignmentInput, *, assignment: Assignment | None) -> dict[str, str]:
    """Every problem with the settings, by field; also normalises `data` in place."""
    errors: dict[str, str] = {}
    data.title = (data.title or "").strip()
    if not data.title:
        errors["title"] = "Enter a title for the assignment."
    elif len(data.title) > 200:
        errors["title"] = f"The title is {len(data.title)} characters; use 200 or fewer."
    data.brief = (data.brief or "").strip()
    data.declaration_text = (data.declaration_text or "").strip()
    errors.update(
        text_errors(
            multiline=("brief", "declaration_text"),
            title=data.title,
            brief=data.brief,
            declaration_text=data.declaration_text,
        )
    )
    if data.grading not in Assignment.Grading.values:
        errors["grading"] = "Choose how the work is graded: criteria, a rubric, a scale or points."
    if data.scale not in Assignment.Scale.values:
        errors["scale"] = "Choose the scale: pass or refer, or distinction, merit, pass or refer."
    max_points = _number(
        data.max_points, "max_points", "Maximum points", errors, low=Decimal("0.01"), high=Decimal(99999)
    )
    pass_points = _number(data.pass_points, "pass_points", "Points to pass", errors, high=Decimal(99999))
    if data.grading == Assignment.Grading.POINTS:
        if max_points is None and "max_points" not in errors:
            errors["max_points"] = "Enter the maximum points, for example 100."
        elif max_points is not None and pass_points is not None and pass_points > max_points:
            errors["pass_points"] = (
                f"Points to pass ({pass_points}) cannot be more than the maximum ({max_points})."
            )
    data.max_points = max_points if max_points is not None else Decimal(100)
    data.pass_points = pass_points

    errors.update(date_errors(due_at=data.due_at, cut_off_at=data.cut_off_at))
    if data.cut_off_at is not None and "cut_off_at" not in errors:
        if data.due_at is None:
            errors["cut_off_at"] = (
                "A cut-off needs a due date: enter the due date, or leave the cut-off empty."
            )
        elif data.cut_off_at < data.due_at:
            errors["cut_off_at"] = (
                f"The cut-off ({format_datetime(data.cut_off_at)}) is before the due date "
                f"({format_datetime(data.due_at)}): enter a cut-off on or after the due date."
            )
    if data.late_policy not in Assignment.LatePolicy.values:
        errors["late_policy"] = (
            "Choose what happens to late work: accept it, refuse it, or accept it with a penalty."
        )
    elif data.late_policy == Assignment.LatePolicy.REFUSE and data.cut_off_at is not None:
        if data.due_at is not None and data.cut_off_at != data.due_at:
            errors["cut_off_at"] = (
                "Late work is refused, so the due date is the cut-off: leave the cut-off empty, "
                "or choose to accept late work until the cut-off."
            )
    per_day = _number(
        data.late_penalty_percent_per_day,
        "late_penalty_percent_per_day",
        "Penalty per day",
        errors,
        high=Decimal(100),
    )
    cap = _number(
        data.late_penalty_cap_percent,
        "late_penalty_cap_percent",
        "Largest penalty",
        errors,
        high=Decimal(100),
    )
    if data.late_policy == Assignment.LatePolicy.PENALTY:
        if not per_day and "late_penalty_percent_per_day" not in errors:
            errors["late_penalty_percent_per_day"] = (
                "Enter the percent taken off the grade for each day late, for example 5."
            )
        if not cap and "late_penalty_cap_percent" not in errors:
            errors["late_penalty_cap_percent"] = (
                "Enter the largest penalty in percent, for example 20 (100 for no cap)."
            )
    data.late_penalty_percent_per_day = per_day or Decimal(0)
    data.late_penalty_cap_percent = cap or Decimal(0)

    if data.word_limit is not None and not 1 <= int(data.word_limit) <= 100000:
        errors["word_limit"] = (
            f"Word limit {data.word_limit}: enter from 1 to 100000 words, or leave it empty."
        )
    if data.word_limit is None:
        data.word_limit_enforced = False
    if not data.accepts_online_text and not data.accepts_files:
        errors["accepts_online_text"] = "Choose how work is handed in: online text, files, or both."
    known, unknown = parse_types(data.allowed_file_types)
    if unknown:
        shown = ", ".join(f".{e}" for e in unknown)
        errors["allowed_file_types"] = (
            f"Unknown file type{'s' if len(unknown) > 1 else ''} {shown}. Use extensions from: "
            f"{', '.join(sorted(FILE_TYPES))}."
        )
    data.allowed_file_types = known
    if not 1 <= int(data.max_file_mb) <= MAX_FILE_MB:
        errors["max_file_mb"] = f"{data.max_file_mb} MB: enter a size from 1 to {MAX_FILE_MB} MB."
    if not 1 <= int(data.max_files) <= MAX_FILES:
        errors["max_files"] = f"{data.max_files} files: enter from 1 to {MAX_FILES}."
    if data.requires_declaration and not data.declaration_text:
        errors["declaration_text"] = "Enter the declaration the learner confirms, or do not ask for one."
    if not 0 <= int(data.resubmissions_allowed) <= MAX_RESUBMISSIONS:
        errors["resubmissions_allowed"] = (
            f"{data.resubmissions_allowed}: enter from 0 to {MAX_RESUBMISSIONS}."
        )
    if not 1 <= int(data.resubmission_days) <= 365:
        errors["resubmission_days"] = f"{data.resubmission_days} days: enter from 1 to 365."
    if not 0 <= int(data.moderation_sample_percent) <= 100:
        errors["moderation_sample_percent"] = f"{data.moderation_sample_percent}%: enter from 0 to 100."
    data.borderline_points = _number(
        data.borderline_points, "borderline_points", "Borderline margin", errors, high=Decimal(99999)
    )
    if not 0 <= int(data.borderline_criteria) <= MAX_CRITERIA:
        errors["borderline_criteria"] = f"{data.borderline_criteria}: enter from 0 to {MAX_CRITERIA}."
    days, problem = parse_reminder_days(data.reminder_days)
    if problem:
        errors["reminder_days"] = problem
    data.reminder_days = days

    if assignment is not None and data.grading != assignment.grading and _marking_started(assignment):
        errors["grading"] = (
            f"Marking has started, so the grading stays {assignment.get_grading_display().split(' (')[0].lower()}: "
            "changing it would make the marks already given meaningless."
        )
    return errors


def _marking_started(assignment: Assignment) -> bool:
    return (
        CriterionJudgement.objects.filter(submission__assignment=assignment).exists()
        or Submission.objects.filter(assignment=assignment)
        .exclude(state=Submission.State.NOT_MARKED)
        .exists()
    )


def _apply(assignment: Assignment, data: AssignmentInput) -> dict:
    changed = {}
    for name in AssignmentInput.__dataclass_fields__:
        value = getattr(data, name)
        if getattr(assignment, name) != value:
            changed[name] = value
            setattr(assignment, name, value)
    return changed


def gradebook_item_sync(assignment: Assignment):
    """The assignment's gradebook item, made or brought up to date (title, maximum, pass grade)."""
    top, pass_grade = assignment.grade_range()
    return grade_item_ensure(
        course=assignment.course,
        source="assignment",
        source_key=str(assignment.uuid),
        title=assignment.title,
        max_grade=top if top > 0 else Decimal(100),
        pass_grade=pass_grade,
    )


def assignment_create(
    *, actor, course, version, data: AssignmentInput, at: dt.datetime | None = None
) -> Assignment:
    """A new assignment, added as an activity at the end of the course's draft `version`, with
    its gradebook item."""
    if not may_set_up(actor, course):
        raise PermissionDenied("You may not set up assignments on this course.")
    if version.course_id != course.pk or version.is_published:
        raise ValidationError(
            {"title": "Assignments are added to the course's draft version: start a new version first."}
        )
    errors = _check(data, assignment=None)
    if errors:
        raise ValidationError(errors)
    at = at or timezone.now()
    with transaction.atomic():
        assignment = Assignment(
            course=course, created_at=at, updated_at=at, created_by=actor, updated_by=actor
        )
        _apply(assignment, data)
        assignment.full_clean()
        assignment.save()
        activity_add(
            actor=actor, version=version, kind=KIND, title=assignment.title, target=str(assignment.uuid)
        )
        gradebook_item_sync(assignment)
        _audit(
            actor,
            "created",
            assignment,
            course=course.code,
            title=assignment.title,
            grading=assignment.grading,
        )
    return assignment


def assignment_update(*, actor, assignment: Assignment, data: AssignmentInput, at: dt.datetime | None = None):
    if not may_set_up(actor, assignment.course):
        raise PermissionDenied("You may not change this assignment.")
    errors = _check(data, assignment=assignment)
    if errors:
        raise ValidationError(errors)
    at = at or timezone.now()
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update()
            .select_related("course", "course__owner")
            .get(pk=assignment.pk)
        )
        changed = _apply(assignment, data)
        if not changed:
            return assignment
        assignment.updated_at, assignment.updated_by = at, actor
        assignment.full_clean()
        assignment.save()
        gradebook_item_sync(assignment)
        _audit(actor, "changed", assignment, **changed)
    return assignment


# --- criteria and rubric levels ------------------------------------------------------------------


@dataclass(frozen=True)
class LevelInput:
    label: str
    points: Decimal
    description: str = ""


def parse_levels(text: str) -> tuple[list[LevelInput], list[str]]:
    """Rubric levels from lines "label | points | description" (the description optional), in
    the order given: (levels, problems naming each line)."""
    levels: list[LevelInput] = []
    problems: list[str] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) < 2 or not parts[0]:
            problems.append(
                f"Line {number} (“{line.strip()[:60]}”): write the level as label | points | description."
            )
            continue
        try:
            points = Decimal(parts[1])
        except InvalidOperation:
            points = Decimal(-1)
        if not points.is_finite() or points < 0 or points > 99999:
            problems.append(f"Line {number}: “{parts[1]}” is not a number of points from 0 to 99999.")
            continue
        if len(parts[0]) > 100:
            problems.append(f"Line {number}: the label is longer than 100 characters.")
            continue
        levels.append(LevelInput(label=parts[0], points=points, description=" | ".join(parts[2:])))
    return levels, problems


def _criterion_errors(
    code: str, learning_outcome: str, text: str, levels_text: str | None
) -> tuple[dict, list]:
    errors: dict[str, str] = {}
    if not text.strip():
        errors["text"] = "Enter the criterion, for example “Explain the purpose of a risk assessment”."
    if len(code) > 30:
        errors["code"] = f"The code is {len(code)} characters; use 30 or fewer, for example AC 1.1."
    errors.update(
        text_errors(
            multiline=("learning_outcome", "text"), code=code, learning_outcome=learning_outcome, text=text
        )
    )
    levels: list[LevelInput] = []
    if levels_text is not None:
        levels, problems = parse_levels(levels_text)
        if problems:
            errors["levels"] = " ".join(problems)
    return errors, levels


def _require_set_up(actor, assignment: Assignment) -> None:
    if not may_set_up(actor, assignment.course):
        raise PermissionDenied("You may not change this assignment's criteria.")


def _write_levels(criterion: Criterion, levels: list[LevelInput]) -> None:
    criterion.levels.all().delete()
    RubricLevel.objects.bulk_create(
        [
            RubricLevel(
                criterion=criterion,
                order=n,
                label=level.label,
                points=level.points,
                description=level.description,
            )
            for n, level in enumerate(levels, start=1)
        ]
    )


def _levels_fixed(criterion: Criterion) -> bool:
    return CriterionJudgement.objects.filter(criterion=criterion, level__isnull=False).exists()


def criterion_add(
    *,
    actor,
    assignment: Assignment,
    code: str = "",
    learning_outcome: str = "",
    text: str,
    levels_text: str = "",
) -> Criterion:
    _require_set_up(actor, assignment)
    code, learning_outcome, text = code.strip(), learning_outcome.strip(), text.strip()
    errors, levels = _criterion_errors(code, learning_outcome, text, levels_text)
    if assignment.criteria.count() >= MAX_CRITERIA:
        errors["text"] = f"An assignment has at most {MAX_CRITERIA} criteria."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        order = (assignment.criteria.aggregate(m=Max("order"))["m"] or 0) + 1
        criterion = Criterion.objects.create(
            assignment=assignment, order=order, code=code, learning_outcome=learning_outcome, text=text
        )
        _write_levels(criterion, levels)
        gradebook_item_sync(assignment)
        _audit(
            actor, "criterion_added", assignment, obj=criterion, label=str(criterion), code=code, text=text
        )
    return criterion


def criterion_update(
    *,
    actor,
    criterion: Criterion,
    code: str = "",
    learning_outcome: str = "",
    text: str,
    levels_text: str | None = None,
) -> Criterion:
    assignment = criterion.assignment
    _require_set_up(actor, assignment)
    code, learning_outcome, text = code.strip(), learning_outcome.strip(), text.strip()
    errors, levels = _criterion_errors(code, learning_outcome, text, levels_text)
    if levels_text is not None and "levels" not in errors and _levels_fixed(criterion):
        current = [(lv.label, lv.points, lv.description) for lv in criterion.levels.all()]
        if current != [(lv.label, lv.points, lv.description) for lv in levels]:
            errors["levels"] = (
                "Markers have already judged work against these levels, so they can no longer change. "
                "Correct the criterion's wording only."
            )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        criterion.code, criterion.learning_outcome, criterion.text = code, learning_outcome, text
        criterion.save(update_fields=["code", "learning_outcome", "text"])
        if levels_text is not None and not _levels_fixed(criterion):
            _write_levels(criterion, levels)
        gradebook_item_sync(assignment)
        _audit(
            actor, "criterion_changed", assignment, obj=criterion, label=str(criterion), code=code, text=text
        )
    return criterion


def criterion_move(*, actor, criterion: Criterion, direction: str) -> Criterion:
    """Move a criterion one place "up" or "down"."""
    assignment = criterion.assignment
    _require_set_up(actor, assignment)
    if direction not in ("up", "down"):
        raise ValidationError({"direction": f"“{direction}”: move a criterion up or down."})
    with transaction.atomic():
        ordered = list(assignment.criteria.select_for_update().order_by("order", "pk"))
        index = next(i for i, c in enumerate(ordered) if c.pk == criterion.pk)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(ordered):
            ordered[index], ordered[other] = ordered[other], ordered[index]
            for n, item in enumerate(ordered, start=1):
                if item.order != n:
                    item.order = n
                    item.save(update_fields=["order"])
            _audit(
                actor, "criterion_moved", assignment, obj=criterion, label=str(criterion), direction=direction
            )
    return criterion


def criterion_remove(*, actor, criterion: Criterion) -> None:
    assignment = criterion.assignment
    _require_set_up(actor, assignment)
    if CriterionJudgement.objects.filter(criterion=criterion).exists():
        raise ValidationError(
            {
                "criterion": f"{criterion}: markers have judged work against it, so it stays. Correct its wording instead."
            }
        )
    with transaction.atomic():
        label = str(criterion)
        criterion.delete()
        gradebook_item_sync(assignment)
        _audit(actor, "criterion_removed", assignment, label=label, criterion=label)


CRITERIA_COLUMNS = ("code", "learning_outcome", "criterion", "levels")
MAX_IMPORT_BYTES = 1024 * 1024


def criteria_import(*, actor, assignment: Assignment, data: bytes | str) -> list[Criterion]:
    """Criteria from CSV (a file or pasted text) with a header row naming the columns code,
    learning_outcome, criterion and (for a rubric) levels ("label | points; label | points").
    Added after the criteria there are; all or nothing, every row's problem named."""
    _require_set_up(actor, assignment)
    try:
        text = decode(data, limit=MAX_IMPORT_BYTES) if isinstance(data, bytes) else data
        rows = list(records(text))
    except UnreadableFile as problem:
        raise ValidationError({"file": str(problem)}) from None
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise ValidationError(
            {"file": "There is nothing to import: give a header row and one row per criterion."}
        )
    header = [cell.strip().lower().replace(" ", "_") for cell in rows[0]]
    if "criterion" not in header:
        raise ValidationError(
            {
                "file": f"The header row has no “criterion” column (found: {', '.join(header) or 'nothing'}). "
                f"Use the columns {', '.join(CRITERIA_COLUMNS)}."
            }
        )
    unknown = [name for name in header if name and name not in CRITERIA_COLUMNS]
    if unknown:
        raise ValidationError(
            {
                "file": f"Unknown column{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}: use {', '.join(CRITERIA_COLUMNS)}."
            }
        )
    parsed = []
    problems = []
    existing = assignment.criteria.count()
    if existing + len(rows) - 1 > MAX_CRITERIA:
        raise ValidationError(
            {
                "file": f"An assignment has at most {MAX_CRITERIA} criteria; this would make {existing + len(rows) - 1}."
            }
        )
    for number, row in enumerate(rows[1:], start=2):
        values = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header) if name}
        levels_text = "\n".join(part.strip() for part in values.get("levels", "").split(";"))
        errors, levels = _criterion_errors(
            values.get("code", ""),
            values.get("learning_outcome", ""),
            values.get("criterion", ""),
            levels_text,
        )
        if errors:
            problems.append(f"Row {number}: " + " ".join(errors.values()))
        parsed.append((values, levels))
    if problems:
        raise ValidationError({"file": problems})
    made = []
    with transaction.atomic():
        order = assignment.criteria.aggregate(m=Max("order"))["m"] or 0
        for values, levels in parsed:
            order += 1
            criterion = Criterion.objects.create(
                assignment=assignment,
                order=order,
                code=values.get("code", ""),
                learning_outcome=values.get("learning_outcome", ""),
                text=values["criterion"],
            )
            _write_levels(criterion, levels)
            made.append(criterion)
        gradebook_item_sync(assignment)
        _audit(actor, "criteria_imported", assignment, count=len(made))
    return made


# --- extensions ----------------------------------------------------------------------------------


def extension_grant(
    *, actor, assignment: Assignment, person, due_at: dt.datetime, reason: str, at: dt.datetime | None = None
) -> Extension:
    """Give a learner a later due date (replacing an extension they have, which is revoked).
    Managers of the course and those who may mark the learner; the learner is told."""
    if not may_mark(actor, learner=person, course=assignment.course):
        raise PermissionDenied("You may not grant this learner an extension.")
    at = at or timezone.now()
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if not selectors.learners_of(assignment).filter(pk=person.pk).exists():
        errors["person"] = (
            f"{person.get_full_name()} is not taking this assignment: choose one of its learners."
        )
    if not reason:
        errors["reason"] = "Enter the reason for the extension."
    elif len(reason) > 2000:
        errors["reason"] = f"The reason is {len(reason)} characters; use 2000 or fewer."
    errors.update(text_errors(multiline=("reason",), reason=reason))
    errors.update(date_errors(due_at=due_at))
    if due_at is None:
        errors["due_at"] = "Enter the new due date."
    elif "due_at" not in errors:
        base = selectors.person_deadline(assignment, person, extension=None)
        if base.due_at is not None and due_at <= base.due_at:
            errors["due_at"] = (
                f"The new date ({format_datetime(due_at)}) must be after the learner's due date "
                f"({format_datetime(base.due_at)})."
            )
        elif due_at <= at:
            errors["due_at"] = (
                f"The new date ({format_datetime(due_at)}) has passed: enter a date in the future."
            )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = (
            Extension.objects.select_for_update()
            .filter(assignment=assignment, person=person, revoked_at__isnull=True)
            .first()
        )
        if current is not None:
            current.revoked_at, current.revoked_by = at, actor
            current.revoke_reason = "Replaced by a new extension."
            current.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        extension = Extension.objects.create(
            assignment=assignment,
            person=person,
            due_at=due_at,
            reason=reason,
            approved_by=actor,
            approved_at=at,
        )
        _audit(
            actor,
            "extension_granted",
            assignment,
            obj=extension,
            label=f"Extension for {person} on {assignment}",
            person=person.pk,
            due_at=due_at.isoformat(),
            reason=reason,
            replaces=current.uuid if current else None,
        )
        notices.extension_notify(extension, revoked=False, at=at)
    return extension


def extension_revoke(*, actor, extension: Extension, reason: str, at: dt.datetime | None = None) -> Extension:
    assignment = extension.assignment
    if not may_mark(actor, learner=extension.person, course=assignment.course):
        raise PermissionDenied("You may not revoke this extension.")
    reason = (reason or "").strip()
    errors = text_errors(multiline=("reason",), reason=reason)
    if not reason:
        errors["reason"] = "Enter why the extension is withdrawn."
    elif len(reason) > 2000:
        errors["reason"] = f"The reason is {len(reason)} characters; use 2000 or fewer."
    if errors:
        raise ValidationError(errors)
    at = at or timezone.now()
    with transaction.atomic():
        extension = (
            Extension.objects.select_for_update().select_related("assignment", "person").get(pk=extension.pk)
        )
        if extension.revoked_at is not None:
            return extension
        extension.revoked_at, extension.revoked_by, extension.revoke_reason = at, actor, reason
        extension.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        _audit(
            actor,
            "extension_revoked",
            assignment,
            obj=extension,
            label=f"Extension for {extension.person} on {assignment}",
            person=extension.person_id,
            reason=reason,
        )
        notices.extension_notify(extension, revoked=True, at=at)
    return extension


# --- after marking releases a submission ----------------------------------------------------------


def submission_after_release(submission: Submission, *, at: dt.datetime | None = None) -> None:
    """For the marking side, inside its release transaction: record the released grade in the
    gradebook and report the result to the course (completed when passed; failed when referred,
    until a resubmission passes). The grade is `final_grade` (after a late penalty), else
    `grade`."""
    if submission.state != Submission.State.RELEASED:
        raise ValueError("Only a released submission's grade reaches the gradebook and the course.")
    at = at or timezone.now()
    assignment = submission.assignment
    item = gradebook_item_sync(assignment)
    grade = submission.final_grade if submission.final_grade is not None else submission.grade
    grade_record(item=item, person=submission.person, grade=grade, feedback=submission.feedback, at=at)
    score = None
    if grade is not None and item.max_grade:
        score = (Decimal(grade) * 100 / item.max_grade).quantize(Decimal("0.01"))
    activity_result(
        person=submission.person,
        course=assignment.course,
        kind=KIND,
        target=str(assignment.uuid),
        status="completed" if submission.passed else "failed",
        score=score,
        at=at,
    )
