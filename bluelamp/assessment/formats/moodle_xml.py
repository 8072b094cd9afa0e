"""Moodle XML question files (https://docs.moodle.org/en/Moodle_XML_format) read into, and written
from, the neutral form in `questions.py`.

`parse(data)` never raises on a bad file: what it cannot read becomes a `Problem` (number 0 for the
file itself), and questions of types Bluelamp does not hold are listed as `Unsupported`. A question
with a problem is reported, not returned, so `ParseResult.questions` only holds questions that were
read whole. Files come from outside, so they are parsed with defusedxml: a DTD that declares
entities (the "billion laughs") or names an external one is refused, never expanded.

Text is kept exactly as the file gives it (HTML stays HTML); sanitising is the job of the page that
shows it.
"""

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from defusedxml.common import DefusedXmlException, EntitiesForbidden
from defusedxml.ElementTree import DefusedXMLParser

from .questions import (
    QUESTION_TYPES,
    Answer,
    GapChoice,
    MatchPair,
    NumericalAnswer,
    NumericalUnit,
    ParseResult,
    Problem,
    Question,
    TextFormat,
    Unsupported,
    check,
)

__all__ = ["parse", "write"]

_FORMATS: dict[str, TextFormat] = {
    "html": "html",
    "moodle_auto_format": "moodle",
    "plain_text": "plain",
    "markdown": "markdown",
}
_MOODLE_FORMATS: dict[str, str] = {ours: theirs for theirs, ours in _FORMATS.items()}
_TRUE = {"1", "true"}
_FALSE = {"0", "false"}
# "$course$/top/A/B", "$system$/top", "$module$/top/A": the context is not ours to keep.
_CONTEXT = re.compile(r"^\$[a-z]+\$/?")


class _Element(ET.Element):
    sourceline: int | None = None


class _LineTreeBuilder(ET.TreeBuilder):
    """Builds elements that know the line they start on (ElementTree forgets it)."""

    def __init__(self) -> None:
        super().__init__(element_factory=_Element)
        self.expat: Any = None

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        element = super().start(tag, attrs)
        element.sourceline = self.expat.CurrentLineNumber if self.expat is not None else None  # type: ignore[attr-defined]
        return element


def _line(element: ET.Element) -> int | None:
    return getattr(element, "sourceline", None)


