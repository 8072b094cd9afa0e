"""The marking engine: pure functions over the neutral `Question` (formats/questions.py; a
version's `data` back to one with banks/codec.py `from_data`). Nothing here touches the database.

`grade(question, response)` gives an `Outcome`: the fraction of the question's mark earned (None
when a person must mark it, or for text-only questions), the state (AttemptQuestion.State's
values), the specific feedback to show (per answer, and the question's combined feedback), and
notes for a marker. The question's general feedback is the caller's (`question.general_feedback`):
the review options show it apart.

Responses are JSON, one shape per type (what the attempt pages store and the results read):

- multichoice, one answer: ``{"answer": 2}`` — an index into `question.answers` (as the bank
  holds them, not as shuffled on the page).
- multichoice, several answers: ``{"answers": [0, 3]}`` — indexes into `question.answers`.
- truefalse: ``{"answer": true}``.
- shortanswer: ``{"answer": "text typed"}``.
- numerical: ``{"answer": "12.5 cm"}`` — the number as typed, a unit before or after it.
- matching: ``{"pairs": {"0": "answer text", "2": "…"}}`` — keyed by the index of the pair in
  `question.pairs` (pairs without a sub-question are only extra wrong answers), valued by the
  answer's text.
- ordering: ``{"positions": {"0": 2, "1": 1, "2": 3}}`` — keyed by the index of the item in
  `question.items` (the right order), valued by the position (1-based) the learner gave it.
- gapselect: ``{"gaps": {"1": 3, "2": 1}}`` — keyed by the gap's place in the text (1-based,
  first gap first), valued by the chosen choice's number (1-based in `question.choices`).
- essay: ``{"text": "…"}``.
- description: ``{}``.

Marking rules (Moodle's, where Moodle has one):

- multichoice, one answer: the chosen answer's fraction, which may be negative (a penalty for a
  wrong guess); the attempt's total never goes below 0 (services total it so).
- multichoice, several answers: the sum of the chosen answers' fractions, clamped to 0…1.
- shortanswer: answers are tried in their order and the first that matches wins; `*` matches any
  run of characters (`\\*` is a literal star); the response is trimmed and compared ignoring case
  unless the question is case sensitive. No match: 0.
- numerical: the first answer whose value ± tolerance holds the response wins (an answer with no
  value, Moodle's `*`, matches any number). With units, a response in a unit is divided by the
  unit's multiplier (the first unit, multiplier 1, is the one the answers are in); a number with
  no unit is taken in that first unit, unless the question requires units (`unit_required`), and a
  unit the question does not list is wrong.
- matching: each sub-question right counts equally (right / sub-questions).
- ordering: partial credit by relative position, Moodle's "next item, excluding the last": each
  item followed immediately by its right successor earns 1 / (items − 1). All in order is 1.
- gapselect: each gap right counts equally (right / gaps); a choice is right when its text is the
  text of the choice the gap names (so equal words in a group are interchangeable).
- essay: waits for a marker (`needsgrading`, fraction None), unless it is blank (0, not
  answered). The notes give the word count against the limits.
- description: no mark (`info`).

A question left blank at the end of an attempt is `gaveup` with fraction 0.
"""

from __future__ import annotations

import html
import random
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import nh3

from bluelamp.assessment.formats.questions import Question

# AttemptQuestion.State's values (models.py), kept here so that the engine needs no models.
TODO = "todo"
COMPLETE = "complete"
RIGHT = "gradedright"
WRONG = "gradedwrong"
PARTIAL = "gradedpartial"
NEEDS_GRADING = "needsgrading"
MANUAL = "manual"
GAVE_UP = "gaveup"
INFO = "info"

ZERO = Decimal(0)
ONE = Decimal(1)
FRACTION_PLACES = Decimal("0.0000001")
MARK_PLACES = Decimal("0.0001")
GAP = re.compile(r"\[\[(\d+)\]\]")


@dataclass(frozen=True)
class Outcome:
    """What marking a response gives."""

    fraction: Decimal | None
    state: str
    feedback: tuple[str, ...] = ()  # the question's own words, as written (HTML)
    notes: tuple[str, ...] = ()  # plain words for a marker (word counts)

    @property
    def needs_marking(self) -> bool:
        return self.state == NEEDS_GRADING


def scored(fraction: Decimal | None, max_mark: Decimal) -> Decimal | None:
    """The mark a fraction earns of `max_mark`, to 4 places."""
    if fraction is None:
        return None
    return (fraction * max_mark).quantize(MARK_PLACES)


