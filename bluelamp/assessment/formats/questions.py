"""The neutral form of a question bank file: what GIFT and Moodle XML are read into and written
from, before anything touches the database.

Marks are Decimals. An answer's `fraction` is its share of the question's mark, from -1 to 1
(Moodle's "grade" percentages divided by 100: 1 is fully right, 0.5 half, -0.25 a penalty).
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

QuestionType = Literal[
    "multichoice",  # one answer or several (`single`), partial credit, shuffle
    "truefalse",
    "shortanswer",  # answers may hold * wildcards; `case_sensitive`
    "numerical",  # with tolerance and units
    "matching",
    "ordering",  # items in their right order
    "gapselect",  # select missing words: [[n]] in the text, choices in groups
    "essay",  # marked by hand
    "description",  # text only, no mark
]
QUESTION_TYPES: tuple[str, ...] = (
    "multichoice",
    "truefalse",
    "shortanswer",
    "numerical",
    "matching",
    "ordering",
    "gapselect",
    "essay",
    "description",
)
TextFormat = Literal["html", "markdown", "plain", "moodle"]


@dataclass
class Answer:
    """A choice (multichoice) or an accepted answer (shortanswer)."""

    text: str
    fraction: Decimal
    feedback: str = ""
    text_format: TextFormat = "html"


@dataclass
class NumericalAnswer:
    value: Decimal | None  # None: "*", any other number (for feedback on wrong answers)
    tolerance: Decimal
    fraction: Decimal
    feedback: str = ""


@dataclass
class NumericalUnit:
    name: str
    multiplier: Decimal = Decimal(1)


@dataclass
class MatchPair:
    """A sub-question and its answer; a pair with no sub-question is an extra wrong answer."""

    question: str
    answer: str


@dataclass
class GapChoice:
    """A choice for the gaps of a gapselect question; choices of one group share a drop-down."""

    text: str
    group: int = 1


@dataclass
class Question:
    """One question, as a file holds it. `number` is its position in the file (1-based) and `line`
    the line it starts on, for reporting problems; they are not part of the question."""

    type: str
    name: str
    text: str
    text_format: TextFormat = "html"
    category: tuple[str, ...] = ()  # the category path, top first; () = the bank's top
    general_feedback: str = ""
    default_mark: Decimal = Decimal(1)
    penalty: Decimal = Decimal("0.3333333")
    tags: list[str] = field(default_factory=list)
    idnumber: str = ""
    # multichoice, shortanswer
    answers: list[Answer] = field(default_factory=list)
    # multichoice
    single: bool = True
    shuffle: bool = True
    answer_numbering: str = "abc"
    # multichoice, matching, ordering, gapselect: combined feedback
    correct_feedback: str = ""
    partially_correct_feedback: str = ""
    incorrect_feedback: str = ""
    # shortanswer
    case_sensitive: bool = False
    # truefalse
    correct: bool = True
    true_feedback: str = ""
    false_feedback: str = ""
    # numerical
    numerical_answers: list[NumericalAnswer] = field(default_factory=list)
    units: list[NumericalUnit] = field(default_factory=list)
    # matching
    pairs: list[MatchPair] = field(default_factory=list)
    # ordering: the items in their right order
    items: list[str] = field(default_factory=list)
    # gapselect: `text` holds [[1]], [[2]]… each naming the right choice by its position
    choices: list[GapChoice] = field(default_factory=list)
    # essay
    response_format: str = "editor"  # editor, plain, noinline (attachments only)
    response_required: bool = True
    response_template: str = ""
    min_words: int | None = None
    max_words: int | None = None
    attachments: int = 0  # how many files may be attached (-1: unlimited)
    grader_info: str = ""
    # where it came from, for problems
    number: int = 0
    line: int | None = None


@dataclass(frozen=True)
class Problem:
    """What is wrong with one question of a file (or the file itself: number 0)."""

    number: int
    name: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"question {self.number}" if self.number else "the file"
        if self.name:
            where += f" ({self.name})"
        if self.line:
            where += f", line {self.line}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Unsupported:
    """A question of a type Bluelamp does not hold (listed, never silently dropped)."""

    number: int
    name: str
    type: str
    line: int | None = None


@dataclass
class ParseResult:
    questions: list[Question] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unsupported: list[Unsupported] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Nothing may be written unless every question was read and none is unsupported."""
        return not self.problems and not self.unsupported


def percent(fraction: Decimal | int) -> str:
    """A fraction as a percentage in words: 0.5 → "50%", -1.5 → "-150%", 1/3 → "33.33333%"."""
    value = (Decimal(fraction) * 100).normalize()
    return f"{value:f}%"


def _rounded(total: Decimal | int) -> Decimal:
    return Decimal(total).quantize(Decimal("0.01"))


def check(question: Question) -> list[str]:
    """What is wrong with a question whatever file it came from (the readers add their own)."""
    problems = []
    if question.type not in QUESTION_TYPES:
        problems.append(f"type {question.type!r} is not one of {', '.join(QUESTION_TYPES)}")
        return problems
    if not question.name.strip():
        problems.append("it has no name")
    if not question.text.strip():
        problems.append("it has no question text")
    if question.default_mark < 0:
        problems.append(f"its mark {question.default_mark} is negative")
    if question.type == "multichoice":
        if len(question.answers) < 2:
            problems.append("a multiple-choice question needs at least two answers")
        elif question.single and max(a.fraction for a in question.answers) != 1:
            problems.append("a one-answer multiple-choice question needs one answer worth 100%")
        elif (
            not question.single and _rounded(sum(a.fraction for a in question.answers if a.fraction > 0)) != 1
        ):
            # Moodle rounds the total to two places, as its own form does: three answers of
            # 33.33333% (how Moodle writes a third) add up to 100%.
            total = sum(a.fraction for a in question.answers if a.fraction > 0)
            problems.append(
                f"the right answers of a several-answer question add up to {percent(total)}, not 100%"
            )
    for answer in question.answers:
        if not Decimal(-1) <= answer.fraction <= Decimal(1):
            problems.append(
                f"answer {answer.text[:40]!r} is worth {percent(answer.fraction)}: between -100% and 100% is accepted"
            )
    if question.type == "shortanswer" and not any(a.fraction == 1 for a in question.answers):
        problems.append("a short-answer question needs an answer worth 100%")
    if question.type == "numerical":
        if not any(a.fraction == 1 for a in question.numerical_answers):
            problems.append("a numerical question needs an answer worth 100%")
        if any(a.tolerance < 0 for a in question.numerical_answers):
            problems.append("a tolerance is negative")
    if question.type == "matching" and len([p for p in question.pairs if p.question.strip()]) < 2:
        problems.append("a matching question needs at least two sub-questions")
    if question.type == "ordering" and len(question.items) < 2:
        problems.append("an ordering question needs at least two items")
    if question.type == "gapselect":
        gaps = [int(n) for n in re.findall(r"\[\[(\d+)\]\]", question.text)]
        if not gaps:
            problems.append("a select-missing-words question needs gaps ([[1]], [[2]]…) in its text")
        for n in gaps:
            if not 1 <= n <= len(question.choices):
                problems.append(
                    f"gap [[{n}]] names choice {n}, but there are {len(question.choices)} choices"
                )
    if question.type == "essay":
        if (
            question.min_words is not None
            and question.max_words is not None
            and question.min_words > question.max_words
        ):
            problems.append(
                f"the word limit's minimum {question.min_words} is above its maximum {question.max_words}"
            )
    return problems
