"""Reading a quiz's results: who may, the attempts they may see, the quiz grade each learner has
by the quiz's grading method, the overview (counts, average, pass rate, distribution), the table of
learners × attempts with each question's mark, and one attempt in full for review.

Who may read results: markers (shared/access.py). The course's managers see everyone on it;
tutors and learning managers see the learners their role covers (`learners_q`), and only on
courses of an organisation their role touches or of the national body (a tutor of Essex has no
business with a Kent course, even one with no Essex learner on it). Anyone else: "not found".
Previews (a manager trying the quiz) are never results.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from bluelamp.assessment.banks.models import QuestionVersion
from bluelamp.assessment.quizzes import marking, selectors
from bluelamp.assessment.quizzes.models import Attempt, AttemptQuestion, Quiz, QuizSlot
from bluelamp.assessment.quizzes.questions import question_of, questions_by_version
from bluelamp.assessment.shared.access import learners_q, may_mark, may_set_up
from bluelamp.organisations.api import Perm, access_for, national_body_ids

# The filters of the results table (key → words), in the order they are offered.
FILTERS: dict[str, str] = {
    "all": "All attempts",
    "finished": "Finished",
    "in_progress": "In progress",
    "needs_marking": "Waiting for marking",
    "passed": "Passed",
    "failed": "Failed",
}
BANDS = 10  # the grade distribution: 0–10%, 10–20% … 90–100%

Grade = Decimal


# --- who may read -----------------------------------------------------------------------------------


def _national_ids() -> set[int]:
    return set(national_body_ids())


def _markers_access(actor):
    return [
        access
        for access in (access_for(actor, Perm.LEARNING_TUTOR), access_for(actor, Perm.LEARNING_MANAGE))
        if access.anything
    ]


def may_read_any(actor) -> bool:
    """The actor marks somewhere (the marking queue is theirs to see, empty or not)."""
    return bool(_markers_access(actor))


def may_read_results(actor, course) -> bool:
    """The actor may read some results of the course's quizzes (module docstring)."""
    if may_set_up(actor, course):
        return True
    accesses = _markers_access(actor)
    if not accesses:
        return False
    if any(access.national for access in accesses):
        return True
    if course.owner_id in _national_ids():
        return True
    return any(access.touches_organisation(course.owner_id) for access in accesses)


def quizzes_readable_q(actor, prefix: str = "") -> Q:
    """A filter for quizzes (or rows with a quiz at `prefix`, e.g. "attempt__quiz__") whose
    results the actor may read, the same rule as `may_read_results`."""
    manage = access_for(actor, Perm.LEARNING_MANAGE)
    accesses = _markers_access(actor)
    if any(access.national for access in accesses):
        return Q()
    if not accesses:
        return Q(pk__in=[])
    touched: set[int] = set(_national_ids())
    for access in accesses:
        touched |= access.organisation_ids_touched() or set()
    q = Q(**{f"{prefix}course__owner_id__in": touched})
    if manage.organisation_ids:
        q |= Q(**{f"{prefix}course__owner_id__in": manage.organisation_ids})
    return q


def marked_people_q(actor, prefix: str = "attempt__") -> Q:
    """A filter for rows with an attempt at `prefix` whose learner the actor may mark, across
    courses: everyone on the courses they manage, else the people their roles cover."""
    manage = access_for(actor, Perm.LEARNING_MANAGE)
    if manage.national:
        return Q()
    q = Q(pk__in=[])
    if manage.organisation_ids:
        q |= Q(**{f"{prefix}quiz__course__owner_id__in": manage.organisation_ids})
    for access in _markers_access(actor):
        q |= access.people_q(f"{prefix}person__")
    return q & quizzes_readable_q(actor, f"{prefix}quiz__")


def access_quiz_results(actor, quiz_uuid) -> Quiz:
    """The quiz, if the actor may read its results; else 404 (as for a quiz that does not exist)."""
    quiz = Quiz.objects.select_related("course", "course__owner").filter(uuid=quiz_uuid).first()
    if quiz is None or not may_read_results(actor, quiz.course):
        raise Http404("No such quiz")
    return quiz


def attempts_visible(actor, quiz: Quiz) -> QuerySet[Attempt]:
    """The quiz's attempts (previews aside) of the learners the actor may mark."""
    return Attempt.objects.filter(quiz=quiz, preview=False).filter(learners_q(actor, quiz.course))


def access_attempt_results(actor, quiz: Quiz, attempt_uuid) -> Attempt:
    attempt = (
        attempts_visible(actor, quiz)
        .select_related("person", "quiz", "quiz__course")
        .filter(uuid=attempt_uuid)
        .first()
    )
    if attempt is None:
        raise Http404("No such attempt")
    return attempt


# --- grades -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Graded:
    """What core's `selectors.quiz_grade` reads of a finished attempt."""

    grade: Decimal | None
    state: str = Attempt.State.FINISHED
    preview: bool = False


