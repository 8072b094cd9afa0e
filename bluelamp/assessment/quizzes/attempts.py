"""Attempts: starting one (drawing random questions, shuffling, fixing the deadline), saving
answers (a page at a time, by the page's buttons or by autosave), finishing (by the learner, or
by the clock), automatic marking, and what follows grading (the quiz grade by its grading method,
the activity's result in learning, the gradebook).

The exam spike shapes this module: a start is a handful of queries (the quiz, the person's
enrolment and attempts, the slots, the random pools, one insert of the attempt and one bulk insert
of its questions); a save locks only the learner's own attempt row, reads that page's questions
and writes the changed ones in one statement. Decoded questions are cached (questions.py).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from bluelamp.assessment.banks.models import Category, Question
from bluelamp.assessment.gradebook.sink import grade_item_ensure, grade_record
from bluelamp.assessment.quizzes import marking, selectors, timing
from bluelamp.assessment.quizzes.models import Attempt, AttemptQuestion, Quiz, QuizSlot
from bluelamp.assessment.quizzes.questions import questions_by_version
from bluelamp.assessment.shared.access import may_mark, may_set_up
from bluelamp.audit.api import audit_record
from bluelamp.learning.api import activity_result

HUNDRED = Decimal(100)
State = AttemptQuestion.State


class AttemptRefused(ValidationError):
    """Starting or changing an attempt is not possible now (the message says why)."""


# --- starting ------------------------------------------------------------------------------------


def _pool_q(slot: QuizSlot) -> Q:
    category: Category = slot.category  # type: ignore[assignment]
    where = Q(category_id=category.pk)
    if slot.include_subcategories:
        where |= Q(category__bank_id=category.bank_id, category__path__startswith=category.path + " / ")
    return where


def random_pool(slot: QuizSlot) -> list[tuple[int, int]]:
    """(question id, current version id) of the questions a random slot may draw."""
    questions = Question.objects.filter(_pool_q(slot), hidden=False, current__isnull=False)
    for tag in slot.tags or []:
        questions = questions.filter(tags__name=tag)
    return list(questions.distinct().order_by("pk").values_list("pk", "current_id"))


def _draw(slots: list[QuizSlot], rng: random.Random) -> list[tuple[QuizSlot, int]]:
    """(slot, version id) for every slot: fixed ones their question's current version, random
    ones a question of their pool not already drawn in this attempt."""
    used = {slot.question_id for slot in slots if slot.question_id}
    pools: dict[tuple, list[tuple[int, int]]] = {}
    drawn: list[tuple[QuizSlot, int]] = []
    for slot in slots:
        if slot.question_id:
            question = slot.question
            if question is None or question.current_id is None:
                raise AttemptRefused(
                    f"Question {slot.order} of this quiz has no content. Tell the course's managers."
                )
            drawn.append((slot, question.current_id))
            continue
        key = (slot.category_id, slot.include_subcategories, tuple(sorted(slot.tags or [])))
        if key not in pools:
            pools[key] = random_pool(slot)
        free = [pair for pair in pools[key] if pair[0] not in used]
        if not free:
            raise AttemptRefused(
                f"Question {slot.order} of this quiz draws from a category without enough questions. "
                "Tell the course's managers."
            )
        question_id, version_id = rng.choice(free)
        used.add(question_id)
        drawn.append((slot, version_id))
    return drawn


@dataclass(frozen=True)
class StartCheck:
    """Whether the person may start (or continue) an attempt now, and the words why not."""

    in_progress: Attempt | None
    attempts: list[Attempt]
    allowed: int  # 0: unlimited
    problem: str

    @property
    def attempts_left(self) -> int | None:
        if not self.allowed:
            return None
        return max(0, self.allowed - len(self.attempts))


def start_check(quiz: Quiz, person, *, at: dt.datetime, preview: bool = False, adjustment=None) -> StartCheck:
    attempts = selectors.attempts_of(quiz, person, preview=preview)
    in_progress = next((a for a in attempts if a.state == Attempt.State.IN_PROGRESS), None)
    allowed = 0 if preview else selectors.attempts_allowed(quiz, adjustment)
    problem = ""
    if in_progress is None:
        if not preview:
            problem = selectors.open_problem(quiz, at)
        if not problem and allowed and len(attempts) >= allowed:
            problem = f"You have used all {allowed} of your attempts at this quiz."
        if not problem and not quiz.slots.exists():
            problem = "This quiz has no questions yet."
    return StartCheck(in_progress=in_progress, attempts=attempts, allowed=allowed, problem=problem)


def attempt_start(
    *, person, quiz: Quiz, enrolment=None, preview: bool = False, at: dt.datetime | None = None, rng=None
) -> Attempt:
    """Start the person's next attempt (or give back the one in progress). A preview is a course
    manager trying the quiz: kept apart, never graded into results. Refused (AttemptRefused)
    before the quiz opens, after it closes, and once the attempts allowed are used."""
    at = at or timezone.now()
    if preview:
        if not may_set_up(person, quiz.course):
            raise PermissionDenied("You cannot preview this quiz.")
        enrolment = None
    elif enrolment is None:
        raise PermissionDenied("Only learners on the course take its quiz.")
    adjustment = None if preview else selectors.adjustment_for(quiz, person)
    check = start_check(quiz, person, at=at, preview=preview, adjustment=adjustment)
    if check.in_progress is not None:
        return finish_if_overdue(check.in_progress, at=at)
    if check.problem:
        raise AttemptRefused(check.problem)
    rng = rng or random.Random()  # noqa: S311 - shuffling questions, not secrets
    slots = list(quiz.slots.select_related("question").order_by("order"))
    drawn = _draw(slots, rng)
    questions = questions_by_version(_fingerprints([version_id for _slot, version_id in drawn]))
    # Pages: the slots' pages numbered 1, 2, 3… in order; questions shuffled within a page.
    page_numbers = {page: n for n, page in enumerate(sorted({slot.page for slot in slots}), start=1)}
    by_page: dict[int, list[tuple[QuizSlot, int]]] = {}
    for slot, version_id in drawn:
        by_page.setdefault(page_numbers[slot.page], []).append((slot, version_id))
    extra = adjustment.extra_seconds(quiz.time_limit) if adjustment else 0
    attempt = Attempt(
        quiz=quiz,
        person=person,
        enrolment=enrolment,
        preview=preview,
        number=(max((a.number for a in check.attempts), default=0)) + 1,
        started_at=at,
        deadline_at=timing.deadline_for(
            started_at=at,
            time_limit=quiz.time_limit,
            extra_seconds=extra,
            close_at=None if preview else quiz.close_at,
        ),
        pages=max(1, len(by_page)),
        last_saved_at=at,
    )
    rows = []
    position = 0
    max_marks = Decimal(0)
    for page in sorted(by_page):
        entries = by_page[page]
        if quiz.shuffle_questions:
            rng.shuffle(entries)
        for slot, version_id in entries:
            position += 1
            question = questions[version_id]
            described = question.type == "description"
            mark = Decimal(0) if described else slot.mark
            max_marks += mark
            rows.append(
                AttemptQuestion(
                    slot=slot,
                    slot_number=slot.order,
                    position=position,
                    page=page,
                    question_version_id=version_id,
                    choice_order=marking.layout(question, rng),
                    max_mark=mark,
                    state=State.INFO if described else State.TODO,
                )
            )
    attempt.max_marks = max_marks
    try:
        with transaction.atomic():
            attempt.save()
            for row in rows:
                row.attempt = attempt
            AttemptQuestion.objects.bulk_create(rows)
            audit_record(
                actor=person,
                action="assessment.quiz.attempt.start",
                organisation=quiz.course.owner,
                obj=attempt,
                object_label=f"{quiz.title}: attempt {attempt.number}" + (" (preview)" if preview else ""),
                after={"deadline": attempt.deadline_at.isoformat() if attempt.deadline_at else None},
            )
            if not preview and attempt.number == 1:
                activity_result(
                    person=person, course=quiz.course, kind=selectors.KIND, target=str(quiz.uuid),
                    status="in_progress", at=at,
                )  # fmt: skip
    except IntegrityError:
        # A second "Start" at the same moment: the first one's attempt is the one.
        existing = Attempt.objects.filter(
            quiz=quiz, person=person, preview=preview, state=Attempt.State.IN_PROGRESS
        ).first()
        if existing is None:
            raise
        return existing
    return attempt


def _fingerprints(version_ids: list[int]) -> list[tuple[int, str]]:
    from bluelamp.assessment.banks.models import QuestionVersion

    return list(QuestionVersion.objects.filter(pk__in=set(version_ids)).values_list("pk", "fingerprint"))


# --- reading an attempt's questions -------------------------------------------------------------


def attempt_questions(attempt: Attempt, *, page: int | None = None) -> list[tuple[AttemptQuestion, Any]]:
    """The attempt's questions (of one page, or all) with their neutral questions, in order."""
    rows = AttemptQuestion.objects.filter(attempt=attempt).select_related("question_version")
    if page is not None:
        rows = rows.filter(page=page)
    rows = rows.defer("question_version__data").order_by("position")
    listed = list(rows)
    questions = questions_by_version(
        {(r.question_version_id, r.question_version.fingerprint) for r in listed}
    )
    return [(row, questions[row.question_version_id]) for row in listed]


