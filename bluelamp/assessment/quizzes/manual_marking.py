"""Marking by hand: the queue of essay answers waiting for a marker, the answers already marked
(which may be marked again), one answer with its neighbours in the queue, and saving a mark.

The mark itself goes through core's `attempts.attempt_question_mark` (the check of who may mark,
the range, the audit, the attempt totalled again and the quiz grade, learning and the gradebook
following). Here: who sees which answers (results.py's rule: markers, for the learners they may
mark), the order of the queue, and the words of a mark as typed ("2.5", "2,5").

An answer is named in addresses by its attempt's uuid and its slot number, never by a row id.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Count, Min, QuerySet
from django.http import Http404

from bluelamp.assessment.quizzes import services as core
from bluelamp.assessment.quizzes.models import Attempt, AttemptQuestion, Quiz
from bluelamp.assessment.quizzes.results import marked_people_q
from bluelamp.audit.api import AuditEvent

State = AttemptQuestion.State
MARK_DECIMALS = 2  # a marker's mark: "2.5", "3.75"; more places than that are a typing slip


def _essays(actor) -> QuerySet[AttemptQuestion]:
    """Essay answers of finished attempts (previews aside) of the learners the actor may mark."""
    return AttemptQuestion.objects.filter(
        marked_people_q(actor, "attempt__"),
        attempt__state=Attempt.State.FINISHED,
        attempt__preview=False,
        question_version__qtype="essay",
    )


@dataclass(frozen=True)
class QuizWaiting:
    quiz: Quiz
    waiting: int
    oldest: dt.datetime | None  # when the longest-waiting answer was submitted


def quizzes_waiting(actor) -> list[QuizWaiting]:
    """Quizzes with essay answers waiting for the actor (any learner they may mark), those
    waiting longest first."""
    rows = list(
        _essays(actor)
        .filter(state=State.NEEDS_GRADING)
        .order_by()
        .values("attempt__quiz_id")
        .annotate(waiting=Count("pk"), oldest=Min("attempt__submitted_at"))
    )
    quizzes = Quiz.objects.select_related("course").in_bulk([r["attempt__quiz_id"] for r in rows])
    listed = [QuizWaiting(quizzes[r["attempt__quiz_id"]], r["waiting"], r["oldest"]) for r in rows]
    far_future = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted(listed, key=lambda w: (w.oldest or far_future, w.quiz.title, w.quiz.pk))


def answers(actor, quiz: Quiz, *, marked: bool = False) -> QuerySet[AttemptQuestion]:
    """The quiz's essay answers waiting for a marker (or, `marked`, those marked by hand), in
    the queue's order: the attempt submitted first comes first, then its questions in order."""
    states = [State.MANUAL] if marked else [State.NEEDS_GRADING]
    return (
        _essays(actor)
        .filter(attempt__quiz=quiz, state__in=states)
        .select_related("attempt", "attempt__person", "question_version", "marked_by")
        .order_by("attempt__submitted_at", "attempt_id", "position")
    )