def learner_grades(attempts: QuerySet[Attempt], quiz: Quiz) -> dict[int, Decimal | None]:
    """Each learner's quiz grade (person id → grade) from their finished attempts, by the quiz's
    grading method: core's `selectors.quiz_grade`, the rule the gradebook and learning get."""
    by_person: dict[int, list[_Graded]] = defaultdict(list)
    finished = attempts.filter(state=Attempt.State.FINISHED).order_by("person_id", "number")
    for person_id, grade in finished.values_list("person_id", "grade"):
        by_person[person_id].append(_Graded(grade))
    return {person_id: selectors.quiz_grade(quiz, graded) for person_id, graded in by_person.items()}  # type: ignore[arg-type]


def attempt_passed(attempt: Attempt, quiz: Quiz | None = None) -> bool | None:
    """Whether a finished attempt's grade reaches the pass mark (None: not finished, or waiting
    for a marker)."""
    if attempt.state != Attempt.State.FINISHED or attempt.grade is None:
        return None
    return selectors.passed(quiz or attempt.quiz, attempt.grade)


def band_of(grade: Decimal) -> int:
    """The distribution band (0…BANDS-1) of a percentage; 100% is in the top band."""
    return min(BANDS - 1, max(0, int(grade // (Decimal(100) / BANDS))))


def band_label(band: int) -> str:
    width = 100 // BANDS
    low, high = band * width, (band + 1) * width
    return f"{low}–{high}%"


@dataclass
class Overview:
    attempts: int = 0
    finished: int = 0
    in_progress: int = 0
    abandoned: int = 0
    needs_marking: int = 0  # finished attempts with an answer waiting for a marker
    learners: int = 0  # people with at least one attempt
    graded_learners: int = 0  # people with a quiz grade
    average_grade: Decimal | None = None  # of the learners' quiz grades
    passed: int = 0
    failed: int = 0
    # For each band: (label, passed, failed) counts of learners' quiz grades.
    distribution: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def pass_rate(self) -> Decimal | None:
        if not self.graded_learners:
            return None
        return (Decimal(100) * self.passed / self.graded_learners).quantize(Decimal("0.1"), ROUND_HALF_UP)


def overview(actor, quiz: Quiz) -> Overview:
    """Counts, the average quiz grade, the pass rate and the distribution of learners' quiz
    grades (by the grading method), over the attempts the actor may see."""
    attempts = attempts_visible(actor, quiz)
    result = Overview()
    counts = dict(attempts.order_by().values_list("state").annotate(n=Count("pk")))
    result.finished = counts.get(Attempt.State.FINISHED, 0)
    result.in_progress = counts.get(Attempt.State.IN_PROGRESS, 0)
    result.abandoned = counts.get(Attempt.State.ABANDONED, 0)
    result.attempts = sum(counts.values())
    result.needs_marking = attempts.filter(state=Attempt.State.FINISHED, needs_marking=True).count()
    result.learners = attempts.order_by().values("person_id").distinct().count()
    grades = {p: g for p, g in learner_grades(attempts, quiz).items() if g is not None}
    result.graded_learners = len(grades)
    passed_by_band = [0] * BANDS
    failed_by_band = [0] * BANDS
    for grade in grades.values():
        if grade >= quiz.pass_mark:
            result.passed += 1
            passed_by_band[band_of(grade)] += 1
        else:
            result.failed += 1
            failed_by_band[band_of(grade)] += 1
    if grades:
        result.average_grade = (sum(grades.values(), Decimal(0)) / len(grades)).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )
    result.distribution = [(band_label(b), passed_by_band[b], failed_by_band[b]) for b in range(BANDS)]
    return result


# --- the table of attempts ------------------------------------------------------------------------------


def filter_attempts(attempts: QuerySet[Attempt], quiz: Quiz, key: str) -> QuerySet[Attempt]:
    """`key` is one of FILTERS (anything else: all)."""
    finished = attempts.filter(state=Attempt.State.FINISHED)
    if key == "finished":
        return finished
    if key == "in_progress":
        return attempts.filter(state=Attempt.State.IN_PROGRESS)
    if key == "needs_marking":
        return finished.filter(needs_marking=True)
    if key == "passed":
        return finished.filter(grade__gte=quiz.pass_mark)
    if key == "failed":
        return finished.filter(grade__lt=quiz.pass_mark)
    return attempts


@dataclass(frozen=True)
class Column:
    """A question column of the results table: the slot's number when drawn."""

    slot_number: int
    label: str  # "Q1"
    title: str  # the question's name, or "Random question from <category>"
    max_mark: Decimal | None


def columns(quiz: Quiz) -> list[Column]:
    """The quiz's slots as columns, and any slot number attempts drew that the quiz no longer has
    (a slot removed after attempts were made keeps its column)."""
    slots = list(QuizSlot.objects.filter(quiz=quiz).select_related("question", "category").order_by("order"))
    by_number = {s.order: s for s in slots}
    drawn = set(
        AttemptQuestion.objects.filter(attempt__quiz=quiz, attempt__preview=False)
        .order_by()
        .values_list("slot_number", flat=True)
        .distinct()
    )
    result = []
    for number in sorted(set(by_number) | drawn):
        slot = by_number.get(number)
        if slot is None:
            title = "A question no longer in the quiz"
        elif slot.question is not None:
            title = slot.question.name
        else:
            title = f"Random question from {slot.category.path if slot.category else 'a category'}"
        result.append(Column(number, f"Q{number}", title, slot.mark if slot is not None else None))
    return result


@dataclass
class ResultRow:
    attempt: Attempt
    time_taken: dt.timedelta | None
    passed: bool | None
    marks: dict[int, AttemptQuestion] = field(default_factory=dict)  # slot number → question


def result_rows(quiz: Quiz, attempts: Iterable[Attempt]) -> list[ResultRow]:
    """Rows for these attempts (a page of them), each with its questions' marks: one query for
    the marks of all of them."""
    attempts = list(attempts)
    rows = {a.pk: ResultRow(a, time_taken(a), attempt_passed(a, quiz)) for a in attempts}
    questions = (
        AttemptQuestion.objects.filter(attempt_id__in=list(rows))
        .only("attempt_id", "slot_number", "mark", "max_mark", "state", "fraction")
        .order_by()
    )
    for question in questions:
        rows[question.attempt_id].marks[question.slot_number] = question
    return [rows[a.pk] for a in attempts]


def time_taken(attempt: Attempt) -> dt.timedelta | None:
    if attempt.submitted_at is None:
        return None
    return attempt.submitted_at - attempt.started_at


def duration_words(delta: dt.timedelta | None) -> str:
    """ "1 hour 5 minutes", "12 minutes 30 seconds", "45 seconds"."""
    if delta is None:
        return ""
    seconds = max(0, int(delta.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    if seconds and not hours:
        parts.append(f"{seconds} second{'s' if seconds != 1 else ''}")
    return " ".join(parts) or "0 seconds"


def ordered_attempts(attempts: QuerySet[Attempt]) -> QuerySet[Attempt]:
    return attempts.select_related("person").order_by(
        "person__last_name", "person__first_name", "person_id", "number"
    )


def number_words(value: Decimal | None, places: int = 2) -> str:
    """A mark or grade without trailing zeros: 2.5000 → "2.5", 3.0000 → "3"."""
    if value is None:
        return ""
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP).normalize()
    return f"{rounded:f}"


# --- one attempt in full -----------------------------------------------------------------------------


@dataclass
class ReviewItem:
    question: AttemptQuestion
    content: Any  # the neutral Question of the version seen
    version: QuestionVersion
    response_words: str
    right_answer: str
    feedback: tuple[str, ...]
    notes: tuple[str, ...]
    word_count: int | None  # essays


def review_items(attempt: Attempt) -> list[ReviewItem]:
    """Every question of the attempt, in the order the learner saw them, with their response in
    words, the right answer, the feedback the marking engine gives and the marker's comment."""
    questions = (
        AttemptQuestion.objects.filter(attempt=attempt)
        .select_related("question_version", "question_version__question", "marked_by")
        .order_by("position")
    )
    items = []
    for question in questions:
        content = question_of(question.question_version)
        outcome = marking.grade(content, question.response)
        text = question.response.get("text") if isinstance(question.response, dict) else None
        items.append(
            ReviewItem(
                question=question,
                content=content,
                version=question.question_version,
                response_words=marking.summarise(content, question.response),
                right_answer=marking.right_answer(content),
                feedback=outcome.feedback,
                notes=outcome.notes,
                word_count=marking.word_count(text or "") if content.type == "essay" else None,
            )
        )
    return items


def responses_of(
    attempts: Sequence[Attempt],
) -> list[tuple[Attempt, dict[int, tuple[str, str, str, Decimal | None]]]]:
    """For each attempt (a chunk of an export), each question by slot number: the question's name,
    the response and the right answer in words, and the mark. One query for the chunk's questions;
    each version decoded once (questions.py keeps them)."""
    rows = list(
        AttemptQuestion.objects.filter(attempt_id__in=[a.pk for a in attempts])
        .select_related("question_version")
        .defer("question_version__data")
        .order_by("attempt_id", "position")
    )
    contents = questions_by_version({(r.question_version_id, r.question_version.fingerprint) for r in rows})
    by_attempt: dict[int, dict[int, tuple[str, str, str, Decimal | None]]] = defaultdict(dict)
    for row in rows:
        content = contents[row.question_version_id]
        by_attempt[row.attempt_id][row.slot_number] = (
            row.question_version.name,
            marking.summarise(content, row.response),
            marking.right_answer(content),
            row.mark,
        )
    return [(a, by_attempt.get(a.pk, {})) for a in attempts]


def may_mark_attempt(actor, attempt: Attempt) -> bool:
    return may_mark(actor, learner=attempt.person, course=attempt.quiz.course)