# --- saving --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Saved:
    attempt: Attempt
    changed: int  # how many answers changed
    finished: bool  # the deadline had passed: the attempt is finished now


def attempt_save(
    *,
    person,
    attempt,
    page: int,
    read: Callable[[Any, AttemptQuestion], dict] | Mapping[int, dict],
    sequence: int = 0,
    current_page: int | None = None,
    at: dt.datetime | None = None,
) -> Saved:
    """Keep the responses given on `page` of `attempt` (an Attempt or its uuid; the person's own):
    `read(question, row)` gives each question's response
    from the request (or a mapping of slot number → response). Refused after the deadline and
    its grace: the attempt is finished instead, with the answers saved before then. A save whose
    `sequence` (the page's counter; 0 without JavaScript) is older than the one a question holds
    leaves that question as it is: an autosave overtaken by a newer save."""
    at = at or timezone.now()
    if isinstance(read, Mapping):
        given = read

        def read(question, row):
            return given.get(row.slot_number, row.response)

    with transaction.atomic():
        attempt = selectors.access_own_attempt(person, getattr(attempt, "uuid", attempt), for_update=True)
        if attempt.state != Attempt.State.IN_PROGRESS:
            return Saved(attempt, 0, attempt.state == Attempt.State.FINISHED)
        if timing.is_past(attempt.deadline_at, at):
            _finish(attempt, at=at, by_timer=True)
            return Saved(attempt, 0, True)
        if not 1 <= page <= attempt.pages:
            raise AttemptRefused(
                f"“{page}” is not a page of this attempt: it has pages 1 to {attempt.pages}."
            )
        if attempt.quiz.navigation == Quiz.Navigation.SEQUENTIAL and page != attempt.current_page:
            raise AttemptRefused("That page is behind you: answers there can no longer change.")
        changed, written = 0, []
        for row, question in attempt_questions(attempt, page=page):
            if question.type == "description":
                continue
            if sequence and row.sequence and sequence < row.sequence:
                continue
            response = read(question, row)
            if response == row.response:
                if sequence > row.sequence:
                    row.sequence = sequence
                    written.append(row)
                continue
            row.response = response
            row.sequence = max(row.sequence, sequence)
            row.saved_at = at
            row.state = State.TODO if marking.is_blank(question, response) else State.COMPLETE
            written.append(row)
            changed += 1
        if written:
            AttemptQuestion.objects.bulk_update(written, ["response", "sequence", "saved_at", "state"])
        fields: dict[str, Any] = {"last_saved_at": at}
        if current_page is not None and 1 <= current_page <= attempt.pages:
            fields["current_page"] = current_page
            attempt.current_page = current_page
        Attempt.objects.filter(pk=attempt.pk).update(**fields)
        attempt.last_saved_at = at
        if timing.is_past(attempt.deadline_at, at, grace=False):
            # Saved within the grace: the time is up, so the attempt is handed in with them.
            _finish(attempt, at=at, by_timer=True)
            return Saved(attempt, changed, True)
    return Saved(attempt, changed, False)