def state_of(fraction: Decimal) -> str:
    if fraction >= ONE:
        return RIGHT
    if fraction <= ZERO:
        return WRONG
    return PARTIAL


def _fraction(value: Decimal) -> Decimal:
    return Decimal(value).quantize(FRACTION_PLACES)


def plain(text: str) -> str:
    """A question's HTML as plain words (for summaries, exports and statistics)."""
    return html.unescape(nh3.clean(text or "", tags=set())).strip()


def word_count(text: str) -> int:
    return len(re.findall(r"\S+", plain(text)))


# --- reading a response ------------------------------------------------------------------------


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _mapping(response: Any, key: str) -> dict[str, Any]:
    value = response.get(key) if isinstance(response, Mapping) else None
    return {str(k): v for k, v in value.items()} if isinstance(value, Mapping) else {}


def _text(response: Any, key: str) -> str:
    value = response.get(key) if isinstance(response, Mapping) else None
    return value if isinstance(value, str) else ""


def chosen(question: Question, response: Any) -> list[int]:
    """The multichoice answers chosen (indexes into question.answers, valid ones only)."""
    if not isinstance(response, Mapping):
        return []
    if question.single:
        index = _int(response.get("answer"))
        values = [] if index is None else [index]
    else:
        raw = response.get("answers")
        values = [v for v in (_int(x) for x in raw) if v is not None] if isinstance(raw, list) else []
    return sorted({v for v in values if 0 <= v < len(question.answers)})


def stems(question: Question) -> list[tuple[int, str]]:
    """A matching question's sub-questions: (index into question.pairs, text)."""
    return [(i, p.question) for i, p in enumerate(question.pairs) if p.question.strip()]


def match_options(question: Question) -> list[str]:
    """A matching question's answers, each once, in the bank's order (extra wrong ones too)."""
    seen: list[str] = []
    for pair in question.pairs:
        if pair.answer not in seen:
            seen.append(pair.answer)
    return seen


def gaps(question: Question) -> list[int]:
    """The choice number each gap of a gapselect question names, in the order of the text."""
    return [int(n) for n in GAP.findall(question.text)]


def gap_options(question: Question, right: int) -> list[int]:
    """The choices (1-based numbers) offered for a gap whose right choice is `right`: its group's."""
    if not 1 <= right <= len(question.choices):
        return []
    group = question.choices[right - 1].group
    return [n for n, choice in enumerate(question.choices, start=1) if choice.group == group]


def positions(question: Question, response: Any) -> dict[int, int]:
    """An ordering response's positions (item index → 1-based position), valid ones only."""
    n = len(question.items)
    result = {}
    for key, value in _mapping(response, "positions").items():
        item, position = _int(key), _int(value)
        if item is not None and position is not None and 0 <= item < n and 1 <= position <= n:
            result[item] = position
    return result


def is_blank(question: Question, response: Any) -> bool:
    """Nothing answered at all."""
    kind = question.type
    if kind == "multichoice":
        return not chosen(question, response)
    if kind == "truefalse":
        return not isinstance(response, Mapping) or not isinstance(response.get("answer"), bool)
    if kind in ("shortanswer", "numerical"):
        return not _text(response, "answer").strip()
    if kind == "matching":
        return not any(isinstance(v, str) and v for v in _mapping(response, "pairs").values())
    if kind == "ordering":
        return not positions(question, response)
    if kind == "gapselect":
        return not any(_int(v) for v in _mapping(response, "gaps").values())
    if kind == "essay":
        return not _text(response, "text").strip()
    return True


def is_complete(question: Question, response: Any) -> bool:
    """Answered in full: every part of it (a matching question's every sub-question, every gap,
    every item given a different position). A description is always complete."""
    kind = question.type
    if kind == "description":
        return True
    if is_blank(question, response):
        return False
    if kind == "matching":
        pairs = _mapping(response, "pairs")
        return all(isinstance(pairs.get(str(i)), str) and pairs.get(str(i)) for i, _ in stems(question))
    if kind == "ordering":
        given = positions(question, response)
        return sorted(given.values()) == list(range(1, len(question.items) + 1))
    if kind == "gapselect":
        picks = _mapping(response, "gaps")
        return all(_int(picks.get(str(place))) for place in range(1, len(gaps(question)) + 1))
    return True


# --- marking -------------------------------------------------------------------------------------


def grade(question: Question, response: Any) -> Outcome:
    """Mark `response` (the shape above for the question's type)."""
    kind = question.type
    if kind == "description":
        return Outcome(None, INFO)
    if kind == "essay":
        return _grade_essay(question, response)
    marker = _MARKERS.get(kind)
    if marker is None:
        raise ValueError(f"No marking for questions of type {kind!r}")
    if is_blank(question, response):
        return Outcome(ZERO, GAVE_UP)
    return marker(question, response)


