"""A question on an attempt's page: what its template shows (GOV.UK radios, checkboxes, inputs,
selects and textareas, with the learner's saved answer) and how the posted form is read back into
the response shapes of marking.py.

Form names carry the slot's number, so a page holds several questions: `q3-answer` (one choice,
true/false, a typed answer), `q3-answers` (several choices), `q3-pair-<i>`, `q3-item-<i>`,
`q3-gap-<n>` and `q3-text` (an essay). Option values are numbers (indexes), never the words, so
nothing a learner posts is taken as a question's own text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import nh3
from markupsafe import Markup, escape

from bluelamp.assessment.formats.questions import Question
from bluelamp.assessment.quizzes import marking
from bluelamp.assessment.quizzes.models import AttemptQuestion
from bluelamp.assessment.shared.text import render_text

MAX_TEXT = 100_000  # an essay's characters (about 15,000 words)
MAX_ANSWER = 1_000


_INLINE = {"strong", "b", "em", "i", "u", "sub", "sup", "code", "span", "br"}


def inline(text: str, text_format: str = "html") -> Markup:
    """An answer's text for a label (which holds no paragraphs): cleaned, then only inline tags
    kept (a Moodle answer usually comes wrapped in <p>)."""
    cleaned = nh3.clean(str(render_text(text, text_format)), tags=_INLINE, attributes={})
    return Markup(cleaned.strip())  # noqa: S704 - cleaned twice against allow-lists


def prefix(row: AttemptQuestion) -> str:
    return f"q{row.slot_number}"


def read(question: Question, row: AttemptQuestion, data) -> dict[str, Any]:
    """The response posted for the question (`data`: request.POST)."""
    p = prefix(row)
    kind = question.type
    if kind == "multichoice":
        if question.single:
            value = _index(data.get(f"{p}-answer"), len(question.answers))
            return {} if value is None else {"answer": value}
        values = [_index(v, len(question.answers)) for v in data.getlist(f"{p}-answers")]
        return {"answers": sorted({v for v in values if v is not None})}
    if kind == "truefalse":
        value = data.get(f"{p}-answer")
        return {"answer": value == "true"} if value in ("true", "false") else {}
    if kind in ("shortanswer", "numerical"):
        text = (data.get(f"{p}-answer") or "")[:MAX_ANSWER]
        return {"answer": text} if text.strip() else {}
    if kind == "matching":
        options = marking.match_options(question)
        pairs = {}
        for i, _text in marking.stems(question):
            value = _index(data.get(f"{p}-pair-{i}"), len(options))
            if value is not None:
                pairs[str(i)] = options[value]
        return {"pairs": pairs} if pairs else {}
    if kind == "ordering":
        n = len(question.items)
        places = {}
        for i in range(n):
            value = _index(data.get(f"{p}-item-{i}"), n + 1)
            if value:
                places[str(i)] = value
        return {"positions": places} if places else {}
    if kind == "gapselect":
        chosen = {}
        for place, right in enumerate(marking.gaps(question), start=1):
            value = _index(data.get(f"{p}-gap-{place}"), len(question.choices) + 1)
            if value and value in marking.gap_options(question, right):
                chosen[str(place)] = value
        return {"gaps": chosen} if chosen else {}
    if kind == "essay":
        text = (data.get(f"{p}-text") or "")[:MAX_TEXT]
        return {"text": text} if text.strip() else {}
    return {}


def _index(value, size: int) -> int | None:
    if value is None or not str(value).isdigit():
        return None
    number = int(value)
    return number if 0 <= number < size else None


# --- what the template shows -----------------------------------------------------------------


@dataclass
class Shown:
    """One question as a page shows it (taking it, or reviewing it)."""

    row: AttemptQuestion
    question: Question
    number: int | None  # "Question 3" (None for text only)
    prefix: str
    text: Markup
    kind: str
    options: list[dict] = field(default_factory=list)  # radios/checkboxes: value, text, checked
    selects: list[dict] = field(default_factory=list)  # matching/ordering: id, name, label, items
    value: str = ""  # typed answer or essay
    gapped: Markup | None = None  # gapselect: the text with its selects in place
    hint: str = ""
    status: str = ""  # answered / not yet answered / incomplete

    @property
    def id(self) -> str:
        return f"question-{self.row.slot_number}"


def numbers(rows: list[tuple[AttemptQuestion, Question]]) -> dict[int, int]:
    """Each question's number as learners see it: text-only ones are not numbered."""
    result, n = {}, 0
    for row, question in rows:
        if question.type != "description":
            n += 1
            result[row.pk] = n
    return result


def status_of(question: Question, response) -> str:
    if question.type == "description":
        return ""
    if marking.is_blank(question, response):
        return "Not yet answered"
    if question.type == "numerical" and marking.read_number(str(response.get("answer", ""))).value is None:
        return "Answer saved, but it is not a number: give digits, for example 12.5"
    if question.type == "ordering" and not marking.is_complete(question, response):
        return "Incomplete: give each item a different position"
    if not marking.is_complete(question, response):
        return "Incomplete"
    return "Answer saved"


