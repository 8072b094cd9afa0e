"""The dashboard's CSV and XLSX downloads cannot carry a formula in an adviser's name (security
sweep item 6)."""

import csv
import io

import openpyxl
import pytest

from bluelamp.servicedesk.reporting import selectors as kpis
from bluelamp.servicedesk.reporting.tests.test_dashboard import _last_week_at
from bluelamp.servicedesk.tickets.services import ticket_create, ticket_reply
from conftest import make_person

pytestmark = pytest.mark.django_db
HYPERLINK = '=HYPERLINK("http://x","y")'


@pytest.fixture
def formula_week(national, bob):
    lead = make_person(
        national, "tess@national.example", first="Tess", last="Leader", roles=["cc_team_leader"]
    )
    mallory = make_person(
        national, "mallory@national.example", first=HYPERLINK, last="Smith", roles=["cc_adviser"]
    )
    ticket = ticket_create(
        actor=bob, type="incident", subject=HYPERLINK, description="x", at=_last_week_at(0, 9)
    )
    ticket_reply(actor=mallory, ticket=ticket, body="Hi", at=_last_week_at(0, 10))
    return lead


def test_kpi_csv_escapes_an_adviser_named_as_a_formula(signed_in, formula_week):
    week = kpis.last_complete_week().isoformat()
    response = signed_in(formula_week).get("/service-desk/dashboard/export/kpis.csv", {"week": week})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == ["'" + HYPERLINK + " Smith", "Whole desk"]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_kpi_xlsx_escapes_an_adviser_named_as_a_formula(signed_in, formula_week):
    week = kpis.last_complete_week().isoformat()
    response = signed_in(formula_week).get("/service-desk/dashboard/export/kpis.xlsx", {"week": week})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["B2"].value == "'" + HYPERLINK + " Smith" and sheet["B2"].data_type == "s"
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)
