"""Data for the results part's tests: a Kent course with a quiz of a bank's questions, and
attempts made and marked as the marking engine marks them, at fixed dates.

Questions and banks go through the banks' services; attempts are written as the taking pages
leave them (each question marked by marking.grade, the attempt totalled by marking.total), so
these tests do not depend on the pages that take a quiz.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from bluelamp.assessment.banks import codec
from bluelamp.assessment.banks.models import QuestionVersion
from bluelamp.assessment.banks.services import bank_create, question_create
from bluelamp.assessment.formats.questions import Answer, MatchPair, NumericalAnswer
from bluelamp.assessment.formats.questions import Question as Content
from bluelamp.assessment.quizzes import marking
from bluelamp.assessment.quizzes.models import Attempt, AttemptQuestion, Quiz, QuizSlot

AT = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)


def multichoice(name="Capital", right="Paris", wrong=("Lyon", "Nice")) -> Content:
    return Content(
        type="multichoice",
        name=name,
        text=f"<p>{name}?</p>",
        answers=[Answer(right, Decimal(1), feedback="Yes.")]
        + [Answer(w, Decimal(0), feedback="No.") for w in wrong],
        general_feedback="General words.",
    )


def truefalse(name="Sky", correct=True) -> Content:
    return Content(type="truefalse", name=name, text=f"<p>{name} is blue?</p>", correct=correct)


def shortanswer(name="PACE", answer="Police and Criminal Evidence") -> Content:
    return Content(
        type="shortanswer",
        name=name,
        text=f"<p>What does {name} stand for?</p>",
        answers=[Answer(answer, Decimal(1)), Answer("Police*", Decimal("0.5"))],
    )


def numerical(name="Sum", value="4") -> Content:
    return Content(
        type="numerical",
        name=name,
        text="<p>2 + 2?</p>",
        numerical_answers=[NumericalAnswer(Decimal(value), Decimal(0), Decimal(1))],
    )


def matching(name="Pairs") -> Content:
    return Content(
        type="matching",
        name=name,
        text="<p>Match them.</p>",
        pairs=[MatchPair("Cat", "Meow"), MatchPair("Dog", "Woof"), MatchPair("", "Moo")],
    )


def essay(name="Reflect", max_words=None) -> Content:
    return Content(type="essay", name=name, text="<p>Write about your shift.</p>", max_words=max_words)


def make_bank(owner, actor, name="KENTONLY bank"):
    return bank_create(actor=actor, owner=owner, name=name, at=AT)


def make_quiz(course, bank, actor, contents, *, title="KENTONLY quiz", marks=None, **settings) -> Quiz:
    """A quiz on `course` with one fixed slot per content (made in `bank`), one page each."""
    quiz = Quiz.objects.create(
        course=course, title=title, created_by=actor, created_at=AT, updated_at=AT, **settings
    )
    for n, content in enumerate(contents, start=1):
        question = question_create(actor=actor, bank=bank, content=content, at=AT)
        QuizSlot.objects.create(
            quiz=quiz, order=n, page=n, question=question, mark=Decimal((marks or {}).get(n, 1))
        )
    return quiz


def make_attempt(
    quiz: Quiz,
    person,
    responses: dict[int, dict],
    *,
    number: int = 1,
    finished: bool = True,
    started: dt.datetime = AT,
    minutes: int = 12,
    enrolment=None,
    versions: dict[int, QuestionVersion] | None = None,
) -> Attempt:
    """An attempt with `responses` (slot order → response), marked by the engine; finished
    unless asked, `minutes` after it started."""
    slots = list(quiz.slots.select_related("question__current").order_by("order"))
    attempt = Attempt.objects.create(
        quiz=quiz,
        person=person,
        enrolment=enrolment,
        number=number,
        state=Attempt.State.FINISHED if finished else Attempt.State.IN_PROGRESS,
        started_at=started,
        submitted_at=started + dt.timedelta(minutes=minutes) if finished else None,
        pages=len(slots),
        max_marks=sum((s.mark for s in slots), Decimal(0)),
        last_saved_at=started + dt.timedelta(minutes=minutes),
    )
    marks: list[Decimal | None] = []
    waiting = False
    rng = random.Random(attempt.pk)
    for position, slot in enumerate(slots, start=1):
        version: QuestionVersion | None = (versions or {}).get(slot.order)
        if version is None:
            assert slot.question is not None and slot.question.current is not None
            version = slot.question.current
        content = codec.from_data(version.data)
        response = responses.get(slot.order, {})
        fraction: Decimal | None = None
        mark: Decimal | None = None
        state: str = AttemptQuestion.State.COMPLETE if response else AttemptQuestion.State.TODO
        if finished:
            outcome = marking.grade(content, response)
            fraction, state = outcome.fraction, outcome.state
            mark = marking.scored(fraction, slot.mark)
            waiting = waiting or outcome.needs_marking
        marks.append(mark)
        AttemptQuestion.objects.create(
            attempt=attempt,
            slot=slot,
            slot_number=slot.order,
            position=position,
            page=slot.page,
            question_version=version,
            choice_order=marking.layout(content, rng),
            response=response,
            saved_at=started + dt.timedelta(minutes=1),
            fraction=fraction,
            mark=mark,
            max_mark=slot.mark,
            state=state,
        )
    if finished:
        # As core's attempts._total: the sum always, the grade once nothing waits for a marker.
        total = marking.total(marks)
        attempt.needs_marking = waiting
        attempt.sum_marks = total
        if not waiting and attempt.max_marks:
            attempt.grade = (total / attempt.max_marks * 100).quantize(Decimal("0.0001"))
        attempt.save(update_fields=["needs_marking", "sum_marks", "grade"])
    return attempt


# --- through core's services (a quiz as a course activity, taken by learners) --------------------


@dataclass
class Setup:
    course: object
    quiz: Quiz
    enrolments: list


def quiz_on_course(owner, actor, *, code: str, people=(), contents=None, bank_name=None, **settings) -> Setup:
    """A published course `code` of `owner` holding a quiz (core's services) of `contents` (a
    true/false question and an essay by default), with `people` enrolled."""
    from bluelamp.assessment.quizzes import services
    from bluelamp.assessment.quizzes.services import QuizSettings
    from bluelamp.learning.api import course_create, draft_version, enrol_people, version_publish

    bank = make_bank(owner, actor, name=bank_name or f"{code} bank")
    questions = [
        question_create(actor=actor, bank=bank, content=c, at=AT)
        for c in (contents or [truefalse(), essay()])
    ]
    course = course_create(actor=actor, owner=owner, code=code, title=f"{code} course", summary="Quizzes.")
    quiz = services.quiz_create(actor=actor, course=course, title=f"{code} quiz", at=AT)
    if settings:
        values = QuizSettings.of(quiz)
        for name, value in settings.items():
            setattr(values, name, value)
        quiz = services.quiz_update(actor=actor, quiz=quiz, data=values, at=AT)
    services.slots_add_questions(actor=actor, quiz=quiz, questions=questions)
    draft = draft_version(course)
    assert draft is not None
    version_publish(actor=actor, version=draft)
    course.refresh_from_db()
    enrolments = enrol_people(actor=actor, course=course, people=list(people)).enrolled if people else []
    quiz.refresh_from_db()
    return Setup(course, quiz, list(enrolments))


def take_quiz(quiz: Quiz, person, responses: dict[int, dict], *, enrolment, at: dt.datetime = AT) -> Attempt:
    """Start an attempt, save `responses` (slot order → response) page by page, submit it."""
    from bluelamp.assessment.quizzes import services

    attempt = services.attempt_start(person=person, quiz=quiz, enrolment=enrolment, at=at)
    pages: dict[int, dict[int, dict]] = {}
    for page, slot_number in attempt.questions.values_list("page", "slot_number"):
        if slot_number in responses:
            pages.setdefault(page, {})[slot_number] = responses[slot_number]
    for n, (page, answers) in enumerate(sorted(pages.items()), start=1):
        services.attempt_save(
            person=person, attempt=attempt, page=page, read=answers, at=at + dt.timedelta(minutes=n)
        )
    attempt = services.attempt_submit(
        person=person, attempt=attempt, at=at + dt.timedelta(minutes=len(pages) + 1)
    )
    attempt.refresh_from_db()
    return attempt
