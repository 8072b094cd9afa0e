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

Cost: the database does the counting. One GROUP BY of each question's (mark, attempt total) pairs
gives every figure above, discriminative efficiency included (the sorted lists it pairs are
walked as two sorted histograms); one GROUP BY of the responses of choice-like questions gives the
answer counts (on SQLite, in the same pass); one of the attempts' (total, grade) gives the quiz's
figures. 10,000 attempts of 20
questions are 200,000 answers but a few thousand grouped rows in Python: see
bench/quiz_statistics.py and docs/performance.md.

The rest of the quiz is the attempt's stored total (`sum_marks`) less the question's mark, and the
total never goes below 0 (marking.total); Moodle sums the marks, penalties and all.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Case, Count, F, JSONField, Q, Value, When

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
    # {(mark, rest of the attempt's total): attempts}, as the database counted them.
    _cells: dict[tuple[float, float], int] = field(default_factory=dict, repr=False)
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


def _cov_max_sum(cells: dict[tuple[float, float], int], mean: float, other_mean: float) -> float:
    """Moodle's covariance-max sum: both lists of marks sorted and paired rank by rank. From the
    joint counts: walk the two sorted histograms together, pairing as many as both have left."""
    xs: Counter[float] = Counter()
    ys: Counter[float] = Counter()
    for (x, y), n in cells.items():
        xs[x] += n
        ys[y] += n
    sorted_x, sorted_y = sorted(xs.items()), sorted(ys.items())
    total, i, j = 0.0, 0, 0
    left_x = sorted_x[0][1] if sorted_x else 0
    left_y = sorted_y[0][1] if sorted_y else 0
    while i < len(sorted_x) and j < len(sorted_y):
        paired = min(left_x, left_y)
        total += paired * (sorted_x[i][0] - mean) * (sorted_y[j][0] - other_mean)
        left_x -= paired
        left_y -= paired
        if not left_x:
            i += 1
            left_x = sorted_x[i][1] if i < len(sorted_x) else 0
        if not left_y:
            j += 1
            left_y = sorted_y[j][1] if j < len(sorted_y) else 0
    return total


