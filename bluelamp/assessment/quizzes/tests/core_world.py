"""Data for the core part's tests, built through the project's services at fixed dates: a Kent
bank with a question of each type and a category of random ones, a Kent course whose published
version holds a quiz, and Bob enrolled on it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from bluelamp.assessment.banks.models import Bank, Category, Question
from bluelamp.assessment.banks.services import bank_create, category_ensure, question_create
from bluelamp.assessment.formats.questions import (
    Answer,
    GapChoice,
    MatchPair,
    NumericalAnswer,
    NumericalUnit,
)
from bluelamp.assessment.formats.questions import Question as Content
from bluelamp.assessment.quizzes import services
from bluelamp.assessment.quizzes.models import Quiz
from bluelamp.assessment.quizzes.services import QuizSettings
from bluelamp.learning.api import course_create, draft_version, enrol_people, version_publish

AT = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
D = Decimal


def at(minutes: float = 0, seconds: float = 0) -> dt.datetime:
    return AT + dt.timedelta(minutes=minutes, seconds=seconds)


def contents() -> dict[str, Content]:
    """One question of each type (names are the keys)."""
    return {
        "mc": Content(
            type="multichoice",
            name="PACE code",
            text="<p>Which <b>PACE code</b> covers stop and search?</p>",
            answers=[
                Answer("<p>Code A</p>", D(1), "Right: Code A is stop and search."),
                Answer("Code C", D(0), "Code C is detention."),
                Answer("Code G", D(0), "Code G is arrest."),
            ],
            general_feedback="Read PACE 1984, Codes of Practice.",
            shuffle=False,
        ),
        "multi": Content(
            type="multichoice",
            name="Grounds",
            text="Which can be reasonable grounds?",
            single=False,
            answers=[
                Answer("Intelligence", D("0.5")),
                Answer("A description", D("0.5")),
                Answer("Appearance alone", D(-1), "Never on its own."),
            ],
            shuffle=False,
        ),
        "tf": Content(
            type="truefalse",
            name="Caution",
            text="The caution begins “You do not have to say anything”.",
            correct=True,
        ),
        "short": Content(
            type="shortanswer",
            name="Act",
            text="Which Act set up the codes?",
            answers=[Answer("PACE*", D(1))],
        ),
        "num": Content(
            type="numerical",
            name="Speed",
            text="60 miles in 1.5 hours: the speed?",
            numerical_answers=[NumericalAnswer(D(40), D("0.5"), D(1))],
            units=[NumericalUnit("mph", D(1))],
        ),
        "match": Content(
            type="matching",
            name="Powers",
            text="Match each section to its power.",
            pairs=[MatchPair("s1", "Stop and search"), MatchPair("s24", "Arrest"), MatchPair("", "Entry")],
            shuffle=False,
        ),
        "order": Content(
            type="ordering",
            name="Caution order",
            text="Put the caution in order.",
            items=["You do not", "have to say", "anything"],
        ),
        "gaps": Content(
            type="gapselect",
            name="Gaps",
            text="<p>An arrest needs [[1]] grounds and [[2]].</p>",
            choices=[
                GapChoice("reasonable", 1),
                GapChoice("necessity", 2),
                GapChoice("no", 1),
                GapChoice("a warrant", 2),
            ],
            shuffle=False,
        ),
        "essay": Content(type="essay", name="Reflect", text="Describe a stop you made.", max_words=300),
        "info": Content(type="description", name="Scenario", text="Read this scenario first."),
    }


@dataclass
class World:
    alice: object
    bob: object
    bank: Bank
    questions: dict[str, Question]
    random_category: Category
    course: object
    quiz: Quiz
    enrolment: object


def bank_with_questions(owner, actor, *, random_count: int = 4, name: str = "KENTONLY bank"):
    bank = bank_create(actor=actor, owner=owner, name=name, at=AT)
    questions = {
        key: question_create(actor=actor, bank=bank, content=c, at=AT) for key, c in contents().items()
    }
    category = category_ensure(bank=bank, path=("Random", "Law"))
    for n in range(random_count):
        question_create(
            actor=actor,
            bank=bank,
            content=Content(
                type="truefalse",
                name=f"Random {n}",
                text=f"Random statement {n} is true.",
                correct=True,
                category=("Random", "Law"),
                tags=["law"] if n % 2 == 0 else [],
            ),
            at=AT,
        )
    return bank, questions, category


def build(
    alice,
    bob,
    *,
    keys=("mc", "tf", "short"),
    random: int = 0,
    per_page: int = 1,
    publish: bool = True,
    enrol: bool = True,
    **settings,
) -> World:
    """Kent's course "KENTONLY-Q" with a quiz of the questions named by `keys` (one a page by
    default) and `random` random ones, published, Bob enrolled; `settings` change the quiz's."""
    kent = alice.organisation
    bank, questions, category = bank_with_questions(kent, alice)
    course = course_create(actor=alice, owner=kent, code="KENTONLY-Q", title="KENTONLY quizzing", summary="x")
    quiz = services.quiz_create(actor=alice, course=course, title="KENTONLY quiz", at=AT)
    values = QuizSettings.of(quiz)
    values.questions_per_page = per_page
    for name, value in settings.items():
        if name.startswith("review_"):
            values.review[name] = value
        else:
            setattr(values, name, value)
    quiz = services.quiz_update(actor=alice, quiz=quiz, data=values, at=AT)
    if keys:
        services.slots_add_questions(actor=alice, quiz=quiz, questions=[questions[k] for k in keys])
    if random:
        services.slot_add_random(actor=alice, quiz=quiz, category=category, count=random)
    enrolment = None
    if publish:
        draft = draft_version(course)
        assert draft is not None
        version_publish(actor=alice, version=draft)
        course.refresh_from_db()
        if enrol:
            enrolment = enrol_people(actor=alice, course=course, people=[bob]).enrolled[0]
    quiz.refresh_from_db()
    return World(alice, bob, bank, questions, category, course, quiz, enrolment)
