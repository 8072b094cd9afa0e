"""Regrading a quiz's finished attempts after a question was corrected (Moodle's regrade).

Two ways, chosen by the course's manager:

- re-mark each answer against the version the attempt saw (after the marking engine changed);
- move the answers to their question's latest version (`to_latest_version`: the bank's question
  was corrected, a new version made) and mark them against it. An answer moves only when the new
  version reads the same response the same way (same type, and as many answers, sub-questions,
  items, gaps and choices); the others stay on their version and are re-marked there, and the
  page says which and why.

A dry run first (`dry_run`): every change that would be made is recorded (RegradeChange: the
attempt's question, old and new version, fraction, mark and state) and nothing else is touched.
Then the regrade itself: the same, written; each changed attempt is totalled again by core's
`attempt_regrade_totals`, which grades the person's quiz again and tells learning (completion)
and the gradebook. Marks given by hand (essays, overrides) are kept, as Moodle keeps them.

Small quizzes are regraded within the request; larger ones (more than IN_REQUEST finished
attempts) by a task after the run is committed, BATCH attempts to a transaction, the run's
`attempts_regraded` counting progress for the page. A task that fails records why in the audit
log (assessment.quiz.regrade.fail); the attempts of the batches before it stay regraded, and
running the regrade again finishes the rest (an attempt already regraded has nothing to change).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django_tasks import task

from bluelamp.assessment.banks.models import Question, QuestionVersion
from bluelamp.assessment.quizzes import marking
from bluelamp.assessment.quizzes import services as core
from bluelamp.assessment.quizzes.models import Attempt, AttemptQuestion, Quiz, RegradeChange, RegradeRun
from bluelamp.assessment.quizzes.questions import question_of
from bluelamp.assessment.shared.access import may_set_up
from bluelamp.audit.api import AuditEvent, audit_record

logger = logging.getLogger(__name__)

IN_REQUEST = 200  # finished attempts regraded within the request; more go to a task
BATCH = 200  # attempts per transaction
State = AttemptQuestion.State
KEPT = (State.MANUAL, State.INFO)  # marked by hand, or text only: never re-marked


def finished_attempts(quiz: Quiz) -> QuerySet[Attempt]:
    return Attempt.objects.filter(quiz=quiz, preview=False, state=Attempt.State.FINISHED)


# --- which versions can move ----------------------------------------------------------------------


def incompatibility(old, new) -> str:
    """Why an answer to `old` (a neutral question) cannot be read as an answer to `new` ("" when
    it can): the response names answers, sub-questions, items and gaps by their place."""
    if old.type != new.type:
        return f"its type changed from {old.type} to {new.type}"
    kind = old.type
    if kind == "multichoice":
        if old.single != new.single:
            return "it changed between one answer and several"
        if len(old.answers) != len(new.answers):
            return f"it has {len(new.answers)} answers now, {len(old.answers)} before"
    if kind == "matching":
        before = [i for i, _ in marking.stems(old)]
        after = [i for i, _ in marking.stems(new)]
        if before != after:
            return f"it has {len(after)} sub-questions now, {len(before)} before"
    if kind == "ordering" and len(old.items) != len(new.items):
        return f"it has {len(new.items)} items now, {len(old.items)} before"
    if kind == "gapselect":
        if len(marking.gaps(old)) != len(marking.gaps(new)):
            return f"it has {len(marking.gaps(new))} gaps now, {len(marking.gaps(old))} before"
        if len(old.choices) != len(new.choices):
            return f"it has {len(new.choices)} choices now, {len(old.choices)} before"
    return ""


@dataclass(frozen=True)
class VersionMove:
    """The answers of one slot on one version, and the version they would move to."""

    slot_number: int
    old: QuestionVersion
    new: QuestionVersion | None  # None: already the latest
    answers: int  # answers in finished attempts on `old`
    problem: str  # why they cannot move ("" when they can)

    @property
    def moves(self) -> bool:
        return self.new is not None and not self.problem


def version_moves(quiz: Quiz) -> list[VersionMove]:
    """For each slot and version seen in the quiz's finished attempts: the question's latest
    version, and whether the answers can move to it."""
    rows = (
        AttemptQuestion.objects.filter(
            attempt__quiz=quiz, attempt__preview=False, attempt__state=Attempt.State.FINISHED
        )
        .order_by()
        .values_list("slot_number", "question_version_id")
        .annotate(n=Count("pk"))
    )
    counted = list(rows)
    versions = QuestionVersion.objects.select_related("question").in_bulk({v for _s, v, _n in counted})
    currents = dict(
        Question.objects.filter(pk__in={v.question_id for v in versions.values()}).values_list(
            "pk", "current_id"
        )
    )
    latest = QuestionVersion.objects.in_bulk({c for c in currents.values() if c})
    moves = []
    for slot_number, version_id, n in sorted(counted, key=lambda r: (r[0], versions[r[1]].number)):
        old = versions[version_id]
        current = latest.get(currents.get(old.question_id))
        if current is None or current.pk == old.pk:
            moves.append(VersionMove(slot_number, old, None, n, ""))
            continue
        problem = incompatibility(question_of(old), question_of(current))
        moves.append(VersionMove(slot_number, old, current, n, problem))
    return moves


# --- starting a run ----------------------------------------------------------------------------


def regrade_start(
    *,
    actor,
    quiz: Quiz,
    to_latest_version: bool,
    slots: Iterable[int] = (),
    dry_run: bool = True,
    at: dt.datetime | None = None,
) -> RegradeRun:
    """Record a regrade (or a dry run) of the quiz's finished attempts, for the slots named
    (none: every slot), and run it: now for a small quiz, else by a task once committed."""
    if not may_set_up(actor, quiz.course):
        raise PermissionDenied("You cannot regrade this quiz.")
    at = at or timezone.now()
    chosen = sorted({int(s) for s in slots})
    known = set(
        AttemptQuestion.objects.filter(attempt__quiz=quiz, attempt__preview=False)
        .order_by()
        .values_list("slot_number", flat=True)
        .distinct()
    )
    unknown = [s for s in chosen if s not in known]
    if unknown:
        raise ValidationError(
            {
                "slots": f"No attempt has question {', '.join(map(str, unknown))}: choose from "
                f"{', '.join(map(str, sorted(known))) or 'none (no attempts yet)'}"
            }
        )
    total = finished_attempts(quiz).count()
    if not total:
        raise ValidationError("Nobody has finished this quiz yet: there is nothing to regrade.")
    with transaction.atomic():
        run = RegradeRun.objects.create(
            quiz=quiz,
            started_by=actor,
            started_at=at,
            dry_run=dry_run,
            to_latest_version=to_latest_version,
            question_filter={"slots": chosen} if chosen else {},
        )
        audit_record(
            actor=actor,
            action="assessment.quiz.regrade.start",
            organisation=quiz.course.owner,
            obj=quiz,
            object_label=f"{quiz.title}: {describe(run)}",
            after={"run": str(run.uuid), "attempts": total, **_options(run)},
        )
        if total > IN_REQUEST:
            run_id = run.pk
            transaction.on_commit(lambda: regrade_task.enqueue(run_id))
    if total <= IN_REQUEST:
        regrade_run(run.pk, at=at)
        run.refresh_from_db()
    return run


def _options(run: RegradeRun) -> dict[str, Any]:
    return {
        "dry_run": run.dry_run,
        "to_latest_version": run.to_latest_version,
        "slots": (run.question_filter or {}).get("slots", []),
    }


def describe(run: RegradeRun) -> str:
    """The run in words: "a dry run of moving questions 1, 3 to their latest version"."""
    slots = (run.question_filter or {}).get("slots") or []
    which = f"questions {', '.join(map(str, slots))}" if slots else "every question"
    how = "moving " + which + " to their latest version" if run.to_latest_version else "re-marking " + which
    return ("a dry run of " if run.dry_run else "a regrade ") + how


# --- the run ---------------------------------------------------------------------------------------


@task()
def regrade_task(run_id: int) -> int:
    """A regrade too large for the request (regrade_start enqueues it once the run is committed)."""
    return regrade_run(run_id).questions_changed


def regrade_run(run_id: int, *, at: dt.datetime | None = None) -> RegradeRun:
    """Regrade (or dry-run) the run's attempts, BATCH to a transaction; returns the run, finished."""
    run = RegradeRun.objects.select_related("quiz", "quiz__course", "quiz__course__owner", "started_by").get(
        pk=run_id
    )
    if run.finished_at is not None:
        return run
    at = at or timezone.now()
    quiz = run.quiz
    slots = set((run.question_filter or {}).get("slots") or [])
    moves = (
        {(m.slot_number, m.old.pk): m.new for m in version_moves(quiz) if m.moves}
        if run.to_latest_version
        else {}
    )
    ids = list(finished_attempts(quiz).order_by("pk").values_list("pk", flat=True))
    done = run.attempts_regraded  # a run picked up again continues where it stopped
    try:
        for first in range(done, len(ids), BATCH):
            batch = ids[first : first + BATCH]
            with transaction.atomic():
                changed = _regrade_batch(run, batch, slots, moves, at)
                run.attempts_regraded = first + len(batch)
                run.questions_changed += changed
                run.save(update_fields=["attempts_regraded", "questions_changed"])
    except Exception as error:
        logger.exception("Regrade %s of quiz %s stopped", run.uuid, quiz.pk)
        with transaction.atomic():
            audit_record(
                actor=run.started_by,
                action="assessment.quiz.regrade.fail",
                organisation=quiz.course.owner,
                obj=run,
                object_label=f"{quiz.title}: {describe(run)}",
                after={"attempts_regraded": run.attempts_regraded, "error": str(error)[:500]},
            )
        raise
    with transaction.atomic():
        run.finished_at = timezone.now() if at is None else max(at, run.started_at)
        run.save(update_fields=["finished_at"])
        audit_record(
            actor=run.started_by,
            action="assessment.quiz.regrade.finish",
            organisation=quiz.course.owner,
            obj=quiz,
            object_label=f"{quiz.title}: {describe(run)}",
            after={
                "run": str(run.uuid),
                "attempts": run.attempts_regraded,
                "questions_changed": run.questions_changed,
                **_options(run),
            },
        )
    return run