# --- finishing and marking -----------------------------------------------------------------------


def finish_if_overdue(attempt: Attempt, *, at: dt.datetime) -> Attempt:
    """Any request that touches an attempt past its deadline finishes it first."""
    if attempt.state == Attempt.State.IN_PROGRESS and timing.is_past(attempt.deadline_at, at):
        with transaction.atomic():
            locked = Attempt.objects.select_for_update(of=("self",)).select_related("quiz", "quiz__course")
            fresh = locked.get(pk=attempt.pk)
            if fresh.state == Attempt.State.IN_PROGRESS:
                _finish(fresh, at=at, by_timer=True)
            return fresh
    return attempt


def attempt_submit(
    *, person, attempt: Attempt, at: dt.datetime | None = None, timer: bool = False
) -> Attempt:
    """The learner's "Submit all and finish": mark what can be marked and grade the attempt.
    `timer`: the page's timer handed it in as time ran out (the page's clock, counting whole
    seconds, may do so a moment before the deadline): submitted by the timer all the same."""
    at = at or timezone.now()
    with transaction.atomic():
        attempt = selectors.access_own_attempt(person, attempt.uuid, for_update=True)
        if attempt.state != Attempt.State.IN_PROGRESS:
            return attempt
        _finish(attempt, at=at, by_timer=timer or timing.is_past(attempt.deadline_at, at, grace=False))
    return attempt


