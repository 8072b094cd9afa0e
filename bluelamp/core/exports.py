"""Spreadsheet downloads (CSV and XLSX) that a spreadsheet cannot run as formulas.

Every CSV or XLSX the project hands out goes through here, so that text typed by anyone (a
person's name, an API token's name, a ticket's subject) cannot become a formula when an
administrator opens the file: a cell that starts with =, +, -, @, a tab or a carriage return
is prefixed with an apostrophe (OWASP, "CSV injection"). Real numbers (ints, floats, decimals)
stay numbers, so figures remain sortable; only text is escaped. `tests` in bluelamp/core checks
that no other module writes CSV or XLSX itself.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

import tablib
from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# A byte-order mark so that Excel opens UTF-8 names (O'Brien, Zoë) correctly.
_BOM = "\ufeff"


def safe_cell(value):
    """The value as a cell a spreadsheet will show, never run: None → "", numbers and dates
    unchanged (a negative number is a number, not a formula), everything else as text, with an
    apostrophe before a leading =, +, -, @, tab or CR."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal | dt.date):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_row(values: Iterable) -> list:
    return [safe_cell(value) for value in values]


def csv_download(
    *, filename: str, header: Sequence[str], rows: Iterable[Iterable], bom: bool = False
) -> HttpResponse:
    """An attachment `filename` with `header` then `rows`, every cell through `safe_cell`."""
    response = HttpResponse(content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if bom:
        response.write(_BOM)
    writer = csv.writer(response)
    writer.writerow(safe_row(header))
    for row in rows:
        writer.writerow(safe_row(row))
    return response


def csv_write(stream, *, header: Sequence[str], rows: Iterable[Iterable]) -> int:
    """`header` then `rows` as CSV to a text stream (a file, a command's standard output), every
    cell through `safe_cell`, each line ending in "\\n" as command-line tools expect; rows are
    written as they come, so a long report is never held whole. Returns the number of rows."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(safe_row(header))
    count = 0
    for row in rows:
        writer.writerow(safe_row(row))
        count += 1
    return count


def dataset(*, headers: Sequence[str], title: str = "") -> SafeDataset:
    """A table for `dataset_download`; rows appended to it are escaped as they are added."""
    return SafeDataset(headers=safe_row(headers), title=title)


class SafeDataset(tablib.Dataset):
    """A tablib Dataset whose rows pass through `safe_cell` when appended."""

    def append(self, row, tags=()):
        super().append(safe_row(row), tags)

    def extend(self, rows, tags=()):
        for row in rows:
            self.append(row, tags)


def dataset_bytes(data: SafeDataset, *, fmt: str) -> bytes:
    """`data` as the bytes of a CSV (UTF-8 with a byte-order mark, for Excel) or XLSX file: a
    download's body, or an e-mail's attachment (the scheduled reports)."""
    if not isinstance(data, SafeDataset):
        raise TypeError("build downloads with bluelamp.core.exports.dataset(), which escapes formulas")
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"no download format {fmt!r}; use one of {', '.join(CONTENT_TYPES)}")
    body = data.export(fmt)
    if fmt == "csv":
        return (_BOM + body).encode("utf-8")
    return body


def dataset_download(data: SafeDataset, *, fmt: str, filename: str) -> HttpResponse:
    """`data` as a CSV (with a byte-order mark, for Excel) or XLSX attachment."""
    body = dataset_bytes(data, fmt=fmt)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
