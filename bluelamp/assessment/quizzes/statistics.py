"""Question statistics of a quiz, as Moodle's quiz statistics report computes them, to find bad
questions: for each slot (and, for a random slot, each question version drawn into it) over the
graded finished attempts — every one, or each learner's first:

- facility index: the average mark as a percentage of the question's mark (high: easy);
- standard deviation of the mark, as a percentage of the question's mark;
- discrimination index: the correlation (×100) between the mark on this question and the mark on
  the rest of the quiz (the attempt's total less this question), so a question that the learners
  who do well overall get right scores high, and one they get wrong scores negative;
- discriminative efficiency: that covariance as a percentage of the largest it could be with
  these marks (both lists sorted and paired);
- how often each answer was chosen (choices, true/false, each sub-question of a matching
  question, each gap) and the most frequent responses (short answer, numerical, ordering).

Moodle's formulas (question/classes/statistics/questions/calculator.php): variances and covariances
divide by n − 1; a discrimination index needs two attempts and some spread in both marks. One
difference: for a question drawn at random Moodle correlates with the whole total; here it is the
rest of the quiz, as for every other question.

The quiz as a whole: the average, median and standard deviation of the grade, and the coefficient
of internal consistency (Cronbach's alpha) with its error ratio and standard error.

Cost: one streaming query of the attempts' question marks (attempt, slot, version, mark — no
response JSON), one GROUP BY of the responses of choice-like questions (counted in the database),
and the versions seen. 10,000 attempts of 20 questions are 200,000 small rows: see
bench/quiz_statistics.py and docs/performance.md.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from bluelamp.assessment.banks import codec
from bluelamp.assessment.banks.models import QuestionVersion
from bluelamp.assessment.quizzes import marking
from bluelamp.assessment.quizzes.models import Attempt, AttemptQuestion, Quiz, QuizSlot
from bluelamp.assessment.shared.access import learners_q

WHICH = {"all": "All graded attempts", "first": "Each learner's first attempt"}

# Flags: "likely a bad question" (Moodle's guidance on reading the report).
FACILITY_LOW = 20.0
FACILITY_HIGH = 95.0
DISCRIMINATION_WEAK = 20.0  # a percentage: Moodle shows the index ×100
# The types whose responses are counted whole: each choice, or each distinct answer typed.
COUNTED_TYPES = ("multichoice", "truefalse", "shortanswer", "numerical", "matching", "ordering", "gapselect")
MOST_FREQUENT = 10  # typed responses (short answer, numerical, ordering) listed
CHUNK = 10_000


@dataclass
class ResponseCount:
    """One answer, and how many attempts gave it."""

    label: str
    count: int
    fraction: float | None = None  # the share of the mark it earns, when known (None: mixed)
    right: bool = False

    def percent(self, of: int) -> float:
        return 100.0 * self.count / of if of else 0.0


@dataclass
class ResponsePart:
    """Responses to one part of a question: the whole of it, a sub-question, a gap."""

    title: str  # "" for the whole question
    rows: list[ResponseCount] = field(default_factory=list)
    total: int = 0  # attempts counted
    others: int = 0  # typed responses beyond the most frequent ones


@dataclass
class QuestionStats:
    """Statistics of one slot, or of one question version within a random slot."""

    slot_number: int
    title: str
    qtype: str
    version: QuestionVersion | None  # None: a slot that drew several versions
    is_variant: bool = False  # a version's row under its random slot
    attempts: int = 0
    max_mark: float = 0.0
    facility: float | None = None  # %
    sd: float | None = None  # % of the mark
    discrimination: float | None = None  # correlation ×100
    efficiency: float | None = None  # %
    responses: list[ResponsePart] = field(default_factory=list)
    variants: list[QuestionStats] = field(default_factory=list)
    _marks: list[float] = field(default_factory=list, repr=False)
    _others: list[float] = field(default_factory=list, repr=False)
    _mark_variance: float | None = field(default=None, repr=False)

    @property
    def flags(self) -> list[str]:
        """Why this question may be a bad one, in words (none when it looks fine)."""
        found = []
        if self.facility is not None and self.attempts:
            if self.facility < FACILITY_LOW:
                found.append(f"Very hard: facility {self.facility:.1f}% is below {FACILITY_LOW:g}%")
            elif self.facility > FACILITY_HIGH:
                found.append(f"Very easy: facility {self.facility:.1f}% is above {FACILITY_HIGH:g}%")
        if self.discrimination is not None:
            if self.discrimination < 0:
                found.append(
                    f"Negative discrimination ({self.discrimination:.1f}%): learners who do well "
                    "on the rest of the quiz do worse here; check the right answer"
                )
            elif self.discrimination < DISCRIMINATION_WEAK:
                found.append(
                    f"Weak discrimination ({self.discrimination:.1f}%, below {DISCRIMINATION_WEAK:g}%): "
                    "it hardly separates stronger from weaker learners"
                )
        return found


@dataclass
class QuizStats:
    which: str
    attempts: int = 0  # graded finished attempts counted
    waiting: int = 0  # finished attempts left out: answers waiting for a marker
    average: float | None = None  # grade %
    median: float | None = None
    sd: float | None = None
    cic: float | None = None  # coefficient of internal consistency, %
    error_ratio: float | None = None  # %
    standard_error: float | None = None  # grade %
    questions: list[QuestionStats] = field(default_factory=list)

    @property
    def flagged(self) -> list[QuestionStats]:
        rows: list[QuestionStats] = []
        for stats in self.questions:
            rows.extend(v for v in [stats, *stats.variants] if v.flags)
        return rows


# --- the calculation ---------------------------------------------------------------------------------


def _attempts(actor, quiz: Quiz, which: str):
    attempts = Attempt.objects.filter(quiz=quiz, preview=False, state=Attempt.State.FINISHED)
    if actor is not None:
        attempts = attempts.filter(learners_q(actor, quiz.course))
    if which == "first":
        attempts = attempts.filter(number=1)
    return attempts


def _scope(actor, quiz: Quiz, which: str) -> Q:
    """A filter for the attempt questions counted: graded finished attempts in scope."""
    q = Q(
        attempt__quiz_id=quiz.pk,
        attempt__preview=False,
        attempt__state=Attempt.State.FINISHED,
        attempt__grade__isnull=False,
    )
    if actor is not None:
        q &= learners_q(actor, quiz.course, prefix="attempt__person__")
    if which == "first":
        q &= Q(attempt__number=1)
    return q


def _slot_titles(quiz: Quiz) -> dict[int, str]:
    titles = {}
    for slot in QuizSlot.objects.filter(quiz=quiz).select_related("question", "category"):
        if slot.question is not None:
            titles[slot.order] = slot.question.name
        elif slot.category is not None:
            titles[slot.order] = f"Random question from {slot.category.path}"
    return titles


def _moments(stats: QuestionStats) -> None:
    """Moodle's secondary walk: facility, SD, discrimination and efficiency from the marks."""
    marks, others = stats._marks, stats._others
    n = len(marks)
    stats.attempts = n
    if not n:
        return
    mean = sum(marks) / n
    other_mean = sum(others) / n
    if stats.max_mark:
        stats.facility = 100.0 * mean / stats.max_mark
    if n < 2:
        return
    mark_sum = other_sum = cov_sum = 0.0
    for mark, other in zip(marks, others, strict=True):
        d, e = mark - mean, other - other_mean
        mark_sum += d * d
        other_sum += e * e
        cov_sum += d * e
    cov_max_sum = sum(
        (mark - mean) * (other - other_mean)
        for mark, other in zip(sorted(marks), sorted(others), strict=True)
    )
    mark_variance = mark_sum / (n - 1)
    other_variance = other_sum / (n - 1)
    covariance = cov_sum / (n - 1)
    covariance_max = cov_max_sum / (n - 1)
    stats._mark_variance = mark_variance
    if stats.max_mark:
        stats.sd = 100.0 * math.sqrt(mark_variance) / stats.max_mark
    if mark_variance * other_variance > 1e-12:
        stats.discrimination = 100.0 * covariance / math.sqrt(mark_variance * other_variance)
    if abs(covariance_max) > 1e-12:
        stats.efficiency = 100.0 * covariance / covariance_max


