"""The team leader's dashboard: who may see it, what it shows, its downloads, its query count."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bluelamp.servicedesk.reporting import selectors as kpis
from bluelamp.servicedesk.tickets.models import Category
from bluelamp.servicedesk.tickets.services import (
    contact_log,
    ticket_assign,
    ticket_create,
    ticket_escalate,
    ticket_reply,
)
from conftest import make_person

pytestmark = pytest.mark.django_db
URL = "/service-desk/dashboard/"


@pytest.fixture
def team_leader(national):
    return make_person(
        national, "tess@national.example", first="Tess", last="Leader", roles=["cc_team_leader"]
    )


def _last_week_at(day: int, hour: int) -> dt.datetime:
    """A time in the last complete week (day 0 = Monday), London time."""
    monday = kpis.last_complete_week()
    return dt.datetime.combine(monday + dt.timedelta(days=day), dt.time(hour), tzinfo=kpis.LONDON)


@pytest.fixture
def desk_week(bob, adviser):
    """Last week: Adam took three calls (two logged) and answered two tickets, one escalated."""
    category = Category.objects.create(name="Signing in")
    first = ticket_create(
        actor=bob,
        type="incident",
        subject="=HYPERLINK(evil)",
        description="x",
        category=category,
        at=_last_week_at(0, 9),
    )
    second = ticket_create(
        actor=bob,
        type="incident",
        subject="Slow",
        description="x",
        impact="small_group",
        urgency="work_stopped",
        at=_last_week_at(0, 9),
    )
    ticket_reply(actor=adviser, ticket=first, body="Hi", at=_last_week_at(0, 10))
    ticket_reply(actor=adviser, ticket=second, body="Hi", at=_last_week_at(0, 10))
    ticket_escalate(actor=adviser, ticket=second, reason="App ops", at=_last_week_at(0, 11))
    call = {"caller_name": "Bob Officer", "outcome": "Spoke", "person": bob}
    contact_log(actor=adviser, **call, ticket=first, at=_last_week_at(1, 9))
    contact_log(actor=adviser, **call, ticket=second, at=_last_week_at(1, 10))
    contact_log(actor=adviser, **call, not_logged_reason="Wrong number", at=_last_week_at(2, 9))
    return first, second


@pytest.mark.parametrize("url", [URL, URL + "export/kpis.csv", URL + "export/volumes.xlsx"])
def test_only_desk_leads_see_the_dashboard(url, client, signed_in, adviser, charlie, bob):
    assert client.get(url).status_code == 404  # signed out: no such page either
    for person in (adviser, charlie, bob):
        client.logout()
        assert signed_in(person).get(url).status_code == 404, person


def test_leads_see_queues_lists_kpis_and_charts(signed_in, team_leader, adviser, desk_week):
    first, second = desk_week
    response = signed_in(team_leader).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/service-desk/queue/?tier=second_line"' in html
    assert "KPIs for the week of" in html
    assert "Adam Adviser" in html
    # Calls: 2 of 3 logged (67 %, red); nothing resolved yet.
    assert '67%<span class="govuk-visually-hidden">, below target</span>' in html
    assert "2 of 3" in html
    assert (
        html.count('role="img"') == 2
        and '<title id="chart-category-title">Tickets logged per week by category</title>' in html
    )
    assert "Signing in" in html
    assert "Desk dashboard" in html  # in the navigation for leads
    # No JavaScript needed: the week picker is a plain GET form.
    assert '<form method="get" action="/service-desk/dashboard/#kpis"' in html


def test_the_week_picker_rejects_a_week_not_offered(signed_in, team_leader):
    response = signed_in(team_leader).get(URL, {"week": "2001-01-02"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose a week from the list" in html
    assert f"KPIs for the week of {kpis.last_complete_week():%-d %B %Y}" in html


def test_queue_links_to_the_dashboard_for_leads_only(signed_in, client, team_leader, adviser):
    assert "/service-desk/dashboard/" in signed_in(team_leader).get("/service-desk/queue/").content.decode()
    client.logout()
    assert "/service-desk/dashboard/" not in signed_in(adviser).get("/service-desk/queue/").content.decode()


def test_kpi_csv_export(signed_in, team_leader, adviser, desk_week):
    week = kpis.last_complete_week()
    response = signed_in(team_leader).get(URL + "export/kpis.csv", {"week": week.isoformat()})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"] == f'attachment; filename="service-desk-kpis-{week.isoformat()}.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, adam, desk = rows
    assert header[:11] == [
        "Week commencing",
        "Adviser",
        "First responses",
        "Within 2 working days",
        "Within 2 working days (%)",
        "Calls taken",
        "Calls logged as tickets",
        "Calls logged as tickets (%)",
        "Tickets resolved",
        "Resolved at first line",
        "Resolved at first line (%)",
    ]
    assert "P4 response targets" in header and "P4 resolution targets" not in header
    assert adam[:11] == [week.isoformat(), "Adam Adviser", "2", "2", "100", "3", "2", "67", "0", "0", ""]
    assert desk[1] == "Whole desk"


def test_volume_xlsx_export(signed_in, team_leader, desk_week):
    response = signed_in(team_leader).get(URL + "export/volumes.xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Week commencing",
        "Category: Signing in",
        "Category: No category",
        "Priority: P1",
        "Priority: P2",
        "Priority: P3",
        "Priority: P4",
        "Total",
    )
    assert len(rows) == 13  # header + 12 weeks
    assert rows[-1] == (kpis.last_complete_week().isoformat(), 1, 1, 0, 1, 0, 1, 2)


def test_unknown_download_is_404(signed_in, team_leader):
    assert signed_in(team_leader).get(URL + "export/kpis.pdf").status_code == 404
    assert signed_in(team_leader).get(URL + "export/people.csv").status_code == 404


def _answered_and_assigned(*, requester, adviser, subject: str, category=None):
    """A P2 logged last Monday at 09:00, answered and taken by `adviser` an hour later: in the
    week the dashboard shows by default, and breached or at risk by now whatever today is."""
    ticket = ticket_create(
        actor=requester,
        type="incident",
        subject=subject,
        description="x",
        category=category,
        impact="small_group",
        urgency="work_stopped",
        at=_last_week_at(0, 9),
    )
    ticket_reply(actor=adviser, ticket=ticket, body="Hi", at=_last_week_at(0, 10))
    return ticket_assign(actor=adviser, ticket=ticket, assignee=adviser, at=_last_week_at(0, 11))


def test_dashboard_query_count_does_not_grow_with_tickets(signed_in, team_leader, adviser, bob, charlie):
    # The baseline already has what each part of the page looks up (an adviser to name in the
    # week's KPIs, a category to name in the trends, a listed ticket with an assignee), at times
    # fixed to the week shown rather than to today, so that only growth is measured.
    category = Category.objects.create(name="Signing in")
    _answered_and_assigned(requester=bob, adviser=adviser, subject="First", category=category)
    client = signed_in(team_leader)
    client.get(URL)  # warm the caches (calendar, session)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    baseline = count()
    other_adviser = make_person(
        team_leader.organisation, "ada@national.example", first="Ada", last="Other", roles=["cc_adviser"]
    )
    other_category = Category.objects.create(name="Courses")
    for n in range(6):
        _answered_and_assigned(
            requester=(bob, charlie)[n % 2],
            adviser=(adviser, other_adviser)[n % 2],
            subject=f"T{n}",
            category=(category, other_category)[n % 2],
        )
    html = client.get(URL).content.decode()
    assert "Ada Other" in html and "Courses" in html and "T5" in html  # all on the page
    assert count() == baseline
    # 5 for the person, roles (one query for the MFA check and access alike) and MFA (the session
    # is read from the cache); 19 for the page; 1 for the maintenance banner (kept a minute in each
    # process in production, read on every page here).
    assert baseline == 25, baseline