class _Bad(Exception):
    """A problem with one question; `line` is where in the file it is."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


# ---------------------------------------------------------------------------------------- reading


def parse(data: bytes) -> ParseResult:
    """Read a Moodle XML file into questions, problems and unsupported questions."""
    result = ParseResult()
    builder = _LineTreeBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    builder.expat = parser.parser
    try:
        parser.feed(data)
        root = parser.close()
    except ET.ParseError as error:
        line = error.position[0] if error.position else None
        result.problems.append(Problem(0, "", f"it is not well-formed XML: {error}", line))
        return result
    except EntitiesForbidden as error:
        result.problems.append(
            Problem(
                0,
                "",
                f"it declares the XML entity {error.name!r}: entities are refused, as they can expand "
                "without limit or read other files and addresses",
                parser.parser.CurrentLineNumber,
            )
        )
        return result
    except DefusedXmlException as error:
        result.problems.append(
            Problem(0, "", f"it holds XML refused for safety: {error}", parser.parser.CurrentLineNumber)
        )
        return result
    if root.tag != "quiz":
        result.problems.append(
            Problem(
                0,
                "",
                f"its top element is <{root.tag}>, not <quiz>: it is not a Moodle XML file",
                _line(root),
            )
        )
        return result

    category: tuple[str, ...] = ()
    number = 0
    for element in root:
        if element.tag != "question":
            result.problems.append(
                Problem(0, "", f"<{element.tag}> inside <quiz> is not a <question>", _line(element))
            )
            continue
        qtype = (element.get("type") or "").strip()
        if qtype == "category":
            category = _category_path(_child_text(element, "category"))
            continue
        number += 1
        name = _child_text(element, "name").strip()
        if not qtype:
            result.problems.append(
                Problem(number, name, "the question has no type attribute", _line(element))
            )
            continue
        if qtype not in QUESTION_TYPES:
            result.unsupported.append(Unsupported(number, name, qtype, _line(element)))
            continue
        try:
            question = _read_question(element, qtype, name)
        except _Bad as bad:
            result.problems.append(Problem(number, name, bad.message, bad.line or _line(element)))
            continue
        question.category = category
        question.number = number
        question.line = _line(element)
        messages = check(question)
        for message in messages:
            result.problems.append(Problem(number, name, message, _line(element)))
        if not messages:
            result.questions.append(question)
    return result


def _category_path(text: str) -> tuple[str, ...]:
    path = _CONTEXT.sub("", text.strip())
    if path == "top" or path.startswith("top/"):
        path = path[3:].lstrip("/")
    # Moodle writes a "/" inside a category's name as "//".
    parts = re.split(r"(?<!/)/(?!/)", path) if path else []
    return tuple(part.replace("//", "/").strip() for part in parts if part.strip())


def _child_text(element: ET.Element, tag: str) -> str:
    """The <text> of a child such as <name>, <questiontext> or <feedback> ("" when absent)."""
    child = element.find(tag)
    if child is None:
        return ""
    return child.findtext("text") or ""


def _format(element: ET.Element | None, default: TextFormat = "html") -> TextFormat:
    if element is None or element.get("format") is None:
        return default
    value = element.get("format", "").strip()
    if value not in _FORMATS:
        raise _Bad(
            f"text format {value!r} is not one of {', '.join(_FORMATS)}",
            _line(element),
        )
    return _FORMATS[value]


def _scalar(element: ET.Element, tag: str) -> tuple[str | None, int | None]:
    child = element.find(tag)
    if child is None:
        return None, None
    return (child.text or "").strip(), _line(child)


def _decimal(value: str, what: str, line: int | None) -> Decimal:
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        raise _Bad(f"{what} {value!r} is not a number", line) from None
    if not number.is_finite():
        raise _Bad(f"{what} {value!r} is not a number", line)
    return number


def _decimal_child(element: ET.Element, tag: str, what: str, default: Decimal) -> Decimal:
    value, line = _scalar(element, tag)
    return default if value is None or value == "" else _decimal(value, what, line)


def _int_child(element: ET.Element, tag: str, what: str) -> int | None:
    value, line = _scalar(element, tag)
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise _Bad(f"{what} {value!r} is not a whole number", line) from None


def _bool_child(element: ET.Element, tag: str, default: bool) -> bool:
    value, line = _scalar(element, tag)
    if value is None or value == "":
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise _Bad(f"<{tag}> is {value!r}: true, false, 1 or 0 is accepted", line)


def _fraction(answer: ET.Element) -> Decimal:
    value = answer.get("fraction")
    if value is None:
        raise _Bad("an answer has no fraction attribute", _line(answer))
    return _decimal(value, "the answer's fraction", _line(answer)) / 100


def _read_question(element: ET.Element, qtype: str, name: str) -> Question:
    questiontext = element.find("questiontext")
    question = Question(
        type=qtype,
        name=name,
        text=_child_text(element, "questiontext"),
        text_format=_format(questiontext),
        general_feedback=_child_text(element, "generalfeedback"),
        default_mark=_decimal_child(element, "defaultgrade", "the default mark", Decimal(1)),
        penalty=_decimal_child(element, "penalty", "the penalty", Question.penalty),
        tags=[tag.findtext("text") or "" for tag in element.findall("tags/tag")],
        idnumber=(element.findtext("idnumber") or "").strip(),
    )
    if questiontext is None:
        raise _Bad("the question has no <questiontext>", _line(element))
    _READERS[qtype](element, question)
    return question


def _read_combined_feedback(element: ET.Element, question: Question) -> None:
    question.correct_feedback = _child_text(element, "correctfeedback")
    question.partially_correct_feedback = _child_text(element, "partiallycorrectfeedback")
    question.incorrect_feedback = _child_text(element, "incorrectfeedback")


def _read_answers(element: ET.Element, question: Question) -> None:
    for answer in element.findall("answer"):
        question.answers.append(
            Answer(
                text=answer.findtext("text") or "",
                fraction=_fraction(answer),
                feedback=_child_text(answer, "feedback"),
                text_format=_format(answer),
            )
        )


def _read_multichoice(element: ET.Element, question: Question) -> None:
    _read_answers(element, question)
    question.single = _bool_child(element, "single", True)
    question.shuffle = _bool_child(element, "shuffleanswers", True)
    question.answer_numbering = (element.findtext("answernumbering") or "abc").strip()
    _read_combined_feedback(element, question)


def _read_truefalse(element: ET.Element, question: Question) -> None:
    seen = set()
    right = None
    for answer in element.findall("answer"):
        value = (answer.findtext("text") or "").strip().lower()
        if value not in ("true", "false"):
            raise _Bad(f"a true/false answer is {value!r}, not true or false", _line(answer))
        if value in seen:
            raise _Bad(f"the answer {value!r} is given twice", _line(answer))
        seen.add(value)
        fraction = _fraction(answer)
        if fraction == 1:
            right = value == "true"
        feedback = _child_text(answer, "feedback")
        if value == "true":
            question.true_feedback = feedback
        else:
            question.false_feedback = feedback
    if right is None:
        raise _Bad("neither true nor false is worth 100%", _line(element))
    question.correct = right


def _read_shortanswer(element: ET.Element, question: Question) -> None:
    _read_answers(element, question)
    question.case_sensitive = _bool_child(element, "usecase", False)


def _read_numerical(element: ET.Element, question: Question) -> None:
    for answer in element.findall("answer"):
        value = (answer.findtext("text") or "").strip()
        line = _line(answer)
        question.numerical_answers.append(
            NumericalAnswer(
                value=None if value == "*" else _decimal(value, "the numerical answer", line),
                tolerance=_decimal_child(answer, "tolerance", "the tolerance", Decimal(0)),
                fraction=_fraction(answer),
                feedback=_child_text(answer, "feedback"),
            )
        )
    for unit in element.findall("units/unit"):
        unit_name = (unit.findtext("unit_name") or "").strip()
        if not unit_name:
            raise _Bad("a unit has no <unit_name>", _line(unit))
        question.units.append(
            NumericalUnit(
                name=unit_name,
                multiplier=_decimal_child(unit, "multiplier", "the unit's multiplier", Decimal(1)),
            )
        )


def _read_matching(element: ET.Element, question: Question) -> None:
    for sub in element.findall("subquestion"):
        question.pairs.append(
            MatchPair(question=sub.findtext("text") or "", answer=_child_text(sub, "answer"))
        )
    question.shuffle = _bool_child(element, "shuffleanswers", True)
    _read_combined_feedback(element, question)


def _read_ordering(element: ET.Element, question: Question) -> None:
    # The plugin keeps each item's position in its "fraction"; files list them in order anyway.
    answers = element.findall("answer")
    positions = []
    for index, answer in enumerate(answers):
        value = answer.get("fraction")
        position = Decimal(index) if value is None else _decimal(value, "the item's position", _line(answer))
        positions.append((position, index))
    question.items = [answers[index].findtext("text") or "" for _, index in sorted(positions)]
    _read_combined_feedback(element, question)


def _read_gapselect(element: ET.Element, question: Question) -> None:
    for option in element.findall("selectoption"):
        group = _int_child(option, "group", "the choice's group")
        question.choices.append(
            GapChoice(text=option.findtext("text") or "", group=1 if group is None else group)
        )
    question.shuffle = _bool_child(element, "shuffleanswers", True)
    _read_combined_feedback(element, question)


def _read_essay(element: ET.Element, question: Question) -> None:
    question.response_format = (element.findtext("responseformat") or "editor").strip()
    question.response_required = _bool_child(element, "responserequired", True)
    question.response_template = _child_text(element, "responsetemplate")
    question.grader_info = _child_text(element, "graderinfo")
    question.min_words = _int_child(element, "minwordlimit", "the minimum word count")
    question.max_words = _int_child(element, "maxwordlimit", "the maximum word count")
    attachments = _int_child(element, "attachments", "the number of attachments")
    question.attachments = 0 if attachments is None else attachments


def _read_description(element: ET.Element, question: Question) -> None:
    pass


_READERS: dict[str, Callable[[ET.Element, Question], None]] = {
    "multichoice": _read_multichoice,
    "truefalse": _read_truefalse,
    "shortanswer": _read_shortanswer,
    "numerical": _read_numerical,
    "matching": _read_matching,
    "ordering": _read_ordering,
    "gapselect": _read_gapselect,
    "essay": _read_essay,
    "description": _read_description,
}


# ---------------------------------------------------------------------------------------- writing


def write(questions: list[Question]) -> bytes:
    """A Moodle XML file of the questions, with a category pseudo-question before each change of
    category."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    category: tuple[str, ...] | None = None
    for question in questions:
        if question.category != category:
            category = question.category
            path = "/".join(["$course$", "top", *(part.replace("/", "//") for part in category)])
            out += [
                '  <question type="category">',
                f"    <category>{_text(path)}</category>",
                "  </question>",
            ]
        out += _write_question(question)
    out.append("</quiz>")
    return ("\n".join(out) + "\n").encode("utf-8")