def quiz_statistics(actor, quiz: Quiz, *, which: str = "all", responses: bool = True) -> QuizStats:
    """The statistics of `quiz` over the graded finished attempts of the learners `actor` may
    mark (actor None: everyone), `which` = "all" or "first" (each learner's first attempt)."""
    which = which if which in WHICH else "all"
    result = QuizStats(which=which)
    scope = _scope(actor, quiz, which)
    result.waiting = _attempts(actor, quiz, which).filter(grade__isnull=True).count()

    # One streaming pass: each attempt's questions' marks (no JSON, no joins but the filter's).
    rows = (
        AttemptQuestion.objects.filter(scope)
        .order_by()
        .values_list("attempt_id", "slot_number", "question_version_id", "mark", "max_mark")
        .iterator(chunk_size=CHUNK)
    )
    per_attempt: dict[int, float] = defaultdict(float)
    marks: list[tuple[int, int, int, float, float]] = []
    for attempt_id, slot_number, version_id, mark, max_mark in rows:
        value = float(mark) if mark is not None else 0.0
        per_attempt[attempt_id] += value
        marks.append((attempt_id, slot_number, version_id, value, float(max_mark)))
    # An attempt's total never goes below 0 (marking.total): a penalty stops there.
    totals = {a: max(0.0, t) for a, t in per_attempt.items()}
    result.attempts = len(totals)
    if not marks:
        return result

    slots: dict[int, QuestionStats] = {}
    variants: dict[tuple[int, int], QuestionStats] = {}
    slot_versions: dict[int, set[int]] = defaultdict(set)
    for attempt_id, slot_number, version_id, value, most in marks:
        other = totals[attempt_id] - value
        stats = slots.get(slot_number)
        if stats is None:
            stats = slots[slot_number] = QuestionStats(slot_number, "", "", None)
        stats._marks.append(value)
        stats._others.append(other)
        stats.max_mark = max(stats.max_mark, most)
        slot_versions[slot_number].add(version_id)
        variant = variants.get((slot_number, version_id))
        if variant is None:
            variant = variants[(slot_number, version_id)] = QuestionStats(
                slot_number, "", "", None, is_variant=True
            )
        variant._marks.append(value)
        variant._others.append(other)
        variant.max_mark = max(variant.max_mark, most)
    del marks

    versions = {
        v.pk: v
        for v in QuestionVersion.objects.filter(
            pk__in={vid for vids in slot_versions.values() for vid in vids}
        )
        .select_related("question")
        .defer("data")
    }
    titles = _slot_titles(quiz)
    for number, stats in slots.items():
        seen = sorted(
            slot_versions[number], key=lambda vid: (versions[vid].question_id, versions[vid].number)
        )
        _moments(stats)
        if len(seen) == 1:
            version = versions[seen[0]]
            stats.version = version
            stats.qtype = version.qtype
            stats.title = titles.get(number) or version.name
        else:
            stats.title = titles.get(number) or "A question no longer in the quiz"
            kinds = {versions[vid].qtype for vid in seen}
            stats.qtype = kinds.pop() if len(kinds) == 1 else "mixed"
            for vid in seen:
                variant = variants[(number, vid)]
                version = variants[(number, vid)].version = versions[vid]
                variant.qtype = version.qtype
                variant.title = f"{version.name} (version {version.number})"
                _moments(variant)
                stats.variants.append(variant)
    result.questions = [slots[n] for n in sorted(slots)]
    if responses:
        _add_responses(scope, result, versions)
    _quiz_moments(result, totals, quiz)
    return result