def _combined(question: Question, state: str) -> tuple[str, ...]:
    text = {
        RIGHT: question.correct_feedback,
        PARTIAL: question.partially_correct_feedback,
        WRONG: question.incorrect_feedback,
    }.get(state, "")
    return (text,) if text.strip() else ()


def _grade_multichoice(question: Question, response: Any) -> Outcome:
    picked = chosen(question, response)
    answers = [question.answers[i] for i in picked]
    if question.single:
        fraction = answers[0].fraction
    else:
        fraction = max(ZERO, min(ONE, sum((a.fraction for a in answers), ZERO)))
    fraction = _fraction(fraction)
    state = state_of(fraction)
    feedback = tuple(a.feedback for a in answers if a.feedback.strip()) + _combined(question, state)
    return Outcome(fraction, state, feedback)


def _grade_truefalse(question: Question, response: Any) -> Outcome:
    answer = response["answer"]
    fraction = ONE if answer == question.correct else ZERO
    said = question.true_feedback if answer else question.false_feedback
    return Outcome(_fraction(fraction), state_of(fraction), (said,) if said.strip() else ())


def wildcard_matches(pattern: str, text: str, *, case_sensitive: bool) -> bool:
    """Moodle's short-answer match: the whole response against the pattern, `*` any run of
    characters, `\\*` a literal star; both trimmed and in Unicode's composed form."""
    pattern = unicodedata.normalize("NFC", pattern.strip())
    text = unicodedata.normalize("NFC", text.strip())
    parts, i = [], 0
    while i < len(pattern):
        if pattern.startswith("\\*", i):
            parts.append(re.escape("*"))
            i += 2
        elif pattern[i] == "*":
            parts.append(".*")
            i += 1
        else:
            parts.append(re.escape(pattern[i]))
            i += 1
    flags = re.DOTALL | (0 if case_sensitive else re.IGNORECASE)
    return re.fullmatch("".join(parts), text, flags) is not None


def _grade_shortanswer(question: Question, response: Any) -> Outcome:
    text = _text(response, "answer")
    for answer in question.answers:
        if wildcard_matches(answer.text, text, case_sensitive=question.case_sensitive):
            fraction = _fraction(answer.fraction)
            return Outcome(
                fraction, state_of(fraction), (answer.feedback,) if answer.feedback.strip() else ()
            )
    return Outcome(ZERO, WRONG)


_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")


@dataclass(frozen=True)
class NumberRead:
    value: Decimal | None  # None: no number could be read
    unit: str  # as typed, "" when none


