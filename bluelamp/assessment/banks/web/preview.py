"""A question as a learner would see it (read-only), with its right answers and feedback marked,
for the question's page.

Texts come from files written elsewhere, so they are never trusted: HTML (and Moodle's
auto-format) is cleaned against a small allow-list by nh3, Markdown is rendered with raw HTML off
and cleaned again, plain text is escaped. Nothing of a question can put script, styles, forms or
images on a page.
"""

from __future__ import annotations

import html
import random
import re
from dataclasses import dataclass, field
from decimal import Decimal

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from bluelamp.assessment.formats.questions import Question as Content
from bluelamp.assessment.formats.questions import percent

_BLOCK_TAGS = {
    "p", "br", "div", "span", "strong", "b", "em", "i", "u", "sub", "sup", "code", "pre",
    "ul", "ol", "li", "blockquote", "h3", "h4", "h5", "h6", "hr",
    "table", "thead", "tbody", "tr", "th", "td", "caption", "a",
}  # fmt: skip
_INLINE_TAGS = {"br", "span", "strong", "b", "em", "i", "u", "sub", "sup", "code", "a"}
_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan", "scope"}}
_CLASSES = {
    "p": {"class": "govuk-body"},
    "ul": {"class": "govuk-list govuk-list--bullet"},
    "ol": {"class": "govuk-list govuk-list--number"},
    "a": {"class": "govuk-link"},
    "table": {"class": "govuk-table"},
    "th": {"class": "govuk-table__header"},
    "td": {"class": "govuk-table__cell"},
    "tr": {"class": "govuk-table__row"},
}
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_GAP = re.compile(r"\[\[(\d+)\]\]")
NUMBERING = {
    "abc": lambda n: f"{chr(ord('a') + n) if n < 26 else n + 1}.",
    "ABCD": lambda n: f"{chr(ord('A') + n) if n < 26 else n + 1}.",
    "123": lambda n: f"{n + 1}.",
    "iii": lambda n: f"{_roman(n + 1).lower()}.",
    "IIII": lambda n: f"{_roman(n + 1)}.",
}


