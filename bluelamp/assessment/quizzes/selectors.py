"""Reads of quizzes, and the `access_*` helpers the pages and the API fetch through: each raises
Http404 for a thing that does not exist and for one that is not the reader's alike.

- Setting up (quiz, its questions, adjustments, preview): the course's managers
  (shared/access.py `may_set_up`).
- Taking: a person whose live enrolment on the course (learning's `live_enrolment`) is on a
  version holding an activity of kind "quiz" for the quiz; their own attempts only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.http import Http404

from bluelamp.assessment.quizzes.models import IMMEDIATELY_SECONDS, Adjustment, Attempt, Quiz, QuizSlot
from bluelamp.assessment.shared.access import may_set_up
from bluelamp.learning.api import Activity, Enrolment, courses_managed, live_enrolment

KIND = "quiz"


def _quiz(quiz_uuid) -> Quiz | None:
    try:
        return Quiz.objects.select_related("course", "course__owner").filter(uuid=quiz_uuid).first()
    except (ValueError, TypeError):
        return None


def access_quiz_to_set_up(actor, quiz_uuid) -> Quiz:
    """A quiz on a course the actor manages."""
    quiz = _quiz(quiz_uuid)
    if quiz is None or not may_set_up(actor, quiz.course):
        raise Http404("No such quiz")
    return quiz


def quizzes_set_up_by(actor) -> QuerySet[Quiz]:
    """Quizzes on the courses the actor manages."""
    return (
        Quiz.objects.filter(course__in=courses_managed(actor))
        .select_related("course")
        .order_by("course__title", "title", "pk")
    )


def quizzes_of_course(course) -> QuerySet[Quiz]:
    return Quiz.objects.filter(course=course).order_by("title", "pk")


def holds_quiz(version_id: int, quiz: Quiz) -> bool:
    return Activity.objects.filter(version_id=version_id, kind=KIND, target=str(quiz.uuid)).exists()


def learner_enrolment(person, quiz: Quiz) -> Enrolment | None:
    """The person's live enrolment on the quiz's course, if its version holds the quiz."""
    enrolment = live_enrolment(person, quiz.course)
    if enrolment is None or enrolment.status == Enrolment.Status.WITHDRAWN:
        return None
    return enrolment if holds_quiz(enrolment.version_id, quiz) else None


def access_quiz_to_take(person, quiz_uuid) -> tuple[Quiz, Enrolment]:
    quiz = _quiz(quiz_uuid)
    enrolment = learner_enrolment(person, quiz) if quiz is not None else None
    if quiz is None or enrolment is None:
        raise Http404("No such quiz")
    return quiz, enrolment


def access_own_attempt(person, attempt_uuid, *, for_update: bool = False) -> Attempt:
    """The person's own attempt (a preview only while they still manage the course)."""
    try:
        attempts = Attempt.objects.filter(uuid=attempt_uuid, person=person)
        if for_update:
            attempts = attempts.select_for_update(of=("self",))
        attempt = attempts.select_related("quiz", "quiz__course").first()
    except (ValueError, TypeError):
        attempt = None
    if attempt is None or (attempt.preview and not may_set_up(person, attempt.quiz.course)):
        raise Http404("No such attempt")
    return attempt


def adjustment_for(quiz: Quiz, person) -> Adjustment | None:
    """The adjustment in force for the person on the quiz."""
    return Adjustment.objects.filter(quiz=quiz, person=person, revoked_at__isnull=True).first()


def adjustments_of(quiz: Quiz) -> QuerySet[Adjustment]:
    return Adjustment.objects.filter(quiz=quiz).select_related("person", "granted_by", "revoked_by")


def slots_of(quiz: Quiz) -> QuerySet[QuizSlot]:
    return quiz.slots.select_related("question", "question__current", "category", "category__bank").order_by(
        "order"
    )


def attempts_of(quiz: Quiz, person, *, preview: bool = False) -> list[Attempt]:
    return list(Attempt.objects.filter(quiz=quiz, person=person, preview=preview).order_by("number"))


def attempts_allowed(quiz: Quiz, adjustment: Adjustment | None) -> int:
    """How many attempts the person may make in all (0: unlimited)."""
    if not quiz.attempts_allowed:
        return 0
    return quiz.attempts_allowed + (adjustment.extra_attempts if adjustment else 0)


def quiz_grade(quiz: Quiz, attempts: list[Attempt]) -> Decimal | None:
    """The person's quiz grade (a percentage) by the quiz's grading method, over their finished
    attempts in order; attempts still waiting for a marker count for none but their own place
    ("first" and "last" are None while that attempt waits; "highest" and "average" use the
    attempts already graded)."""
    finished = [a for a in attempts if a.state == Attempt.State.FINISHED and not a.preview]
    if not finished:
        return None
    graded = [a.grade for a in finished if a.grade is not None]
    method = quiz.grading_method
    if method == Quiz.GradingMethod.FIRST:
        return finished[0].grade
    if method == Quiz.GradingMethod.LAST:
        return finished[-1].grade
    if not graded:
        return None
    if method == Quiz.GradingMethod.AVERAGE:
        return (sum(graded, Decimal(0)) / len(graded)).quantize(Decimal("0.0001"))
    return max(graded)


def passed(quiz: Quiz, grade: Decimal | None) -> bool:
    return grade is not None and grade >= quiz.pass_mark


@dataclass(frozen=True)
class Review:
    """What the learner may see of a finished attempt now (the review matrix at this moment)."""

    when: str  # immediately, open, closed
    responses: bool
    marks: bool
    right_answers: bool
    feedback: bool
    general_feedback: bool


def review_now(attempt: Attempt, at: dt.datetime, *, quiz: Quiz | None = None) -> Review:
    """The review options in force for a finished attempt at `at`. A preview, and anyone
    managing the course, see everything (the caller decides who is looking)."""
    quiz = quiz or attempt.quiz
    if quiz.close_at is not None and at > quiz.close_at:
        when = "closed"
    elif attempt.submitted_at is not None and at <= attempt.submitted_at + dt.timedelta(
        seconds=IMMEDIATELY_SECONDS
    ):
        when = "immediately"
    else:
        when = "open"
    return Review(
        when=when,
        responses=quiz.review_allows("responses", when),
        marks=quiz.review_allows("marks", when),
        right_answers=quiz.review_allows("right_answers", when),
        feedback=quiz.review_allows("feedback", when),
        general_feedback=quiz.review_allows("general_feedback", when),
    )


FULL_REVIEW = Review("closed", True, True, True, True, True)


def overdue_attempts(at: dt.datetime) -> QuerySet[Attempt]:
    """Attempts in progress whose deadline (and grace) has passed."""
    from bluelamp.assessment.quizzes.timing import GRACE_SECONDS

    return Attempt.objects.filter(
        state=Attempt.State.IN_PROGRESS,
        deadline_at__isnull=False,
        deadline_at__lt=at - dt.timedelta(seconds=GRACE_SECONDS),
    ).order_by("deadline_at")


def open_problem(quiz: Quiz, at: dt.datetime) -> str:
    """Why the quiz cannot be started at `at` ("" when it can)."""
    from bluelamp.core.timefmt import format_datetime

    if quiz.open_at is not None and at < quiz.open_at:
        return f"This quiz opens on {format_datetime(quiz.open_at)}."
    if quiz.close_at is not None and at >= quiz.close_at:
        return f"This quiz closed on {format_datetime(quiz.close_at)}."
    return ""


def unmarked_q() -> Q:
    return Q(needs_marking=True, state=Attempt.State.FINISHED)
