"""Moodle's GIFT question format (https://docs.moodle.org/en/GIFT_format), read into and written
from the neutral form of `questions.py`.

A file is read whole: every question is checked and every problem is reported with the question's
number, name and line, so that a person can mend the file and nothing is half-imported.
"""

import re
from decimal import Decimal, InvalidOperation

from .questions import (
    Answer,
    MatchPair,
    NumericalAnswer,
    ParseResult,
    Problem,
    Question,
    TextFormat,
    check,
)

__all__ = ["WRITABLE_TYPES", "parse", "unwritable", "write"]

WRITABLE_TYPES: tuple[str, ...] = (
    "multichoice",
    "truefalse",
    "shortanswer",
    "numerical",
    "matching",
    "essay",
    "description",
)
TEXT_FORMATS: tuple[TextFormat, ...] = ("html", "markdown", "plain", "moodle")
# Moodle reads GIFT text as its own "moodle auto-format" unless a tag says otherwise.
DEFAULT_FORMAT: TextFormat = "moodle"
MISSING_WORD = "_____"

# Escaped characters are swapped for private-use code points while the structure is read, so that
# `\=` or `\{` can never be taken for markup; they are swapped back in the finished texts.
_ESCAPABLE = "\\~=#{}:"
_HIDDEN = {ch: chr(0xE000 + i) for i, ch in enumerate(_ESCAPABLE)}
_HIDDEN_NEWLINE = chr(0xE000 + len(_ESCAPABLE))
_REVEAL = {hidden: ch for ch, hidden in _HIDDEN.items()} | {_HIDDEN_NEWLINE: "\n"}
_ESCAPE = re.compile(r"\\([\\~=#{}:n])")
_FORMAT_TAG = re.compile(r"^\s*\[([A-Za-z]+)\]")
_WEIGHT = re.compile(r"^\s*%([^%]*)%")
_NAME_LENGTH = 80


class _Bad(Exception):
    """A problem that stops one question being read (the others are still read)."""


def _hide(text: str) -> str:
    return _ESCAPE.sub(lambda m: _HIDDEN_NEWLINE if m.group(1) == "n" else _HIDDEN[m.group(1)], text)


def _reveal(text: str) -> str:
    return "".join(_REVEAL.get(ch, ch) for ch in text)


# Reading


def parse(text: str) -> ParseResult:
    """Read a GIFT file. The result is not `ok` if any question has a problem: write nothing then."""
    result = ParseResult()
    category: tuple[str, ...] = ()
    chunk: list[tuple[int, str]] = []

    def flush() -> None:
        if chunk:
            number = len(result.questions) + 1
            result.questions.append(_read_question(chunk, number, category, result.problems))
            chunk.clear()

    # Only \n ends a line (str.splitlines would also split at \x85, \u2028… inside a text).
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for line_number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if not stripped:
            flush()
            continue
        if stripped.startswith("$CATEGORY:"):  # ends a question even without a blank line before it
            flush()
            category = _read_category(stripped.removeprefix("$CATEGORY:"))
            continue
        chunk.append((line_number, line))
    flush()
    return result


def _read_category(path: str) -> tuple[str, ...]:
    """`$course$/top/a/b` and `a/b` are both ("a", "b"); Moodle writes a "/" inside a name as "//"."""
    path = re.sub(r"^\s*\$[a-z]+\$/?", "", path.strip())
    parts = [p.replace("//", "/").strip() for p in re.split(r"(?<!/)/(?!/)", path)]
    parts = [p for p in parts if p]
    if parts and parts[0] == "top":
        parts = parts[1:]
    return tuple(parts)


def _default_name(text: str) -> str:
    """Moodle names an untitled question from the start of its text, tags removed."""
    plain = " ".join(re.sub(r"<[^>]*>", " ", text).split())
    if len(plain) <= _NAME_LENGTH:
        return plain
    cut = plain[:_NAME_LENGTH].rsplit(" ", 1)[0] or plain[:_NAME_LENGTH]
    return cut + "..."