def read_number(text: str) -> NumberRead:
    """A number with an optional unit before or after it: "12.5 cm", "£5", "1,250", "3e-2 m".
    Commas group thousands (1,250) or, with no full stop, mark the decimals (2,5)."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text:
        return NumberRead(None, "")
    match = None
    for found in re.finditer(r"[+-]?[\d.,]+(?:[eE][+-]?\d+)?", text):
        match = found
        break
    if match is None:
        return NumberRead(None, text)
    digits = match.group(0)
    if _THOUSANDS.fullmatch(digits.split("e")[0].split("E")[0]):
        digits = digits.replace(",", "")
    elif digits.count(",") == 1 and "." not in digits:
        digits = digits.replace(",", ".")
    if not _NUMBER.fullmatch(digits):
        return NumberRead(None, text)
    unit = (text[: match.start()] + " " + text[match.end() :]).strip()
    try:
        return NumberRead(Decimal(digits), unit)
    except InvalidOperation:
        return NumberRead(None, text)


def _grade_numerical(question: Question, response: Any) -> Outcome:
    read = read_number(_text(response, "answer"))
    if read.value is None:
        return Outcome(ZERO, WRONG, notes=("The answer is not a number.",))
    value = read.value
    if question.units:
        if read.unit:
            unit = next((u for u in question.units if u.name.strip() == read.unit), None)
            if unit is None:
                unit = next((u for u in question.units if u.name.strip().lower() == read.unit.lower()), None)
            if unit is None or unit.multiplier == 0:
                return Outcome(ZERO, WRONG, notes=(f"“{read.unit}” is not a unit this question accepts.",))
            value = value / unit.multiplier
        elif getattr(question, "unit_required", False):
            return Outcome(ZERO, WRONG, notes=("The unit is missing.",))
    elif read.unit:
        return Outcome(
            ZERO, WRONG, notes=(f"“{read.unit}” follows the number, but this question takes none.",)
        )
    for answer in question.numerical_answers:
        if answer.value is None or abs(value - answer.value) <= abs(answer.tolerance):
            fraction = _fraction(answer.fraction)
            return Outcome(
                fraction, state_of(fraction), (answer.feedback,) if answer.feedback.strip() else ()
            )
    return Outcome(ZERO, WRONG)


def _grade_matching(question: Question, response: Any) -> Outcome:
    given = _mapping(response, "pairs")
    subs = stems(question)
    right = sum(1 for i, _ in subs if given.get(str(i)) == question.pairs[i].answer)
    fraction = _fraction(Decimal(right) / Decimal(len(subs))) if subs else ZERO
    state = state_of(fraction)
    return Outcome(fraction, state, _combined(question, state))


def learner_order(question: Question, response: Any) -> list[int]:
    """The items (indexes) in the order the learner put them, those without a position left out
    (ties keep the bank's order)."""
    given = positions(question, response)
    return sorted(given, key=lambda item: (given[item], item))


def _grade_ordering(question: Question, response: Any) -> Outcome:
    n = len(question.items)
    given = positions(question, response)
    order = learner_order(question, response)
    counts: dict[int, int] = {}
    for position in given.values():
        counts[position] = counts.get(position, 0) + 1
    right = sum(
        1
        for a, b in zip(order, order[1:], strict=False)
        if b == a + 1 and counts[given[a]] == 1 and counts[given[b]] == 1
    )
    fraction = _fraction(Decimal(right) / Decimal(n - 1)) if n > 1 else ZERO
    state = state_of(fraction)
    return Outcome(fraction, state, _combined(question, state))


def _grade_gapselect(question: Question, response: Any) -> Outcome:
    given = _mapping(response, "gaps")
    places = gaps(question)
    right = 0
    for place, right_choice in enumerate(places, start=1):
        picked = _int(given.get(str(place)))
        if picked is None or picked not in gap_options(question, right_choice):
            continue
        if question.choices[picked - 1].text == question.choices[right_choice - 1].text:
            right += 1
    fraction = _fraction(Decimal(right) / Decimal(len(places))) if places else ZERO
    state = state_of(fraction)
    return Outcome(fraction, state, _combined(question, state))


def essay_notes(question: Question, text: str) -> tuple[str, ...]:
    words = word_count(text)
    note = f"{words} word{'s' if words != 1 else ''}"
    if question.min_words and words < question.min_words:
        note += f": fewer than the minimum of {question.min_words}"
    elif question.max_words and words > question.max_words:
        note += f": more than the maximum of {question.max_words}"
    elif question.min_words or question.max_words:
        note += ": within the limits"
    return (note + ".",)


def _grade_essay(question: Question, response: Any) -> Outcome:
    text = _text(response, "text")
    if not text.strip():
        return Outcome(ZERO, GAVE_UP, notes=("Not answered.",))
    return Outcome(None, NEEDS_GRADING, notes=essay_notes(question, text))


_MARKERS = {
    "multichoice": _grade_multichoice,
    "truefalse": _grade_truefalse,
    "shortanswer": _grade_shortanswer,
    "numerical": _grade_numerical,
    "matching": _grade_matching,
    "ordering": _grade_ordering,
    "gapselect": _grade_gapselect,
}


# --- layout: what is shuffled for one attempt ---------------------------------------------------


def layout(question: Question, rng: random.Random) -> dict[str, Any]:
    """How the question is laid out for one attempt (AttemptQuestion.choice_order): the order of
    a multichoice question's answers (when it shuffles), a matching question's answers, an
    ordering question's items (never already in the right order) and each gap group's choices."""
    kind = question.type
    if kind == "multichoice":
        order = list(range(len(question.answers)))
        if question.shuffle:
            rng.shuffle(order)
        return {"answers": order}
    if kind == "matching":
        options = match_options(question)
        if question.shuffle:
            rng.shuffle(options)
        return {"answers": options}
    if kind == "ordering":
        items = list(range(len(question.items)))
        if len(items) > 1:
            while items == sorted(items):
                rng.shuffle(items)
        return {"items": items}
    if kind == "gapselect":
        groups: dict[str, list[int]] = {}
        for n, choice in enumerate(question.choices, start=1):
            groups.setdefault(str(choice.group), []).append(n)
        if question.shuffle:
            for numbers in groups.values():
                rng.shuffle(numbers)
        return {"groups": groups}
    return {}


def answer_order(question: Question, choice_order: Mapping[str, Any]) -> list[int]:
    """A multichoice question's answers (indexes) in the order shown (the bank's if unknown)."""
    order = choice_order.get("answers") if isinstance(choice_order, Mapping) else None
    n = len(question.answers)
    if isinstance(order, list) and sorted(o for o in order if isinstance(o, int)) == list(range(n)):
        return list(order)
    return list(range(n))


def option_order(question: Question, choice_order: Mapping[str, Any]) -> list[str]:
    """A matching question's answers in the order shown."""
    options = match_options(question)
    order = choice_order.get("answers") if isinstance(choice_order, Mapping) else None
    if isinstance(order, list) and sorted(map(str, order)) == sorted(options):
        return [str(o) for o in order]
    return options


def item_order(question: Question, choice_order: Mapping[str, Any]) -> list[int]:
    """An ordering question's items (indexes) in the order first shown."""
    order = choice_order.get("items") if isinstance(choice_order, Mapping) else None
    n = len(question.items)
    if isinstance(order, list) and sorted(o for o in order if isinstance(o, int)) == list(range(n)):
        return list(order)
    return list(range(n))


def gap_choice_order(question: Question, choice_order: Mapping[str, Any], right: int) -> list[int]:
    """The choices offered for a gap (1-based numbers), in the order shown."""
    options = gap_options(question, right)
    groups = choice_order.get("groups") if isinstance(choice_order, Mapping) else None
    if isinstance(groups, Mapping) and options:
        shown = groups.get(str(question.choices[right - 1].group))
        if isinstance(shown, list) and sorted(shown) == sorted(options):
            return list(shown)
    return options


# --- words for people ---------------------------------------------------------------------------


def right_answer(question: Question) -> str:
    """The right answer in plain words (for review and results)."""
    kind = question.type
    if kind == "multichoice":
        if question.single:
            best = max(question.answers, key=lambda a: a.fraction, default=None)
            return plain(best.text) if best else ""
        return "; ".join(plain(a.text) for a in question.answers if a.fraction > 0)
    if kind == "truefalse":
        return "True" if question.correct else "False"
    if kind == "shortanswer":
        best = next((a for a in question.answers if a.fraction == ONE), None)
        return best.text.replace("\\*", "*") if best else ""
    if kind == "numerical":
        exact = next(
            (a for a in question.numerical_answers if a.fraction == ONE and a.value is not None), None
        )
        if exact is None or exact.value is None:
            return ""
        words = f"{exact.value.normalize():f}"
        if exact.tolerance:
            words += f" (± {exact.tolerance.normalize():f})"
        if question.units:
            words += f" {question.units[0].name}"
        return words
    if kind == "matching":
        return "; ".join(f"{plain(text)} → {plain(question.pairs[i].answer)}" for i, text in stems(question))
    if kind == "ordering":
        return "; ".join(plain(item) for item in question.items)
    if kind == "gapselect":
        return "; ".join(
            plain(question.choices[n - 1].text) for n in gaps(question) if 1 <= n <= len(question.choices)
        )
    return ""


def summarise(question: Question, response: Any) -> str:
    """The response in plain words, as the learner gave it ("" when blank)."""
    if is_blank(question, response):
        return ""
    kind = question.type
    if kind == "multichoice":
        return "; ".join(plain(question.answers[i].text) for i in chosen(question, response))
    if kind == "truefalse":
        return "True" if response["answer"] else "False"
    if kind in ("shortanswer", "numerical"):
        return _text(response, "answer").strip()
    if kind == "matching":
        given = _mapping(response, "pairs")
        return "; ".join(
            f"{plain(text)} → {plain(given[str(i)])}"
            for i, text in stems(question)
            if isinstance(given.get(str(i)), str) and given.get(str(i))
        )
    if kind == "ordering":
        return "; ".join(plain(question.items[i]) for i in learner_order(question, response))
    if kind == "gapselect":
        given = _mapping(response, "gaps")
        words = []
        for place in range(1, len(gaps(question)) + 1):
            picked = _int(given.get(str(place)))
            words.append(
                plain(question.choices[picked - 1].text)
                if picked and 1 <= picked <= len(question.choices)
                else "—"
            )
        return "; ".join(words)
    if kind == "essay":
        return plain(_text(response, "text"))
    return ""


def total(marks: Sequence[Decimal | None]) -> Decimal:
    """An attempt's sum of marks: never below 0 (negative single-answer penalties stop there)."""
    return max(ZERO, sum((m for m in marks if m is not None), ZERO))