def _moments(stats: QuestionStats) -> None:
    """Moodle's walks over one question's marks, from their joint counts with the rest of the
    quiz ({(mark, rest of the attempt's total): attempts}): facility, SD, discrimination and
    discriminative efficiency."""
    cells = stats._cells
    n = sum(cells.values())
    stats.attempts = n
    if not n:
        return
    mean = sum(x * c for (x, _y), c in cells.items()) / n
    other_mean = sum(y * c for (_x, y), c in cells.items()) / n
    if stats.max_mark:
        stats.facility = 100.0 * mean / stats.max_mark
    if n < 2:
        return
    mark_sum = other_sum = cov_sum = 0.0
    for (x, y), c in cells.items():
        d, e = x - mean, y - other_mean
        mark_sum += c * d * d
        other_sum += c * e * e
        cov_sum += c * d * e
    mark_variance = mark_sum / (n - 1)
    other_variance = other_sum / (n - 1)
    covariance = cov_sum / (n - 1)
    covariance_max = _cov_max_sum(cells, mean, other_mean) / (n - 1)
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
    attempts = _attempts(actor, quiz, which)
    result.waiting = attempts.filter(grade__isnull=True).count()

    # The database counts each question's (mark, attempt total) pairs: a few thousand rows for
    # 10,000 attempts, from which every figure follows (the rest of the quiz is the attempt's
    # total less the mark; the total never goes below 0, as marking.total keeps it).
    # SQLite sorts to group, so there the responses of the types whose answers are counted
    # (choices, short typed answers; not essays) are grouped in the same pass; PostgreSQL hashes,
    # and two narrow GROUP BYs cost it a third of one wide one (bench/quiz_statistics.py).
    one_pass = responses and connection.vendor != "postgresql"
    counted = (
        Case(
            When(question_version__qtype__in=COUNTED_TYPES, then=F("response")),
            default=Value(None, output_field=JSONField()),
            output_field=JSONField(),
        )
        if one_pass
        else Value(None, output_field=JSONField())
    )
    joint = (
        AttemptQuestion.objects.filter(scope)
        .order_by()
        .annotate(counted=counted)
        .values_list(
            "slot_number", "question_version_id", "mark", "max_mark", "attempt__sum_marks", "counted"
        )
        .annotate(n=Count("pk"))
    )
    slots: dict[int, QuestionStats] = {}
    variants: dict[tuple[int, int], QuestionStats] = {}
    answered: dict[tuple[int, int], list[tuple[Any, int]]] = defaultdict(list)
    for slot_number, version_id, mark, max_mark, total, response, n in joint:
        if response is not None:
            answered[(slot_number, version_id)].append((response, n))
        x = float(mark) if mark is not None else 0.0
        y = (float(total) if total is not None else 0.0) - x
        most = float(max_mark)
        stats = slots.get(slot_number)
        if stats is None:
            stats = slots[slot_number] = QuestionStats(slot_number, "", "", None)
        variant = variants.get((slot_number, version_id))
        if variant is None:
            variant = variants[(slot_number, version_id)] = QuestionStats(
                slot_number, "", "", None, is_variant=True
            )
        for target in (stats, variant):
            target._cells[(x, y)] = target._cells.get((x, y), 0) + n
            target.max_mark = max(target.max_mark, most)
    if not slots:
        return result

    versions = {
        v.pk: v
        for v in QuestionVersion.objects.filter(pk__in={vid for _slot, vid in variants})
        .select_related("question")
        .defer("data")
    }
    titles = _slot_titles(quiz)
    for number, stats in slots.items():
        seen = sorted(
            (vid for slot, vid in variants if slot == number),
            key=lambda vid: (versions[vid].question_id, versions[vid].number),
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
                variant.version = version = versions[vid]
                variant.qtype = version.qtype
                variant.title = f"{version.name} (version {version.number})"
                _moments(variant)
                stats.variants.append(variant)
    result.questions = [slots[n] for n in sorted(slots)]
    if responses and not one_pass:
        answered = _grouped_responses(scope, versions)
    if answered:
        _add_responses(answered, result)
    totals = (
        attempts.filter(grade__isnull=False)
        .order_by()
        .values_list("sum_marks", "grade")
        .annotate(n=Count("pk"))
    )
    _quiz_moments(result, [(float(t or 0), float(g), n) for t, g, n in totals])
    return result


def _quiz_moments(result: QuizStats, totals: list[tuple[float, float, int]]) -> None:
    """The quiz's own figures from the attempts' (total, grade, count): the grade's average,
    median and SD, and Cronbach's alpha over the slots (Moodle's coefficient of internal
    consistency), in marks."""
    n = sum(c for _t, _g, c in totals)
    result.attempts = n
    if not n:
        return
    grades = sorted((g, c) for _t, g, c in totals)
    result.average = sum(g * c for g, c in grades) / n
    result.median = _median(grades, n)
    if n < 2:
        return
    result.sd = math.sqrt(sum(c * (g - result.average) ** 2 for g, c in grades) / (n - 1))
    mean_total = sum(t * c for t, _g, c in totals) / n
    raw_variance = sum(c * (t - mean_total) ** 2 for t, _g, c in totals) / (n - 1)
    k = len([s for s in result.questions if s.max_mark])
    item_variance = sum(s._mark_variance or 0.0 for s in result.questions)
    if k > 1 and raw_variance > 1e-12:
        cic = 100.0 * (k / (k - 1)) * (1 - item_variance / raw_variance)
        result.cic = cic
        if cic <= 100:
            result.error_ratio = 100.0 * math.sqrt(max(0.0, 1 - cic / 100.0))
            result.standard_error = result.error_ratio * result.sd / 100.0


def _median(values: list[tuple[float, int]], n: int) -> float:
    """The median of sorted (value, count) pairs holding `n` values."""

    def at(rank: int) -> float:
        seen = 0
        for value, count in values:
            seen += count
            if rank < seen:
                return value
        return values[-1][0]

    middle = n // 2
    return at(middle) if n % 2 else (at(middle - 1) + at(middle)) / 2


# --- responses ----------------------------------------------------------------------------------


def _grouped_responses(
    scope: Q, versions: dict[int, QuestionVersion]
) -> dict[tuple[int, int], list[tuple[Any, int]]]:
    """Each response to the questions whose answers are counted, with how many gave it."""
    answered: dict[tuple[int, int], list[tuple[Any, int]]] = defaultdict(list)
    counted = [vid for vid, v in versions.items() if v.qtype in COUNTED_TYPES]
    if counted:
        grouped = (
            AttemptQuestion.objects.filter(scope, question_version_id__in=counted)
            .order_by()
            .values_list("slot_number", "question_version_id", "response")
            .annotate(n=Count("pk"))
        )
        for slot_number, version_id, response, n in grouped:
            answered[(slot_number, version_id)].append((response, n))
    return answered


def _add_responses(answered: dict[tuple[int, int], list[tuple[Any, int]]], result: QuizStats) -> None:
    """Name and count the answers of each question (the database grouped them: each response
    with how many gave it, once for each attempt total it came with)."""
    contents = {
        v.pk: codec.from_data(v.data)
        for v in QuestionVersion.objects.filter(pk__in=list({vid for _s, vid in answered})).only("pk", "data")
    }
    for stats in result.questions:
        targets = [stats, *stats.variants] if stats.variants else [stats]
        for target in targets:
            if target.version is None:
                continue
            responses = answered.get((stats.slot_number, target.version.pk))
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