def _read_question(
    chunk: list[tuple[int, str]], number: int, category: tuple[str, ...], problems: list[Problem]
) -> Question:
    line = chunk[0][0]
    raw = _hide("\n".join(text for _, text in chunk).strip())
    name = ""
    title = re.match(r"^::(.*?)::", raw, re.DOTALL)
    if title:
        name = _reveal(title.group(1)).strip()
        raw = raw[title.end() :]
    question = Question(type="description", name=name, text="", category=category, number=number, line=line)

    def report(message: str) -> None:
        problems.append(Problem(number=number, name=question.name, message=message, line=line))

    found: list[str] = []
    try:
        question.text_format, raw = _read_format(raw, DEFAULT_FORMAT, strict=True)
        before, block, after = _split_block(raw)
        if block is None:
            question.text = _reveal(before).strip()
        else:
            if after.strip():
                question.text = _reveal(before + MISSING_WORD + after).strip()
            else:
                question.text = _reveal(before).strip()
            _read_answers(question, block)
    except _Bad as bad:
        found.append(str(bad))
        if not question.text:  # so that an untitled question can still be named in the problem
            question.text = _reveal(raw.split("{")[0]).strip()
    if not question.name:
        question.name = _default_name(question.text)
    # A question not read whole is not checked further: the general checks would only add noise.
    if not found and question.type == "multichoice" and not any(a.fraction > 0 for a in question.answers):
        found.append("a multiple-choice question has no right answer: mark one with = or give weights ~%50%")
        found += [m for m in check(question) if not m.startswith("the right answers of")]
    elif not found:
        found += check(question)
    for message in dict.fromkeys(found):
        report(message)
    return question


def _read_format(text: str, default: TextFormat, *, strict: bool) -> tuple[TextFormat, str]:
    tag = _FORMAT_TAG.match(text)
    if not tag:
        return default, text
    for text_format in TEXT_FORMATS:
        if tag.group(1).lower() == text_format:
            return text_format, text[tag.end() :]
    if strict:
        raise _Bad(f"unknown format tag [{tag.group(1)}]: [{'], ['.join(TEXT_FORMATS)}] are accepted")
    return default, text


def _split_block(raw: str) -> tuple[str, str | None, str]:
    opening, closing = raw.count("{"), raw.count("}")
    if opening != closing:
        raise _Bad(
            f"unbalanced braces: {opening} {{ and {closing} }} (write \\{{ or \\}} for a brace in text)"
        )
    if opening == 0:
        return raw, None, ""
    if opening > 1:
        raise _Bad(f"it has {opening} answer blocks {{…}}; GIFT allows one per question")
    start, end = raw.index("{"), raw.index("}")
    if end < start:
        raise _Bad("unbalanced braces: a } comes before the {")
    return raw[:start], raw[start + 1 : end], raw[end + 1 :]


def _read_answers(question: Question, block: str) -> None:
    inner, _, general = block.rpartition("####") if "####" in block else (block, "", "")
    question.general_feedback = _reveal(general).strip()
    inner = inner.strip()
    if not inner:
        question.type = "essay"
    elif inner.startswith("#"):
        question.type = "numerical"
        question.numerical_answers = _read_numerical(inner[1:])
    elif "~" in inner:
        question.type = "multichoice"
        _read_choices(question, inner)
    elif "=" in inner and "->" in inner:
        question.type = "matching"
        question.pairs = _read_pairs(inner)
    elif re.match(r"^(T|TRUE|F|FALSE)\s*(#|$)", inner):  # upper case only, as Moodle reads it
        question.type = "truefalse"
        _read_truefalse(question, inner)
    elif inner.startswith("="):
        question.type = "shortanswer"
        question.case_sensitive = False
        _read_choices(question, inner)
    else:
        raise _Bad(
            f"cannot tell what kind of answer {{{_reveal(inner)[:40]}}} is: "
            "start answers with = or ~, or write T, F, # (a number) or nothing (an essay)"
        )


def _answer_pieces(inner: str) -> list[tuple[str, str]]:
    """Each answer with the mark (= or ~) it began with."""
    pieces = re.split(r"([=~])", inner)
    if pieces[0].strip():
        raise _Bad(f"{_reveal(pieces[0]).strip()[:40]!r} comes before the first = or ~")
    return list(zip(pieces[1::2], pieces[2::2], strict=True))


def _read_weight(text: str) -> tuple[Decimal | None, str]:
    weight = _WEIGHT.match(text)
    if not weight:
        return None, text
    try:
        value = Decimal(weight.group(1).strip())
    except InvalidOperation:
        raise _Bad(
            f"the weight %{_reveal(weight.group(1))}% is not a number (write e.g. %50% or %-25%)"
        ) from None
    if not value.is_finite():
        raise _Bad(f"the weight %{_reveal(weight.group(1))}% is not a number")
    return value / 100, text[weight.end() :]