def _regrade_batch(
    run: RegradeRun,
    attempt_ids: list[int],
    slots: set[int],
    moves: dict[tuple[int, int], QuestionVersion | None],
    at: dt.datetime,
) -> int:
    rows = AttemptQuestion.objects.filter(attempt_id__in=attempt_ids).exclude(state__in=KEPT)
    if slots:
        rows = rows.filter(slot_number__in=slots)
    rows = rows.select_related("question_version").order_by("attempt_id", "position")
    changes: list[RegradeChange] = []
    updated: list[AttemptQuestion] = []
    attempts: set[int] = set()
    for row in rows:
        old_version = row.question_version
        new_version = moves.get((row.slot_number, old_version.pk)) or old_version
        outcome = marking.grade(question_of(new_version), row.response)
        fraction = outcome.fraction
        mark = marking.scored(fraction, row.max_mark)
        state = outcome.state
        if (
            new_version.pk == old_version.pk
            and fraction == row.fraction
            and mark == row.mark
            and state == row.state
        ):
            continue
        changes.append(
            RegradeChange(
                run=run,
                attempt_question=row,
                old_version=old_version,
                new_version=new_version,
                old_fraction=row.fraction,
                new_fraction=fraction,
                old_mark=row.mark,
                new_mark=mark,
                old_state=row.state,
                new_state=state,
            )
        )
        if not run.dry_run:
            row.question_version = new_version
            row.fraction, row.mark, row.state = fraction, mark, state
            updated.append(row)
            attempts.add(row.attempt_id)
    RegradeChange.objects.bulk_create(changes)
    if updated:
        AttemptQuestion.objects.bulk_update(updated, ["question_version", "fraction", "mark", "state"])
        for attempt in Attempt.objects.filter(pk__in=attempts).order_by("pk"):
            core.attempt_regrade_totals(attempt, at=at)
    return len(changes)