def _finish(attempt: Attempt, *, at: dt.datetime, by_timer: bool) -> None:
    """Mark every question automatically where possible, total, grade, and report. Call with the
    attempt locked, inside a transaction."""
    rows = attempt_questions(attempt)
    for row, question in rows:
        outcome = marking.grade(question, row.response)
        row.fraction = outcome.fraction
        row.mark = marking.scored(outcome.fraction, row.max_mark)
        row.state = outcome.state
    AttemptQuestion.objects.bulk_update([row for row, _q in rows], ["fraction", "mark", "state"])
    attempt.state = Attempt.State.FINISHED
    attempt.submitted_by_timer = by_timer
    attempt.submitted_at = min(at, attempt.deadline_at) if by_timer and attempt.deadline_at else at
    _total(attempt, [row for row, _q in rows])
    attempt.save(
        update_fields=["state", "submitted_by_timer", "submitted_at", "sum_marks", "grade", "needs_marking"]
    )
    audit_record(
        actor=attempt.person,
        action="assessment.quiz.attempt.finish",
        organisation=attempt.quiz.course.owner,
        obj=attempt,
        object_label=f"{attempt.quiz.title}: attempt {attempt.number}"
        + (" (preview)" if attempt.preview else ""),
        after={
            "by_timer": by_timer,
            "sum_marks": str(attempt.sum_marks),
            "grade": None if attempt.grade is None else str(attempt.grade),
            "needs_marking": attempt.needs_marking,
        },
    )
    if not attempt.preview:
        quiz_result_record(quiz=attempt.quiz, person=attempt.person, at=at)


def _total(attempt: Attempt, rows: list[AttemptQuestion]) -> None:
    attempt.needs_marking = any(row.state == State.NEEDS_GRADING for row in rows)
    attempt.sum_marks = marking.total([row.mark for row in rows])
    if attempt.needs_marking:
        attempt.grade = None
    elif attempt.max_marks > 0:
        attempt.grade = min(HUNDRED, attempt.sum_marks / attempt.max_marks * HUNDRED).quantize(
            Decimal("0.0001")
        )
    else:
        # Nothing to mark (text only): nothing to fail.
        attempt.grade = HUNDRED


def attempt_regrade_totals(attempt: Attempt, *, at: dt.datetime | None = None) -> Attempt:
    """Total a finished attempt again from its questions' marks (after a marker marked an essay,
    or a regrade changed marks), then grade the person's quiz again and report it."""
    at = at or timezone.now()
    with transaction.atomic():
        attempt = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("quiz", "quiz__course")
            .get(pk=attempt.pk)
        )
        rows = list(attempt.questions.all())
        attempt.max_marks = sum((row.max_mark for row in rows), Decimal(0))
        _total(attempt, rows)
        attempt.save(update_fields=["sum_marks", "max_marks", "grade", "needs_marking"])
        if attempt.state == Attempt.State.FINISHED and not attempt.preview:
            quiz_result_record(quiz=attempt.quiz, person=attempt.person, at=at)
    return attempt


def attempt_question_mark(
    *, actor, attempt_question: AttemptQuestion, mark, comment: str = "", at: dt.datetime | None = None
) -> AttemptQuestion:
    """A marker's mark (and comment) for one question of a finished attempt (an essay, or a mark
    overridden by hand): between 0 and the question's maximum. The attempt is totalled again and
    the person's quiz grade, the activity's result and the gradebook follow."""
    at = at or timezone.now()
    row = AttemptQuestion.objects.select_related(
        "attempt", "attempt__quiz", "attempt__quiz__course", "attempt__person"
    ).get(pk=attempt_question.pk)
    attempt = row.attempt
    if not may_mark(actor, learner=attempt.person, course=attempt.quiz.course):
        raise PermissionDenied("You cannot mark this attempt.")
    if attempt.state != Attempt.State.FINISHED:
        raise ValidationError("The attempt is still in progress: it can be marked once it is submitted.")
    try:
        value = Decimal(str(mark).strip())
    except Exception:  # noqa: BLE001 - any unreadable number is the same mistake
        raise ValidationError(
            {"mark": f"“{mark}” is not a number: give a mark from 0 to {row.max_mark.normalize():f}."}
        ) from None
    if not value.is_finite() or value < 0 or value > row.max_mark:
        raise ValidationError({"mark": f"The mark {value} is outside 0 to {row.max_mark.normalize():f}."})
    comment = (comment or "").strip()
    if len(comment) > 20000:
        raise ValidationError(
            {"comment": f"The comment is {len(comment)} characters long; use 20,000 or fewer."}
        )
    before = {"mark": None if row.mark is None else str(row.mark), "state": row.state}
    with transaction.atomic():
        row.mark = value.quantize(marking.MARK_PLACES)
        row.fraction = (
            (value / row.max_mark).quantize(marking.FRACTION_PLACES) if row.max_mark else Decimal(0)
        )
        row.state = State.MANUAL
        row.comment = comment
        row.marked_by = actor
        row.marked_at = at
        row.save(update_fields=["mark", "fraction", "state", "comment", "marked_by", "marked_at"])
        audit_record(
            actor=actor,
            action="assessment.quiz.question.mark",
            organisation=attempt.quiz.course.owner,
            obj=attempt,
            object_label=f"{attempt.quiz.title}: attempt {attempt.number}, question {row.position}",
            before=before,
            after={"mark": str(row.mark), "state": row.state},
        )
        attempt_regrade_totals(attempt, at=at)
    return row