def _quiz_moments(result: QuizStats, totals: dict[int, float], quiz: Quiz) -> None:
    """The quiz's own figures, from each attempt's total as a grade (%)."""
    maximum = sum(stats.max_mark for stats in result.questions)
    if not totals or not maximum:
        return
    values = sorted(100.0 * t / maximum for t in totals.values())
    n = len(values)
    result.average = sum(values) / n
    middle = n // 2
    result.median = values[middle] if n % 2 else (values[middle - 1] + values[middle]) / 2
    if n < 2:
        return
    variance = sum((v - result.average) ** 2 for v in values) / (n - 1)
    result.sd = math.sqrt(variance)
    # Cronbach's alpha over the slots, in marks (Moodle's coefficient of internal consistency).
    k = len([s for s in result.questions if s.max_mark])
    raw_variance = variance * (maximum / 100.0) ** 2
    item_variance = sum(s._mark_variance or 0.0 for s in result.questions)
    if k > 1 and raw_variance > 1e-12:
        cic = 100.0 * (k / (k - 1)) * (1 - item_variance / raw_variance)
        result.cic = cic
        if cic <= 100:
            result.error_ratio = 100.0 * math.sqrt(max(0.0, 1 - cic / 100.0))
            result.standard_error = result.error_ratio * result.sd / 100.0