def queue_counts(actor, quiz: Quiz) -> dict[str, int]:
    counts = dict(
        _essays(actor)
        .filter(attempt__quiz=quiz, state__in=[State.NEEDS_GRADING, State.MANUAL])
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    return {"waiting": counts.get(State.NEEDS_GRADING, 0), "marked": counts.get(State.MANUAL, 0)}


def access_answer(actor, quiz: Quiz, attempt_uuid, slot_number: int) -> AttemptQuestion:
    """One question of a finished attempt that the actor may mark (any type with a mark: essays,
    and marks overridden by hand); else 404."""
    answer = (
        AttemptQuestion.objects.filter(
            marked_people_q(actor, "attempt__"),
            attempt__quiz=quiz,
            attempt__uuid=attempt_uuid,
            attempt__preview=False,
            slot_number=slot_number,
        )
        .select_related(
            "attempt",
            "attempt__person",
            "attempt__quiz",
            "attempt__quiz__course",
            "question_version",
            "marked_by",
        )
        .first()
    )
    if answer is None:
        raise Http404("No such answer")
    return answer


@dataclass(frozen=True)
class Neighbours:
    """Where an answer stands in the quiz's queue of essay answers (waiting and marked alike, in
    the queue's order), and the next one still waiting after it."""

    position: int | None  # 1-based; None: not an essay of the queue (an overridden mark)
    total: int
    previous: tuple[str, int] | None  # (attempt uuid, slot number)
    following: tuple[str, int] | None
    next_waiting: tuple[str, int] | None


def neighbours(actor, quiz: Quiz, answer: AttemptQuestion) -> Neighbours:
    keys = list(
        _essays(actor)
        .filter(attempt__quiz=quiz, state__in=[State.NEEDS_GRADING, State.MANUAL])
        .order_by("attempt__submitted_at", "attempt_id", "position")
        .values_list("pk", "attempt__uuid", "slot_number", "state")
    )
    index = next((i for i, key in enumerate(keys) if key[0] == answer.pk), None)

    def named(i: int) -> tuple[str, int]:
        return (str(keys[i][1]), keys[i][2])

    waiting = [i for i, key in enumerate(keys) if key[3] == State.NEEDS_GRADING and key[0] != answer.pk]
    after = [i for i in waiting if index is None or i > index]
    next_waiting = named((after or waiting)[0]) if waiting else None
    if index is None:
        return Neighbours(None, len(keys), None, None, next_waiting)
    return Neighbours(
        position=index + 1,
        total=len(keys),
        previous=named(index - 1) if index > 0 else None,
        following=named(index + 1) if index + 1 < len(keys) else None,
        next_waiting=next_waiting,
    )


def read_mark(text: str, max_mark: Decimal) -> Decimal:
    """A mark as a marker types it, checked: a number from 0 to the question's mark, at most
    two decimal places; a decimal comma is read as a point. ValidationError on `mark`."""
    most = f"{max_mark.normalize():f}"
    typed = (text or "").strip()
    if not typed:
        raise ValidationError({"mark": f"Enter a mark from 0 to {most}"})
    try:
        value = Decimal(typed.replace(",", ".") if typed.count(",") == 1 and "." not in typed else typed)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ValidationError(
            {"mark": f"“{typed}” is not a number: enter a mark from 0 to {most}, for example 2 or 2.5"}
        )
    if value < 0 or value > max_mark:
        raise ValidationError(
            {"mark": f"The mark {typed} is outside 0 to {most}: enter a mark from 0 to {most}"}
        )
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MARK_DECIMALS:
        raise ValidationError(
            {
                "mark": f"The mark {typed} has more than {MARK_DECIMALS} decimal places: round it, for example to 2.25"
            }
        )
    return value


def answer_mark(*, actor, answer: AttemptQuestion, mark: str, comment: str, at: dt.datetime | None = None):
    """Save a marker's mark and comment (core's service does the rest)."""
    value = read_mark(mark, answer.max_mark)
    return core.attempt_question_mark(
        actor=actor, attempt_question=answer, mark=value, comment=comment, at=at
    )


@dataclass(frozen=True)
class MarkEvent:
    at: dt.datetime
    by: str
    before: Decimal | None
    after: Decimal | None


def history(answer: AttemptQuestion) -> list[MarkEvent]:
    """Every mark given to this answer by hand, newest first (from the audit log: core records
    each against the attempt, naming the question by its position)."""
    events = AuditEvent.objects.filter(
        action="assessment.quiz.question.mark",
        object_type=Attempt._meta.label_lower,
        object_id=str(answer.attempt_id),
        object_label__endswith=f", question {answer.position}",
    ).order_by("-occurred_at", "-pk")
    return [
        MarkEvent(
            at=e.occurred_at,
            by=e.actor_label.split(" <")[0] or "system",
            before=_decimal((e.before or {}).get("mark")),
            after=_decimal((e.after or {}).get("mark")),
        )
        for e in events
    ]


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "", "None") else None
    except InvalidOperation:
        return None