# --- after grading: the quiz grade, learning and the gradebook ----------------------------------


def quiz_result_record(*, quiz: Quiz, person, at: dt.datetime | None = None) -> Decimal | None:
    """Grade the person's quiz by its grading method over their finished attempts, then report it:
    the activity in learning ("completed" once passed, "failed" below the pass mark,
    "in_progress" while the grade waits for a marker) and the grade in the gradebook (the
    percentage scaled to the quiz's maximum grade). Returns the quiz grade (a percentage)."""
    at = at or timezone.now()
    grade = selectors.quiz_grade(quiz, selectors.attempts_of(quiz, person))
    if grade is None:
        status = "in_progress"
    elif selectors.passed(quiz, grade):
        status = "completed"
    else:
        status = "failed"
    with transaction.atomic():
        activity_result(
            person=person, course=quiz.course, kind=selectors.KIND, target=str(quiz.uuid),
            status=status, score=grade, at=at,
        )  # fmt: skip
        item = grade_item_ensure(
            course=quiz.course,
            source="quiz",
            source_key=str(quiz.uuid),
            title=quiz.title,
            max_grade=quiz.max_grade,
            pass_grade=(quiz.pass_mark * quiz.max_grade / HUNDRED).quantize(Decimal("0.01")),
        )
        grade_record(
            item=item,
            person=person,
            grade=None if grade is None else (grade * quiz.max_grade / HUNDRED).quantize(Decimal("0.01")),
            at=at,
        )
    return grade


def quiz_results_refresh(*, quiz: Quiz, at: dt.datetime | None = None) -> int:
    """Report everyone's quiz grade again (after the grading method, pass mark or maximum grade
    changed). Returns how many people."""
    from django.contrib.auth import get_user_model

    at = at or timezone.now()
    people = Attempt.objects.filter(quiz=quiz, preview=False, state=Attempt.State.FINISHED).values("person")
    count = 0
    for person in get_user_model().objects.filter(pk__in=people).order_by("pk").iterator(chunk_size=500):
        quiz_result_record(quiz=quiz, person=person, at=at)
        count += 1
    return count


def attempts_finish_overdue(*, at: dt.datetime | None = None, limit: int = 500) -> int:
    """Finish attempts whose deadline (and grace) has passed: the frequent job. Each in its own
    transaction, skipping one another request is finishing at the same moment."""
    at = at or timezone.now()
    finished = 0
    for attempt_id in list(selectors.overdue_attempts(at).values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            attempt = (
                Attempt.objects.select_for_update(of=("self",), skip_locked=True)
                .select_related("quiz", "quiz__course", "person")
                .filter(pk=attempt_id, state=Attempt.State.IN_PROGRESS)
                .first()
            )
            if attempt is None:
                continue
            _finish(attempt, at=at, by_timer=True)
            if not attempt.preview:
                _tell_time_ran_out(attempt, at=at)
            finished += 1
    return finished


TIME_UP = "quizzes.time_up"


def _tell_time_ran_out(attempt: Attempt, *, at: dt.datetime) -> None:
    """The learner was not there when the job handed their attempt in: tell them (sent after the
    transaction commits; never twice for one attempt)."""
    from django.urls import reverse

    from bluelamp.core.timefmt import format_datetime
    from bluelamp.notifications.api import notify

    quiz = attempt.quiz
    notify(
        person=attempt.person,
        kind=TIME_UP,
        subject=f"Your attempt at {quiz.title} was submitted when time ran out",
        body=(
            f"Time ran out on attempt {attempt.number} at {format_datetime(attempt.deadline_at)}, so it was "
            "submitted with the answers saved by then."
        ),
        link=reverse("assessment:quiz_attempt_review", args=[attempt.uuid]),
        dedupe_key=f"quiz-time-up-{attempt.uuid}",
        at=at,
    )
