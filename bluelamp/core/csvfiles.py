"""Reading an uploaded CSV file, and naming plainly what makes a whole file unreadable.

Shared by the HR import and the learning-history import. Row problems (a bad date, an unknown
person) are each importer's business; this module deals only with the file as a whole: too large,
saved in UTF-16 or as a spreadsheet, not text, or a quote that is never closed. Each raises
`UnreadableFile`, whose message says what is wrong and what is accepted, for a person to act on.
"""

import codecs
import csv
import io
import math
from collections.abc import Iterator

SAVE_AS = "Save it from your spreadsheet as “CSV UTF-8 (Comma delimited)” and upload that."


class UnreadableFile(Exception):
    """The file as a whole cannot be read; the message says why and what is accepted."""


def _size(size: int, *, up: bool = False) -> str:
    """1.5 MB, 300 KB, 100 bytes; `up` rounds up, so that a file just over a limit never shows as equal."""
    for unit, name in ((1024 * 1024, "MB"), (1024, "KB")):
        if size >= unit:
            tenths = math.ceil(size * 10 / unit) if up else math.floor(size * 10 / unit)
            return f"{tenths / 10:,.1f}".removesuffix(".0") + f" {name}"
    return f"{size} bytes"


def check_size(size: int, *, limit: int) -> None:
    if size > limit:
        raise UnreadableFile(
            f"The file is {_size(size, up=True)}; the limit is {_size(limit)}. "
            "Split it into smaller files and import each one."
        )


def _looks_like_utf16(data: bytes) -> bool:
    """UTF-16 without a byte-order mark: CSV text is mostly ASCII, so one byte of each pair is 0."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 2:
        return False
    zeros = sorted((sample[0::2].count(0), sample[1::2].count(0)))
    return zeros[1] >= pairs // 2 and zeros[0] <= pairs // 10


def decode(data: bytes, *, limit: int) -> str:
    """The text of an uploaded CSV file (UTF-8, with or without a BOM, or Windows-1252)."""
    check_size(len(data), limit=limit)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _looks_like_utf16(data):
        raise UnreadableFile(f"The file is saved as UTF-16 (“Unicode Text”), which cannot be read. {SAVE_AS}")
    nul = data.find(b"\0")
    if nul >= 0:
        row = data.count(b"\n", 0, nul) + 1
        raise UnreadableFile(
            f"The file has a NUL character (a zero byte) on row {row}, which a CSV file never has: "
            f"it may be a spreadsheet or another kind of file renamed to .csv. {SAVE_AS}"
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(f"The file is not text (UTF-8 or Windows-1252). {SAVE_AS}")


def records(text: str) -> Iterator[list[str]]:
    """The file's records (the header first), each a list of values.

    Strict about quotes: a quote never closed would otherwise swallow the rest of the file into
    one value. Raises UnreadableFile naming the row (the header is row 1, as in a spreadsheet).
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    row = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise UnreadableFile(_quote_problem(str(exc), row + 1)) from None
        row += 1
        yield record


def _quote_problem(message: str, row: int) -> str:
    doubled = 'write the value in quotes with the quote doubled: "Smith ""Jr""" for Smith "Jr".'
    if message.startswith("unexpected end of data") or message.startswith("field larger than field limit"):
        return (
            f'A quote (") on row {row} is never closed, so the rest of the file cannot be read. '
            f"Close the quote; for a quote that is part of a value, {doubled}"
        )
    if "expected after" in message:
        return f'Row {row} has text straight after a closing quote ("). For a quote that is part of a value, {doubled}'
    return f"Row {row} cannot be read as CSV ({message}). {SAVE_AS}"