def shown(row: AttemptQuestion, question: Question, number: int | None, *, disabled: bool = False) -> Shown:
    response = row.response or {}
    p = prefix(row)
    item = Shown(
        row=row,
        question=question,
        number=number,
        prefix=p,
        text=render_text(question.text, question.text_format),
        kind=question.type,
        status=status_of(question, response),
    )
    kind = question.type
    if kind == "multichoice":
        picked = set(marking.chosen(question, response))
        for index in marking.answer_order(question, row.choice_order):
            answer = question.answers[index]
            item.options.append(
                {
                    "value": str(index),
                    "html": inline(answer.text, answer.text_format),
                    "checked": index in picked,
                    "id": f"{p}-answer-{index}",
                }
            )
        item.hint = "Select one answer." if question.single else "Select all that apply."
    elif kind == "truefalse":
        said = response.get("answer") if isinstance(response, dict) else None
        item.options = [
            {"value": "true", "html": Markup("True"), "checked": said is True, "id": f"{p}-answer-true"},
            {
                "value": "false",
                "html": Markup("False"),
                "checked": said is False,
                "id": f"{p}-answer-false",
            },
        ]
    elif kind in ("shortanswer", "numerical"):
        item.value = str(response.get("answer", "")) if isinstance(response, dict) else ""
        if kind == "numerical" and question.units:
            item.hint = (
                f"Give the number, with its unit if you like ({', '.join(u.name for u in question.units)})."
            )
    elif kind == "matching":
        options = marking.match_options(question)
        shown_order = marking.option_order(question, row.choice_order)
        given = response.get("pairs", {}) if isinstance(response, dict) else {}
        for i, text in marking.stems(question):
            current = given.get(str(i)) if isinstance(given, dict) else None
            item.selects.append(
                {
                    "id": f"{p}-pair-{i}",
                    "name": f"{p}-pair-{i}",
                    "label": marking.plain(text),
                    "items": [{"value": "", "text": "Choose…", "selected": current is None}]
                    + [
                        {"value": str(options.index(o)), "text": marking.plain(o), "selected": o == current}
                        for o in shown_order
                    ],
                }
            )
        item.hint = "Choose the answer that matches each one."
    elif kind == "ordering":
        n = len(question.items)
        places = marking.positions(question, response)
        for i in marking.item_order(question, row.choice_order):
            label = marking.plain(question.items[i])
            item.selects.append(
                {
                    "id": f"{p}-item-{i}",
                    "name": f"{p}-item-{i}",
                    "label": label,
                    "label_prefix": "Position of",
                    "items": [{"value": "", "text": "Choose…", "selected": i not in places}]
                    + [
                        {"value": str(k), "text": str(k), "selected": places.get(i) == k}
                        for k in range(1, n + 1)
                    ],
                }
            )
        item.hint = f"Put them in order: give each a different position from 1 to {n}."
    elif kind == "gapselect":
        item.gapped = _gapped(question, row, response, disabled=disabled)
        item.hint = "Choose the word or phrase for each gap."
    elif kind == "essay":
        item.value = response.get("text", "") if isinstance(response, dict) else ""
        if not item.value and question.response_template:
            item.value = marking.plain(question.response_template)
        limits = []
        if question.min_words:
            limits.append(f"at least {question.min_words} words")
        if question.max_words:
            limits.append(f"at most {question.max_words} words")
        if limits:
            item.hint = "Write " + " and ".join(limits) + "."
    return item


def _gapped(question: Question, row: AttemptQuestion, response, *, disabled: bool) -> Markup:
    """The question's text with a labelled select in each gap: the gaps are replaced by markers
    before the text is cleaned, then by the selects, so nothing of the text escapes the cleaning."""
    p = prefix(row)
    places = marking.gaps(question)
    given = response.get("gaps", {}) if isinstance(response, dict) else {}
    marker = "QUIZGAPMARKER{}X"
    counter = iter(range(1, len(places) + 1))
    marked = re.sub(r"\[\[\d+\]\]", lambda _m: marker.format(next(counter)), question.text)
    html = str(render_text(marked, question.text_format))
    for place, right in enumerate(places, start=1):
        current = marking._int(given.get(str(place))) if isinstance(given, dict) else None
        options = ['<option value="">Choose…</option>']
        for n in marking.gap_choice_order(question, row.choice_order, right):
            selected = " selected" if current == n else ""
            options.append(
                f'<option value="{n}"{selected}>{escape(marking.plain(question.choices[n - 1].text))}</option>'
            )
        select_id = f"{p}-gap-{place}"
        control = (
            f'<label class="govuk-visually-hidden" for="{select_id}">Gap {place} of {len(places)}</label>'
            f'<select class="govuk-select bl-quiz-gap" id="{select_id}" name="{select_id}"'
            f"{' disabled' if disabled else ''}>{''.join(options)}</select>"
        )
        html = html.replace(marker.format(place), control, 1)
    return Markup(html)  # noqa: S704 - the text was cleaned; the selects are built from escaped words