# --- reading runs ------------------------------------------------------------------------------------


def runs_of(quiz: Quiz) -> QuerySet[RegradeRun]:
    return RegradeRun.objects.filter(quiz=quiz).select_related("started_by").order_by("-started_at", "-pk")


def access_run(quiz: Quiz, run_uuid) -> RegradeRun:
    from django.http import Http404

    run = runs_of(quiz).filter(uuid=run_uuid).first()
    if run is None:
        raise Http404("No such regrade")
    return run


def changes_of(run: RegradeRun) -> QuerySet[RegradeChange]:
    return (
        RegradeChange.objects.filter(run=run)
        .select_related(
            "attempt_question",
            "attempt_question__attempt",
            "attempt_question__attempt__person",
            "old_version",
            "new_version",
        )
        .order_by("attempt_question__attempt__person__last_name", "attempt_question__attempt_id", "pk")
    )


def failure_of(run: RegradeRun) -> str:
    """Why the run stopped ("" when it did not)."""
    if run.finished_at is not None:
        return ""
    event = (
        AuditEvent.objects.filter(
            action="assessment.quiz.regrade.fail",
            object_type=RegradeRun._meta.label_lower,
            object_id=str(run.pk),
        )
        .order_by("-occurred_at")
        .first()
    )
    return str((event.after or {}).get("error") or "it stopped") if event else ""
