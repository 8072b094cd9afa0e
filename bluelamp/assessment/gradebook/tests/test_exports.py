"""The grader report as CSV and XLSX: every learner the reader may mark (or those the filters
choose), with staff numbers and organisations, every item, category and course totals, and what
was overridden; formulas escaped; each download audited."""

import csv
import io

from openpyxl import load_workbook

from bluelamp.assessment.gradebook import services
from bluelamp.audit.api import AuditEvent
from bluelamp.learning.api import enrol_people
from conftest import make_person


def _export(client, w, fmt, query=""):
    return client.get(f"/assessment/gradebook/courses/{w.course.uuid}/export.{fmt}{query}")


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_has_every_learner_item_and_total(gb, signed_in, kent):
    mallory = make_person(kent, "mallory@kent.police.uk", first="=cmd|' /C calc'!A0", last="Mallory")
    enrol_people(actor=gb.alice, course=gb.course, people=[mallory])
    services.grade_override(actor=gb.alice, item=gb.quiz, person=gb.ann, grade=12, reason="Re-marked")
    response = _export(signed_in(gb.alice), gb, "csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert f'filename="gradebook-{gb.course.code}-' in response["Content-Disposition"]
    header, *rows = _rows(response)
    assert header == [
        "Surname",
        "First name",
        "E-mail address",
        "Staff number",
        "Organisation",
        "Unit",
        "Law quiz (out of 20)",
        "Mock exam (out of 10) [hidden from learners]",
        "Observation (out of 10)",
        "Practical total (%)",
        "Course total (%)",
        "Items graded",
        "Items counted",
        "Result",
        "Overridden",
    ]
    by_surname = {row[0]: row for row in rows}
    assert list(by_surname) == ["Archer", "Mallory", "Officer"]
    assert by_surname["Officer"] == [
        "Officer",
        "Bob",
        "bob@kent.police.uk",
        "K2",
        "Kent Police",
        "",
        "15.00",
        "",
        "6.00",
        "60.00",
        "65.00",
        "2",
        "3",
        "Incomplete",
        "",
    ]
    ann = by_surname["Archer"]
    assert (ann[3], ann[5], ann[6], ann[-1]) == ("K7", "East", "12.00", "Law quiz")
    assert by_surname["Mallory"][1] == "'=cmd|' /C calc'!A0"  # a formula is text, not run
    assert by_surname["Mallory"][-2] == "No grades yet"
    event = AuditEvent.objects.get(action="gradebook.export")
    assert event.after == {"format": "csv", "learners": 3} and event.actor == gb.alice


def test_the_export_keeps_the_filters_and_the_readers_scope(gb, signed_in):
    _header, *rows = _rows(_export(signed_in(gb.alice), gb, "csv", "?q=officer"))
    assert [row[0] for row in rows] == ["Officer"]
    _header, *rows = _rows(_export(signed_in(gb.east_tutor), gb, "csv"))
    assert [row[0] for row in rows] == ["Archer"]


def test_the_xlsx_holds_numbers(gb, signed_in):
    response = _export(signed_in(gb.alice), gb, "xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:2] == ["Surname", "First name"]
    officer = next(row for row in values if row[0] == "Officer")
    assert float(officer[6]) == 15.0 and float(officer[10]) == 65.0


def test_no_other_formats(gb, signed_in):
    assert _export(signed_in(gb.alice), gb, "pdf").status_code == 404