def _text(value: str) -> str:
    """A <text> element, in CDATA when the text holds markup."""
    if any(c in value for c in "<>&"):
        return "<text><![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]></text>"
    return f"<text>{escape(value)}</text>"


def _number(value: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 33.33333, 100, 0.5."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _texted(tag: str, value: str, text_format: TextFormat | None = "html", indent: str = "    ") -> str:
    fmt = f" format={quoteattr(_MOODLE_FORMATS[text_format])}" if text_format else ""
    return f"{indent}<{tag}{fmt}>{_text(value)}</{tag}>"


def _write_question(q: Question) -> list[str]:
    out = [
        f"  <question type={quoteattr(q.type)}>",
        f"    <name>{_text(q.name)}</name>",
        _texted("questiontext", q.text, q.text_format),
        _texted("generalfeedback", q.general_feedback),
        f"    <defaultgrade>{_number(q.default_mark)}</defaultgrade>",
        f"    <penalty>{_number(q.penalty)}</penalty>",
        "    <hidden>0</hidden>",
        f"    <idnumber>{escape(q.idnumber)}</idnumber>",
    ]
    out += _WRITERS[q.type](q)
    if q.tags:
        out.append("    <tags>")
        out += [f"      <tag>{_text(tag)}</tag>" for tag in q.tags]
        out.append("    </tags>")
    out.append("  </question>")
    return out


def _write_combined_feedback(q: Question) -> list[str]:
    return [
        _texted("correctfeedback", q.correct_feedback),
        _texted("partiallycorrectfeedback", q.partially_correct_feedback),
        _texted("incorrectfeedback", q.incorrect_feedback),
    ]


def _write_answer(text: str, fraction: Decimal, feedback: str, text_format: TextFormat | None) -> list[str]:
    fmt = f" format={quoteattr(_MOODLE_FORMATS[text_format])}" if text_format else ""
    return [
        f'    <answer fraction="{_number(fraction * 100)}"{fmt}>',
        f"      {_text(text)}",
        _texted("feedback", feedback, indent="      "),
        "    </answer>",
    ]


def _write_answers(q: Question) -> list[str]:
    out = []
    for answer in q.answers:
        out += _write_answer(answer.text, answer.fraction, answer.feedback, answer.text_format)
    return out


def _write_multichoice(q: Question) -> list[str]:
    return [
        f"    <single>{_bool(q.single)}</single>",
        f"    <shuffleanswers>{_bool(q.shuffle)}</shuffleanswers>",
        f"    <answernumbering>{escape(q.answer_numbering)}</answernumbering>",
        *_write_combined_feedback(q),
        *_write_answers(q),
    ]


def _write_truefalse(q: Question) -> list[str]:
    return [
        *_write_answer("true", Decimal(1 if q.correct else 0), q.true_feedback, "moodle"),
        *_write_answer("false", Decimal(0 if q.correct else 1), q.false_feedback, "moodle"),
    ]


def _write_shortanswer(q: Question) -> list[str]:
    return [f"    <usecase>{int(q.case_sensitive)}</usecase>", *_write_answers(q)]


def _write_numerical(q: Question) -> list[str]:
    out = []
    for answer in q.numerical_answers:
        value = "*" if answer.value is None else _number(answer.value)
        out += [
            f'    <answer fraction="{_number(answer.fraction * 100)}" format="moodle_auto_format">',
            f"      <text>{value}</text>",
            f"      <tolerance>{_number(answer.tolerance)}</tolerance>",
            _texted("feedback", answer.feedback, indent="      "),
            "    </answer>",
        ]
    if q.units:
        out.append("    <units>")
        for unit in q.units:
            out += [
                "      <unit>",
                f"        <multiplier>{_number(unit.multiplier)}</multiplier>",
                f"        <unit_name>{escape(unit.name)}</unit_name>",
                "      </unit>",
            ]
        out.append("    </units>")
    return out


def _write_matching(q: Question) -> list[str]:
    out = [f"    <shuffleanswers>{_bool(q.shuffle)}</shuffleanswers>", *_write_combined_feedback(q)]
    for pair in q.pairs:
        out += [
            '    <subquestion format="html">',
            f"      {_text(pair.question)}",
            f"      <answer>{_text(pair.answer)}</answer>",
            "    </subquestion>",
        ]
    return out


def _write_ordering(q: Question) -> list[str]:
    out = [
        "    <layouttype>VERTICAL</layouttype>",
        "    <selecttype>ALL</selecttype>",
        "    <selectcount>0</selectcount>",
        "    <gradingtype>ABSOLUTE_POSITION</gradingtype>",
        "    <showgrading>SHOW</showgrading>",
        "    <numberingstyle>none</numberingstyle>",
        *_write_combined_feedback(q),
    ]
    # Each item's "fraction" is its position, as the plugin itself exports them.
    for position, item in enumerate(q.items, start=1):
        out += [f'    <answer fraction="{position}" format="html">', f"      {_text(item)}", "    </answer>"]
    return out


def _write_gapselect(q: Question) -> list[str]:
    out = [f"    <shuffleanswers>{int(q.shuffle)}</shuffleanswers>", *_write_combined_feedback(q)]
    for choice in q.choices:
        out += [
            "    <selectoption>",
            f"      {_text(choice.text)}",
            f"      <group>{choice.group}</group>",
            "    </selectoption>",
        ]
    return out


def _write_essay(q: Question) -> list[str]:
    out = [
        f"    <responseformat>{escape(q.response_format)}</responseformat>",
        f"    <responserequired>{int(q.response_required)}</responserequired>",
        "    <responsefieldlines>15</responsefieldlines>",
        f"    <minwordlimit>{'' if q.min_words is None else q.min_words}</minwordlimit>",
        f"    <maxwordlimit>{'' if q.max_words is None else q.max_words}</maxwordlimit>",
        f"    <attachments>{q.attachments}</attachments>",
        "    <attachmentsrequired>0</attachmentsrequired>",
        _texted("graderinfo", q.grader_info),
        _texted("responsetemplate", q.response_template),
    ]
    return out


def _write_description(q: Question) -> list[str]:
    return []


_WRITERS: dict[str, Callable[[Question], list[str]]] = {
    "multichoice": _write_multichoice,
    "truefalse": _write_truefalse,
    "shortanswer": _write_shortanswer,
    "numerical": _write_numerical,
    "matching": _write_matching,
    "ordering": _write_ordering,
    "gapselect": _write_gapselect,
    "essay": _write_essay,
    "description": _write_description,
}