def _read_choices(question: Question, inner: str) -> None:
    pieces = _answer_pieces(inner)
    question.single = any(mark == "=" for mark, _ in pieces) or question.type == "shortanswer"
    for index, (mark, piece) in enumerate(pieces, start=1):
        weight, piece = _read_weight(piece)
        fraction = weight if weight is not None else Decimal(1 if mark == "=" else 0)
        text_format, piece = _read_format(piece, question.text_format, strict=False)
        text, _, feedback = piece.partition("#")
        text = _reveal(text).strip()
        if not text:
            raise _Bad(f"answer {index} is empty")
        question.answers.append(
            Answer(text=text, fraction=fraction, feedback=_reveal(feedback).strip(), text_format=text_format)
        )


def _number(text: str) -> Decimal:
    shown = _reveal(text).strip()
    try:
        value = Decimal(shown)
    except InvalidOperation:
        raise _Bad(f"{shown!r} is not a number") from None
    if not value.is_finite():
        raise _Bad(f"{shown!r} is not a number")
    return value


def _read_numerical(inner: str) -> list[NumericalAnswer]:
    """`3.14:0.01`, `1..5`, or `=3.14:0.01#fb =%50%3:1`; a final `~#feedback` is for any other
    number, as is an answer `*` (Moodle's reading of both)."""
    inner, tilde, other = inner.strip().partition("~")
    pieces = _answer_pieces(inner) if "=" in inner else [("=", inner)]
    answers = []
    for index, (_, piece) in enumerate(pieces, start=1):
        weight, piece = _read_weight(piece)
        body, _, feedback = piece.partition("#")
        value: Decimal | None
        if not body.strip():
            raise _Bad(f"numerical answer {index} is empty")
        if body.strip() == "*":
            value, tolerance = None, Decimal(0)
        elif ".." in body:
            low_text, _, high_text = body.partition("..")
            low, high = _number(low_text), _number(high_text)
            if low > high:
                raise _Bad(f"the range {low}..{high} runs backwards")
            value, tolerance = (low + high) / 2, (high - low) / 2
        elif ":" in body:
            value_text, _, tolerance_text = body.partition(":")
            value, tolerance = _number(value_text), _number(tolerance_text)
        else:
            value, tolerance = _number(body), Decimal(0)
        answers.append(
            NumericalAnswer(
                value=value,
                tolerance=tolerance,
                fraction=weight if weight is not None else Decimal(1),
                feedback=_reveal(feedback).strip(),
            )
        )
    if tilde:
        _, _, feedback = other.partition("#")
        answers.append(NumericalAnswer(None, Decimal(0), Decimal(0), _reveal(feedback).strip()))
    return answers


def _read_pairs(inner: str) -> list[MatchPair]:
    pairs = []
    for index, (mark, piece) in enumerate(_answer_pieces(inner), start=1):
        if mark != "=" or "->" not in piece:
            raise _Bad(f"matching pair {index} must be written =sub-question -> answer")
        sub_question, _, answer = piece.partition("->")
        if not answer.strip():
            raise _Bad(f"matching pair {index} has no answer after ->")
        pairs.append(MatchPair(question=_reveal(sub_question).strip(), answer=_reveal(answer).strip()))
    return pairs


def _read_truefalse(question: Question, inner: str) -> None:
    value, *feedback = inner.split("#")
    if len(feedback) > 2:
        raise _Bad("a true/false question takes at most two feedbacks: {T#when wrong#when right}")
    question.correct = value.strip().upper() in ("T", "TRUE")
    wrong, right = [_reveal(f).strip() for f in feedback] + [""] * (2 - len(feedback))
    if question.correct:
        question.true_feedback, question.false_feedback = right, wrong
    else:
        question.true_feedback, question.false_feedback = wrong, right


# Writing


def unwritable(questions: list[Question]) -> list[Question]:
    """The questions GIFT cannot hold (ordering, select missing words)."""
    return [q for q in questions if q.type not in WRITABLE_TYPES]


def write(questions: list[Question]) -> str:
    """Write questions as GIFT. Raises ValueError naming any question GIFT cannot hold."""
    refused = unwritable(questions)
    if refused:
        listed = "; ".join(f"{q.name!r} ({q.type})" for q in refused)
        raise ValueError(f"GIFT cannot hold these questions: {listed}")
    for q in questions:
        for pair in q.pairs:
            if "->" in pair.question:
                raise ValueError(f"question {q.name!r}: a matching sub-question cannot contain '->' in GIFT")
        if q.type == "shortanswer" and any("->" in a.text or "->" in a.feedback for a in q.answers):
            raise ValueError(
                f"question {q.name!r}: a short answer or its feedback cannot contain '->' in GIFT "
                "(it would be read as a matching question)"
            )
    out = [f"// {line}" for line in _losses(questions)]
    category: tuple[str, ...] | None = None
    for q in questions:
        if q.category != category:
            category = q.category
            path = "/".join(["$course$", "top", *(part.replace("/", "//") for part in category)])
            out += [f"$CATEGORY: {path}", ""]
        out += [_write_question(q), ""]
    return "\n".join(out)