# --- responses ----------------------------------------------------------------------------------


def _add_responses(scope: Q, result: QuizStats, versions: dict[int, QuestionVersion]) -> None:
    """Count responses in the database (one GROUP BY of slot, version and the response itself)
    for the types that have choices or short typed answers, then name each answer."""
    counted = [vid for vid, v in versions.items() if v.qtype in COUNTED_TYPES]
    if not counted:
        return
    grouped = (
        AttemptQuestion.objects.filter(scope, question_version_id__in=counted)
        .order_by()
        .values_list("slot_number", "question_version_id", "response")
        .annotate(n=Count("pk"))
    )
    by_target: dict[tuple[int, int], list[tuple[Any, int]]] = defaultdict(list)
    for slot_number, version_id, response, n in grouped:
        by_target[(slot_number, version_id)].append((response, n))
    contents = {
        v.pk: codec.from_data(v.data)
        for v in QuestionVersion.objects.filter(pk__in=list({vid for _s, vid in by_target})).only(
            "pk", "data"
        )
    }
    for stats in result.questions:
        targets = [stats, *stats.variants] if stats.variants else [stats]
        for target in targets:
            if target.version is None:
                continue
            responses = by_target.get((stats.slot_number, target.version.pk))
            if responses:
                target.responses = analyse(contents[target.version.pk], responses)


def analyse(question, responses: Iterable[tuple[Any, int]]) -> list[ResponsePart]:
    """Name and count the responses (each with how many gave it) to one question version."""
    given = list(responses)
    total = sum(n for _r, n in given)
    counter = _COUNTERS.get(question.type, _typed)
    return counter(question, given, total)


def _key(response: Any, name: str) -> Any:
    return response.get(name) if isinstance(response, dict) else None


def _multichoice(question, responses: list[tuple[Any, int]], total: int) -> list[ResponsePart]:
    part = ResponsePart("", total=total)
    counts: Counter[int] = Counter()
    blank = 0
    for response, n in responses:
        picked = marking.chosen(question, response)
        if not picked:
            blank += n
        for index in picked:
            counts[index] += n
    for index, answer in enumerate(question.answers):
        fraction = float(answer.fraction)
        part.rows.append(
            ResponseCount(marking.plain(answer.text), counts[index], fraction, right=fraction > 0)
        )
    if blank:
        part.rows.append(ResponseCount("No answer", blank, 0.0))
    return [part]


def _truefalse(question, responses: list[tuple[Any, int]], total: int) -> list[ResponsePart]:
    part = ResponsePart("", total=total)
    said: Counter[str] = Counter()
    for response, n in responses:
        answer = _key(response, "answer")
        said["True" if answer is True else "False" if answer is False else ""] += n
    for label, value in (("True", True), ("False", False)):
        right = value == question.correct
        part.rows.append(ResponseCount(label, said[label], 1.0 if right else 0.0, right=right))
    if said[""]:
        part.rows.append(ResponseCount("No answer", said[""], 0.0))
    return [part]


