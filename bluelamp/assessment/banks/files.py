"""Question bank files as the pages, the API and the `bluelamp import-questions` and
`export-questions` commands take and give them: which format a file is in, reading its bytes
(a file that is not text becomes a problem of "the file", never an exception), and writing a
bank's questions out.

GIFT cannot hold ordering or select-missing-words questions (formats/gift.py): writing such a
bank to GIFT is refused naming them, unless the caller asks to leave them out (`skip_unwritable`),
in which case it is told which were left out. Nothing is dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath

from bluelamp.assessment.formats import gift, moodle_xml
from bluelamp.assessment.formats.questions import ParseResult, Problem
from bluelamp.assessment.formats.questions import Question as Content

GIFT = "gift"
MOODLE_XML = "moodle-xml"
FORMATS: tuple[str, ...] = (GIFT, MOODLE_XML)
FORMAT_LABELS = {GIFT: "GIFT", MOODLE_XML: "Moodle XML"}
EXTENSIONS = {".gift": GIFT, ".txt": GIFT, ".xml": MOODLE_XML}
CONTENT_TYPES = {GIFT: "text/plain; charset=utf-8", MOODLE_XML: "application/xml"}
FILE_EXTENSIONS = {GIFT: "gift", MOODLE_XML: "xml"}
# A bank of thousands of questions is a few megabytes; anything far larger is the wrong file.
MAX_BYTES = 20 * 1024 * 1024


class FormatUnknown(ValueError):
    """The format was not given and the file's name does not tell it."""


class Unwritable(ValueError):
    """The format cannot hold some of the questions (GIFT: ordering, select missing words)."""

    def __init__(self, fmt: str, questions: list[Content]) -> None:
        self.questions = questions
        listed = "; ".join(f"“{q.name}” ({q.type})" for q in questions)
        super().__init__(
            f"{FORMAT_LABELS[fmt]} cannot hold {len(questions)} of the questions: {listed}. "
            "Export as Moodle XML, which holds every type, or leave them out explicitly."
        )


def guess_format(file_name: str) -> str | None:
    return EXTENSIONS.get(PurePath(file_name or "").suffix.lower())


def format_of(file_name: str, given: str = "") -> str:
    """The format given, else the one the file's name tells; FormatUnknown when neither does."""
    if given:
        if given not in FORMATS:
            raise FormatUnknown(f"“{given}” is not a question file format: use {' or '.join(FORMATS)}.")
        return given
    guessed = guess_format(file_name)
    if guessed is None:
        raise FormatUnknown(
            f"Cannot tell the format of “{PurePath(file_name or '').name}” from its name: .gift and .txt "
            f"files are read as GIFT, .xml files as Moodle XML. Give the format ({' or '.join(FORMATS)})."
        )
    return guessed


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def read_questions(data: bytes, *, fmt: str) -> ParseResult:
    """Read a file's bytes into questions, problems and unsupported types (formats/)."""
    if len(data) > MAX_BYTES:
        return ParseResult(
            problems=[
                Problem(
                    0, "", f"it is {len(data):,} bytes long: a question file may be at most {MAX_BYTES:,}"
                )
            ]
        )
    if fmt == MOODLE_XML:
        return moodle_xml.parse(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return ParseResult(
            problems=[
                Problem(
                    0,
                    "",
                    f"it is not UTF-8 text (byte 0x{data[error.start]:02X} cannot be read): save it as "
                    "UTF-8 (in most editors: Save as… › Encoding › UTF-8) and try again",
                    _line_of(data, error.start),
                )
            ]
        )
    if "\x00" in text:
        return ParseResult(problems=[Problem(0, "", "it holds NUL characters: it is not a text file")])
    return gift.parse(text)


@dataclass
class Written:
    data: bytes
    left_out: list[Content] = field(default_factory=list)


def write_questions(questions: list[Content], *, fmt: str, skip_unwritable: bool = False) -> Written:
    """The questions as a file of `fmt`. Raises Unwritable naming the questions the format cannot
    hold, unless `skip_unwritable`: then they are left out and listed in `left_out`. Raises
    ValueError naming a question GIFT cannot write faithfully."""
    if fmt == MOODLE_XML:
        return Written(moodle_xml.write(questions))
    refused = gift.unwritable(questions)
    if refused and not skip_unwritable:
        raise Unwritable(fmt, refused)
    kept = [q for q in questions if q.type in gift.WRITABLE_TYPES]
    # gift.write may still refuse a question it cannot write faithfully (a "->" in a short answer):
    # a ValueError naming it.
    return Written(gift.write(kept).encode("utf-8"), left_out=refused)


def report_lines(result: ParseResult) -> list[str]:
    """A refused file's problems and unsupported questions, one line each, in file order."""
    lines = [(p.number, p.line or 0, str(p)) for p in result.problems]
    for u in result.unsupported:
        where = f"question {u.number}" + (f" ({u.name})" if u.name else "")
        if u.line:
            where += f", line {u.line}"
        lines.append(
            (
                u.number,
                u.line or 0,
                f"{where}: the type “{u.type}” is not supported, so it cannot be imported",
            )
        )
    return [text for _, _, text in sorted(lines, key=lambda item: (item[0], item[1]))]