def _roman(number: int) -> str:
    values = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L")]
    values += [(40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for value, letters in values:
        while number >= value:
            out += letters
            number -= value
    return out


def _clean(markup: str, tags: set[str]) -> str:
    return nh3.clean(
        markup,
        tags=tags,
        attributes={k: v for k, v in _ATTRIBUTES.items() if k in tags},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        set_tag_attribute_values={k: v for k, v in _CLASSES.items() if k in tags},
    )


def rich(text: str, text_format: str = "html") -> Markup:
    """A question's text or feedback as safe HTML, in block form (paragraphs, lists, tables)."""
    if not text:
        return Markup("")
    if text_format == "plain":
        paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
        return Markup("").join(
            Markup('<p class="govuk-body">{}</p>').format(
                Markup("<br>").join(escape(line) for line in p.split("\n"))
            )
            for p in paragraphs
        )
    if text_format == "markdown":
        markup = _markdown.render(text)
    elif text_format == "moodle":
        # Moodle's auto-format: line breaks are kept, HTML is allowed.
        markup = "<p>" + "<br>".join(text.strip().split("\n")) + "</p>" if "<" not in text else text
    else:
        markup = text
    if "<" not in markup:
        markup = f"<p>{markup}</p>"
    return Markup(_clean(markup, _BLOCK_TAGS))  # noqa: S704 - cleaned by nh3 against the allow-list


def inline(text: str, text_format: str = "html") -> Markup:
    """A short text (an answer, a choice) as safe inline HTML, to sit inside a label."""
    if not text:
        return Markup("")
    if text_format == "plain":
        return escape(text)
    if text_format == "markdown":
        markup = _markdown.renderInline(text)
    else:
        markup = re.sub(r"</p>\s*<p[^>]*>", "<br>", text)
    return Markup(_clean(markup, _INLINE_TAGS).strip())  # noqa: S704 - cleaned by nh3 against the allow-list


def plain(text: str) -> str:
    """A text without its markup, for a drop-down's options and page titles."""
    return " ".join(html.unescape(nh3.clean(text, tags=set())).split())


@dataclass
class Mark:
    """What an answer is worth, in words and not by colour alone."""

    fraction: Decimal

    @property
    def right(self) -> bool:
        return self.fraction == 1

    @property
    def partly(self) -> bool:
        return 0 < self.fraction < 1

    @property
    def penalty(self) -> bool:
        return self.fraction < 0

    @property
    def text(self) -> str:
        if self.right:
            return "Right answer (100%)"
        if self.partly:
            return f"Partly right ({percent(self.fraction)})"
        if self.penalty:
            return f"Wrong, with a penalty ({percent(self.fraction)})"
        return "Wrong (0%)"

    @property
    def tag(self) -> str:
        if self.right:
            return "govuk-tag--green"
        if self.partly:
            return "govuk-tag--yellow"
        if self.penalty:
            return "govuk-tag--red"
        return "govuk-tag--grey"


@dataclass
class Preview:
    """What the question's page shows of one version."""

    content: Content
    text: Markup
    items: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)


def _shuffled(items: list, seed: str) -> list:
    shuffled = list(items)
    random.Random(seed).shuffle(shuffled)  # noqa: S311 - the order a preview shows, not a secret
    return shuffled


def preview(content: Content, *, seed: str = "") -> Preview:
    """The learner's view of `content`, and its answers, per type."""
    fmt = content.text_format
    shown = Preview(content=content, text=rich(content.text, fmt))
    builder = _BUILDERS.get(content.type)
    if builder is not None:
        builder(content, shown, seed)
    return shown


def _multichoice(content: Content, shown: Preview, seed: str) -> None:
    number = NUMBERING.get(content.answer_numbering)
    for n, answer in enumerate(content.answers):
        shown.items.append(
            {
                "label": number(n) if number else "",
                "text": inline(answer.text, answer.text_format),
                "mark": Mark(answer.fraction),
                "feedback": rich(answer.feedback, content.text_format),
            }
        )
    shown.extra["legend"] = "Select one:" if content.single else "Select one or more:"
    if content.shuffle:
        shown.notes.append(
            "Learners see the choices shuffled; they are shown here in the order they were written."
        )


def _truefalse(content: Content, shown: Preview, seed: str) -> None:
    for value, feedback in ((True, content.true_feedback), (False, content.false_feedback)):
        shown.items.append(
            {
                "label": "True" if value else "False",
                "value": "true" if value else "false",
                "mark": Mark(Decimal(1 if value == content.correct else 0)),
                "feedback": rich(feedback, content.text_format),
            }
        )


def _shortanswer(content: Content, shown: Preview, seed: str) -> None:
    for answer in content.answers:
        shown.items.append(
            {
                "text": answer.text,
                "mark": Mark(answer.fraction),
                "feedback": rich(answer.feedback, content.text_format),
            }
        )
    shown.notes.append(
        "Answers must match in case."
        if content.case_sensitive
        else "Case does not matter (“pace” is “PACE”)."
    )
    if any("*" in answer.text for answer in content.answers):
        shown.notes.append("A * in an accepted answer matches any run of characters.")


def _numerical(content: Content, shown: Preview, seed: str) -> None:
    for answer in content.numerical_answers:
        if answer.value is None:
            accepted = "Any other number"
        elif answer.tolerance:
            low, high = answer.value - answer.tolerance, answer.value + answer.tolerance
            accepted = f"{_number(answer.value)} ± {_number(answer.tolerance)} (from {_number(low)} to {_number(high)})"
        else:
            accepted = f"Exactly {_number(answer.value)}"
        shown.items.append(
            {
                "text": accepted,
                "mark": Mark(answer.fraction),
                "feedback": rich(answer.feedback, content.text_format),
            }
        )
    shown.extra["units"] = [
        {"name": unit.name, "multiplier": _number(unit.multiplier)} for unit in content.units
    ]


def _number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _matching(content: Content, shown: Preview, seed: str) -> None:
    answers = list(dict.fromkeys(pair.answer for pair in content.pairs))
    shown.extra["choices"] = _shuffled([plain(a) for a in answers], seed) if content.shuffle else answers
    for pair in content.pairs:
        if pair.question.strip():
            shown.items.append({"text": inline(pair.question, "html"), "right": plain(pair.answer)})
    extra = [pair.answer for pair in content.pairs if not pair.question.strip()]
    if extra:
        shown.notes.append(f"Answers offered that match nothing: {', '.join(plain(a) for a in extra)}.")


def _ordering(content: Content, shown: Preview, seed: str) -> None:
    shown.extra["shuffled"] = [
        inline(item, "html") for item in _shuffled(content.items, seed or content.name)
    ]
    shown.items = [{"text": inline(item, "html")} for item in content.items]


def _gapselect(content: Content, shown: Preview, seed: str) -> None:
    groups: dict[int, list[str]] = {}
    for choice in content.choices:
        groups.setdefault(choice.group, []).append(plain(choice.text))
    text = str(rich(content.text, content.text_format))
    gaps = 0

    def gap(match: re.Match) -> str:
        nonlocal gaps
        index = int(match.group(1))
        if not 1 <= index <= len(content.choices):
            return match.group(0)
        gaps += 1
        right = content.choices[index - 1]
        options = groups.get(right.group, [])
        if content.shuffle:
            options = _shuffled(options, f"{seed}{gaps}")
        shown.items.append({"gap": gaps, "right": plain(right.text)})
        rendered = Markup(
            '<select class="govuk-select" id="gap-{n}" aria-label="Gap {n}" disabled>'
            '<option value=""></option>{options}</select>'
            ' <strong class="govuk-tag govuk-tag--green">Right: {right}</strong>'
        ).format(
            n=gaps,
            options=Markup("").join(Markup("<option>{}</option>").format(o) for o in options),
            right=plain(right.text),
        )
        return str(rendered)

    shown.text = Markup(_GAP.sub(gap, text))  # noqa: S704 - the text was cleaned; the gaps are built escaped


def _essay(content: Content, shown: Preview, seed: str) -> None:
    limits = []
    if content.min_words is not None:
        limits.append(f"at least {content.min_words} words")
    if content.max_words is not None:
        limits.append(f"at most {content.max_words} words")
    if limits:
        shown.notes.append(f"The answer must have {' and '.join(limits)}.")
    if content.attachments:
        count = "any number of files" if content.attachments < 0 else f"up to {content.attachments} file(s)"
        shown.notes.append(f"Learners may attach {count}.")
    if not content.response_required and content.response_format != "noinline":
        shown.notes.append("A written answer is optional.")
    shown.notes.append("Marked by hand: the essay waits for a marker.")
    shown.extra["grader_info"] = rich(content.grader_info, "html")


_BUILDERS = {
    "multichoice": _multichoice,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "matching": _matching,
    "ordering": _ordering,
    "gapselect": _gapselect,
    "essay": _essay,
}