def _matching(question, responses: list[tuple[Any, int]], total: int) -> list[ResponsePart]:
    parts = []
    for index, stem in marking.stems(question):
        part = ResponsePart(marking.plain(stem), total=total)
        chosen: Counter[str] = Counter()
        for response, n in responses:
            pairs = _key(response, "pairs")
            value = pairs.get(str(index)) if isinstance(pairs, dict) else None
            chosen[value if isinstance(value, str) else ""] += n
        right = question.pairs[index].answer
        for option in marking.match_options(question):
            is_right = option == right
            part.rows.append(
                ResponseCount(marking.plain(option), chosen[option], 1.0 if is_right else 0.0, is_right)
            )
        if chosen[""]:
            part.rows.append(ResponseCount("No answer", chosen[""], 0.0))
        parts.append(part)
    return parts


def _gapselect(question, responses: list[tuple[Any, int]], total: int) -> list[ResponsePart]:
    parts = []
    for place, right_choice in enumerate(marking.gaps(question), start=1):
        part = ResponsePart(f"Gap {place}", total=total)
        chosen: Counter[int] = Counter()
        for response, n in responses:
            gaps = _key(response, "gaps")
            value = gaps.get(str(place)) if isinstance(gaps, dict) else None
            chosen[value if isinstance(value, int) and not isinstance(value, bool) else 0] += n
        right_text = (
            question.choices[right_choice - 1].text if 1 <= right_choice <= len(question.choices) else None
        )
        for number in marking.gap_options(question, right_choice):
            text = question.choices[number - 1].text
            part.rows.append(
                ResponseCount(marking.plain(text), chosen[number], None, right=text == right_text)
            )
        if chosen[0]:
            part.rows.append(ResponseCount("No answer", chosen[0], 0.0))
        parts.append(part)
    return parts


def _typed(question, responses: list[tuple[Any, int]], total: int) -> list[ResponsePart]:
    """Typed (short answer, numerical) or whole (ordering) responses: the most frequent, with the
    share of the mark each earns."""
    part = ResponsePart("", total=total)
    words: Counter[str] = Counter()
    fractions: dict[str, float | None] = {}
    for response, n in responses:
        label = marking.summarise(question, response)
        if question.type == "shortanswer" and not question.case_sensitive:
            label = " ".join(label.split()).lower()
        elif question.type == "numerical":
            label = " ".join(label.split())
        label = label or "No answer"
        words[label] += n
        if label not in fractions:
            outcome = marking.grade(question, response)
            fractions[label] = float(outcome.fraction) if outcome.fraction is not None else None
    ranked = words.most_common()
    for label, n in ranked[:MOST_FREQUENT]:
        fraction = fractions.get(label)
        part.rows.append(ResponseCount(label, n, fraction, right=fraction is not None and fraction >= 1))
    part.others = sum(n for _label, n in ranked[MOST_FREQUENT:])
    return [part]


_COUNTERS = {
    "multichoice": _multichoice,
    "truefalse": _truefalse,
    "matching": _matching,
    "gapselect": _gapselect,
}


# --- export ----------------------------------------------------------------------------------------

HEADERS = [
    "Slot",
    "Question",
    "Version",
    "Type",
    "Attempts",
    "Facility index (%)",
    "Standard deviation (%)",
    "Discrimination index (%)",
    "Discriminative efficiency (%)",
    "Flags",
]


def _rounded(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(value, places)


def export_rows(stats: QuizStats) -> Iterable[list]:
    for slot in stats.questions:
        for row in [slot, *slot.variants]:
            yield [
                slot.slot_number,
                row.title,
                row.version.number if row.version is not None else "",
                row.qtype,
                row.attempts,
                _rounded(row.facility),
                _rounded(row.sd),
                _rounded(row.discrimination),
                _rounded(row.efficiency),
                "; ".join(row.flags),
            ]
