"""Spreadsheet downloads cannot carry formulas: the one helper escapes them, and no module
writes CSV or XLSX without it."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from bluelamp.core.exports import csv_download, dataset, dataset_download, safe_cell

HYPERLINK = '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (HYPERLINK, "'" + HYPERLINK),
        ("+44 1622 123456", "'+44 1622 123456"),
        ("-2+3", "'-2+3"),
        ("-5", "'-5"),  # text that looks like a number is still text
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Alice Admin", "Alice Admin"),
        ("O'Brien = chief", "O'Brien = chief"),
        ("", ""),
        (None, ""),
        (-5, -5),  # a real number stays a number
        (Decimal("-7.50"), Decimal("-7.50")),
        (-0.5, -0.5),
        (dt.date(2026, 1, 5), dt.date(2026, 1, 5)),
        ({"name": HYPERLINK}, str({"name": HYPERLINK})),
    ],
)
def test_safe_cell(value, cell):
    assert safe_cell(value) == cell


def test_csv_download_escapes_header_and_rows():
    response = csv_download(filename="x.csv", header=["name", "=h"], rows=[[HYPERLINK, -3], ["Bob", "-3"]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["name", "'=h"], ["'" + HYPERLINK, "-3"], ["Bob", "'-3"]]


def test_dataset_download_escapes_csv_and_xlsx():
    data = dataset(headers=["name", "figure"], title="T")
    data.append([HYPERLINK, -3])
    data.extend([["@x", 4]])
    rows = list(
        csv.reader(
            io.StringIO(dataset_download(data, fmt="csv", filename="t.csv").content.decode("utf-8-sig"))
        )
    )
    assert rows == [["name", "figure"], ["'" + HYPERLINK, "-3"], ["'@x", "4"]]
    sheet = openpyxl.load_workbook(
        io.BytesIO(dataset_download(data, fmt="xlsx", filename="t.xlsx").content)
    ).active
    assert sheet["A2"].value == "'" + HYPERLINK and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == -3 and sheet["B2"].data_type == "n"


def test_dataset_download_refuses_a_plain_tablib_dataset():
    import tablib

    with pytest.raises(TypeError):
        dataset_download(tablib.Dataset([HYPERLINK]), fmt="csv", filename="t.csv")


# --- no module writes a spreadsheet without the helper -------------------------------------------

ROOT = Path(__file__).resolve().parents[2]  # the bluelamp package
WRITERS = re.compile(
    r"\bcsv\.(writer|DictWriter)\s*\(|^\s*(import|from)\s+(tablib|openpyxl|xlsxwriter)\b"
    r"|content_type\s*=\s*[\"']text/csv",
    re.MULTILINE,
)
ALLOWED = {
    "core/exports.py": "the helper itself",
    # Writes the demo's HR import files from its own generated names: an input, not an export.
    "site/demo.py": "demo HR import files",
}


def test_every_csv_or_xlsx_export_goes_through_the_helper():
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in f"/{relative}" or "/migrations/" in f"/{relative}" or relative in ALLOWED:
            continue
        for match in WRITERS.finditer(path.read_text(encoding="utf-8")):
            line = path.read_text(encoding="utf-8").count("\n", 0, match.start()) + 1
            offenders.append(f"bluelamp/{relative}:{line}: {match.group(0).strip()}")
    assert not offenders, (
        "Write CSV/XLSX downloads with bluelamp.core.exports (csv_download, dataset, dataset_download), "
        "which escapes formulas:\n" + "\n".join(offenders)
    )