def _losses(questions: list[Question]) -> list[str]:
    lost = []
    for q in questions:
        if q.type == "numerical" and q.units:
            lost.append(f"{q.name}: its units ({', '.join(u.name for u in q.units)}) are lost")
        if q.type == "shortanswer" and q.case_sensitive:
            lost.append(f"{q.name}: it was case-sensitive; GIFT answers are not")
        if q.type == "description" and q.general_feedback:
            lost.append(f"{q.name}: a description's general feedback is lost")
    if lost:
        return ["GIFT cannot hold everything in these questions:", *(f"  {line}" for line in lost)]
    return []


def _escape(text: str) -> str:
    text = "".join("\\" + ch if ch in _ESCAPABLE else ch for ch in text)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def _decimal(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _weight(fraction: Decimal) -> str:
    return f"%{_decimal(fraction * 100)}%"


def _write_answer_text(answer: Answer, question_format: TextFormat) -> str:
    tag = (
        f"[{answer.text_format}]"
        if answer.text_format != question_format or answer.text.startswith("[")
        else ""
    )
    return tag + _escape(answer.text)


def _write_block(q: Question) -> str | None:
    lines: list[str] = []
    if q.type == "description":
        return None
    if q.type == "multichoice":
        # One `=` marks a one-answer question; every other answer starts with `~` so that the
        # block is never taken for a short answer.
        right = next((a for a in q.answers if a.fraction == 1), None) if q.single else None
        for a in q.answers:
            weighted = a.fraction != 0 or a.text.startswith("%")
            if a is right:
                mark = "=" + (_weight(a.fraction) if a.text.startswith("%") else "")
            else:
                mark = "~" + (_weight(a.fraction) if weighted else "")
            lines.append(mark + _write_answer_text(a, q.text_format) + _feedback(a.feedback))
    elif q.type == "shortanswer":
        for a in q.answers:
            mark = "=" if a.fraction == 1 and not a.text.startswith("%") else "=" + _weight(a.fraction)
            lines.append(mark + _write_answer_text(a, q.text_format) + _feedback(a.feedback))
    elif q.type == "truefalse":
        when_wrong, when_right = (
            (q.false_feedback, q.true_feedback) if q.correct else (q.true_feedback, q.false_feedback)
        )
        value = "TRUE" if q.correct else "FALSE"
        if when_right:
            value += (_feedback(when_wrong) or "#") + _feedback(when_right)
        elif when_wrong:
            value += _feedback(when_wrong)
        lines.append(value)
    elif q.type == "numerical":
        first = "#"
        other = None
        for number in q.numerical_answers:
            if number.value is None and number.fraction == 0 and other is None:
                other = number  # written last, as `~#feedback`
                continue
            weight = "" if number.fraction == 1 else _weight(number.fraction)
            if number.value is None:
                body = "*"
            else:
                body = f"{_decimal(number.value)}:{_decimal(number.tolerance)}"
            lines.append(f"{first}={weight}{body}{_feedback(number.feedback)}")
            first = ""
        if other is not None:
            lines.append(f"{first}~{_feedback(other.feedback) or '#'}")
            first = ""
        if first:
            lines.append(first)
    elif q.type == "matching":
        for pair in q.pairs:
            lines.append(f"={_escape(pair.question)} -> {_escape(pair.answer)}")
    if q.general_feedback:
        lines.append("####" + _escape(q.general_feedback))
    if not lines:
        return "{}"
    return "{\n" + "".join(f"\t{line}\n" for line in lines) + "}"


def _feedback(text: str) -> str:
    return "#" + _escape(text) if text else ""


def _write_question(q: Question) -> str:
    head = f"::{_escape(q.name)}::[{q.text_format}]"
    block = _write_block(q)
    if block is None:
        return head + _escape(q.text)
    before, gap, after = q.text.partition(MISSING_WORD)
    if gap and after.strip():
        return head + _escape(before) + block + _escape(after)
    return head + _escape(q.text) + block
