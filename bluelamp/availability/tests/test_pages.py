"""Availability's pages as people use them: the public status page, the maintenance banner on
every page, the monthly report with its chart and exports, and planning maintenance."""

import datetime as dt
import re

import pytest
from openpyxl import load_workbook

from bluelamp.availability.models import MaintenanceWindow
from bluelamp.availability.services import maintenance_announce, maintenance_cancel
from bluelamp.availability.tests.helpers import AT, make_window, samples, utc
from bluelamp.organisations.api import licence_contact_add
from bluelamp.servicedesk.api import ticket_create
from bluelamp.servicedesk.incidents.services import major_incident_declare, service_notice_post
from conftest import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    """Monday 7 December 2026, 10:00 UTC, whatever today is."""
    monkeypatch.setattr("bluelamp.availability.web.clock.now", lambda: AT)
    monkeypatch.setattr("bluelamp.availability.banner.now", lambda: AT)


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- the status page --------------------------------------------------------------------------------


def test_the_status_page_is_public_and_says_how_each_part_is(client):
    samples(AT - dt.timedelta(minutes=2), 2, email={1: "down"})
    page = client.get("/status")
    assert page.status_code == 200
    body = text(page)
    assert "Bluelamp is working, but some parts are slow or degraded" in body
    assert "Checked at 7 December 2026 at 9:59am" in body
    assert re.search(r"E-mail\s+Down", body) and re.search(r"Database\s+Working", body)
    assert "No maintenance is planned." in body
    assert "There have been no major incidents in the last 30 days." in body
    assert "No backup check has been reported yet." in body


def test_without_a_recent_check_the_state_is_not_known(client):
    samples(AT - dt.timedelta(minutes=10), 2)
    body = text(client.get("/status"))
    assert "The state of Bluelamp is not known" in body
    assert "No check has reported in the last few minutes" in body


def test_the_status_page_shows_announced_maintenance_only(client, service_manager):
    announced = make_window(actor=service_manager, title="Database upgrade")
    maintenance_announce(actor=service_manager, window=announced, at=AT)
    make_window(
        actor=service_manager,
        title="Quiet patching",
        starts_at=utc(2026, 12, 20, 22, 0),
        ends_at=utc(2026, 12, 20, 23, 0),
    )
    body = text(client.get("/status"))
    assert "Database upgrade" in body
    assert (
        "Bluelamp may be unavailable from 10pm on Saturday 12 December 2026 to 1am on Sunday 13 December 2026"
        in body
    )
    assert "Quiet patching" not in body


def test_the_status_page_shows_incidents_the_licensees_were_told_of(client, service_manager, bob, kent):
    licence_contact_add(
        actor=None, licence=kent.licences.get(type="PL-P-101"), name="Kim Kent", email="kim@kent.police.uk"
    )

    def incident(subject):
        ticket = ticket_create(
            actor=bob,
            type="incident",
            subject=subject,
            description="Nothing loads.",
            impact="whole_service",
            urgency="work_stopped",
            at=AT - dt.timedelta(days=2),
        )
        return major_incident_declare(
            actor=service_manager,
            ticket=ticket,
            summary=f"{subject}: internal notes",
            at=AT - dt.timedelta(days=2),
        )

    told = incident("Sign-in fails")
    service_notice_post(
        actor=service_manager,
        incident=told,
        subject="Sign-in is failing",
        body="We are restoring the sign-in service.",
        at=AT - dt.timedelta(days=2, hours=-1),
    )
    incident("Quiet one")
    body = text(client.get("/status"))
    assert (
        "Sign-in is failing" in body and "We are restoring the sign-in service." in body and "Ongoing" in body
    )
    assert "internal notes" not in body and "Quiet one" not in body


# --- the banner ---------------------------------------------------------------------------------------


def test_the_banner_shows_on_every_page_as_announced_maintenance_approaches(
    client, signed_in, bob, service_manager, monkeypatch
):
    window = make_window(actor=service_manager)  # Saturday 12 December, 22:00 to 01:00
    signed_in(bob)
    assert "Planned maintenance" not in text(client.get("/"))  # not announced
    maintenance_announce(actor=service_manager, window=window, at=AT)
    assert 'data-testid="maintenance-banner"' not in client.get("/").content.decode()  # five days ahead

    monkeypatch.setattr("bluelamp.availability.banner.now", lambda: utc(2026, 12, 10, 9, 0))
    for address in ("/", "/learning/", "/status"):
        body = text(client.get(address))
        assert (
            "Bluelamp may be unavailable from 10pm on Saturday 12 December 2026 to 1am on Sunday 13 December 2026."
            in body
        ), address

    monkeypatch.setattr("bluelamp.availability.banner.now", lambda: utc(2026, 12, 12, 23, 0))
    assert (
        "Maintenance is under way: Bluelamp may be unavailable until 1am on Sunday 13 December 2026."
        in text(client.get("/"))
    )

    monkeypatch.setattr("bluelamp.availability.banner.now", lambda: utc(2026, 12, 13, 1, 0))
    assert 'data-testid="maintenance-banner"' not in client.get("/").content.decode()


def test_a_cancelled_window_leaves_the_banner_at_once(client, signed_in, bob, service_manager, monkeypatch):
    window = make_window(actor=service_manager)
    maintenance_announce(actor=service_manager, window=window, at=AT)
    monkeypatch.setattr("bluelamp.availability.banner.now", lambda: utc(2026, 12, 11, 9, 0))
    signed_in(bob)
    assert 'data-testid="maintenance-banner"' in client.get("/").content.decode()
    maintenance_cancel(actor=service_manager, window=window, reason="Moved by the supplier.", at=AT)
    assert 'data-testid="maintenance-banner"' not in client.get("/").content.decode()


def test_signed_out_pages_carry_no_banner(client, service_manager, monkeypatch):
    window = make_window(actor=service_manager)
    maintenance_announce(actor=service_manager, window=window, at=AT)
    monkeypatch.setattr("bluelamp.availability.banner.now", lambda: utc(2026, 12, 11, 9, 0))
    assert 'data-testid="maintenance-banner"' not in client.get("/status").content.decode()


# --- the report ---------------------------------------------------------------------------------------


@pytest.fixture
def november(service_manager):
    """From 29 November: the database down for 30 minutes, and a maintenance window of an hour
    (the pages down for its last 40 minutes)."""
    start = utc(2026, 11, 29, 0, 0)
    samples(
        start,
        2 * 24 * 60,
        database=dict.fromkeys(range(600, 630), "down"),
        web=dict.fromkeys(range(1400, 1440), "down"),
    )
    MaintenanceWindow.objects.create(
        title="Database upgrade",
        description="x",
        starts_at=start + dt.timedelta(minutes=1380),
        ends_at=start + dt.timedelta(minutes=1440),
        created_at=start,
        announced_at=start,
    )
    return start


def test_the_monthly_report_shows_the_figure_with_maintenance_apart(
    client, signed_in, service_manager, november
):
    signed_in(service_manager)
    page = client.get("/availability/?month=2026-11")
    assert page.status_code == 200
    body = text(page)
    # 2,880 minutes counted, 60 of them planned maintenance: 30 down of 2,820.
    assert "98.936%" in body and "against a target of 98.0%: met" in body
    assert "Planned maintenance (1 h 00 min) is left out" in body
    assert re.search(r"Database\s+98\.936%\s+30 min", body)
    assert "Downtime each day" in body and 'role="img"' in page.content.decode()
    assert re.search(r"29 November 2026 at 10:00am\s+29 November 2026 at 10:30am\s+30\s+No", body)
    assert re.search(
        r"at 11:20pm\s+30 November 2026 at midnight\s+40\s+Planned maintenance\s+Database upgrade", body
    )
    assert "Previous month: October 2026" in body and "Next month: December 2026" in body


def test_the_report_downloads_as_csv_and_xlsx(client, signed_in, service_manager, november):
    signed_in(service_manager)
    csv = client.get("/availability/?month=2026-11&download=csv&table=parts")
    assert csv["Content-Disposition"] == 'attachment; filename="availability-2026-11-parts.csv"'
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Month,Part,Monitored,Minutes counted")
    assert lines[1] == "2026-11,The service,yes,2820,2790,30,0,60,40,98.936,98.0,yes"
    days = client.get("/availability/?month=2026-11&download=xlsx&table=days")
    import io

    sheet = load_workbook(io.BytesIO(days.content)).active
    assert [c.value for c in sheet[2]][:3] == ["2026-11-29", 1380, 1350]
    outages = client.get("/availability/?month=2026-11&download=csv&table=outages").content.decode(
        "utf-8-sig"
    )
    assert "Database upgrade" in outages
    assert client.get("/availability/?month=2026-11&download=pdf").status_code == 404


@pytest.mark.parametrize("month", ["2026-13", "December", "2027-01"])
def test_a_month_that_is_not_there_is_not_found(client, signed_in, service_manager, month):
    signed_in(service_manager)
    assert client.get(f"/availability/?month={month}").status_code == 404


def test_before_any_check_the_report_says_nothing_is_counted(client, signed_in, service_manager):
    signed_in(service_manager)
    assert "Nothing is counted for December 2026" in text(client.get("/availability/"))


def test_who_reads_the_report(client, signed_in, alice, bob, national):
    signed_in(alice)  # administers Kent: reads Kent's reports, and the service's figures
    assert client.get("/availability/").status_code == 200
    assert "Monthly availability reports" in text(client.get("/status"))
    assert client.get("/availability/maintenance/").status_code == 404
    signed_in(bob)
    assert client.get("/availability/").status_code == 404
    assert "Monthly availability reports" not in text(client.get("/status"))
    cab = make_person(national, "cas@national.example", first="Cas", last="Board", roles=["cab_member"])
    signed_in(cab)
    assert client.get("/availability/maintenance/").status_code == 200
    assert client.get("/availability/maintenance/new/").status_code == 404


# --- planning maintenance -------------------------------------------------------------------------------

WINDOW_FORM = {
    "title": "Database upgrade",
    "description": "The database moves to PostgreSQL 17.",
    "start_day": "2026-12-12",
    "start_time": "22:00",
    "end_day": "2026-12-13",
    "end_time": "01:00",
    "change": "",
}


def test_a_lead_plans_announces_moves_and_cancels_maintenance(client, signed_in, service_manager, kent):
    licence_contact_add(
        actor=None, licence=kent.licences.get(type="PL-P-101"), name="Kim Kent", email="kim@kent.police.uk"
    )
    signed_in(service_manager)
    assert "Plan maintenance" in text(client.get("/availability/maintenance/"))
    response = client.post(
        "/availability/maintenance/new/", {**WINDOW_FORM, "end_time": "21:00", "end_day": "2026-12-12"}
    )
    assert response.status_code == 400
    body = text(response)
    assert "The end must be after the start" in body and "The database moves to PostgreSQL 17." in body
    response = client.post("/availability/maintenance/new/", {**WINDOW_FORM, "start_time": "", "title": ""})
    assert response.status_code == 400
    assert "Enter the time it starts, for example 22:00" in text(response) and "Enter a title" in text(
        response
    )

    response = client.post("/availability/maintenance/new/", WINDOW_FORM)
    window = MaintenanceWindow.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/availability/maintenance/{window.uuid}/"
    detail = text(client.get(response["Location"]))
    assert "from 10pm on Saturday 12 December 2026 to 1am on Sunday 13 December 2026" in detail
    assert "Not yet: only the service team sees it" in detail

    announced = client.post(f"/availability/maintenance/{window.uuid}/announce/", follow=True)
    assert "Announced to 1 key contacts." in text(announced)
    again = client.post(f"/availability/maintenance/{window.uuid}/announce/", follow=True)
    assert "Already announced on 7 December 2026 at 10:00am" in text(again)

    moved = client.post(
        f"/availability/maintenance/{window.uuid}/edit/",
        {**WINDOW_FORM, "start_day": "2026-12-19", "end_day": "2026-12-20"},
        follow=True,
    )
    assert "The key contacts were told it moved (1 e-mails)." in text(moved)
    window.refresh_from_db()
    assert window.starts_at == utc(2026, 12, 19, 22, 0)

    assert client.post(f"/availability/maintenance/{window.uuid}/cancel/", {"reason": ""}).status_code == 400
    cancelled = client.post(
        f"/availability/maintenance/{window.uuid}/cancel/", {"reason": "Supplier delay."}, follow=True
    )
    assert "is cancelled. The key contacts were told (1 e-mails)." in text(cancelled)
    listing = text(client.get("/availability/maintenance/"))
    assert "No maintenance is planned." in listing and "Cancelled" in listing


# --- the REST API ---------------------------------------------------------------------------------------


def test_the_status_is_public_in_the_api(client, service_manager, monkeypatch):
    monkeypatch.setattr("bluelamp.availability.rest.views.now", lambda: AT)
    samples(AT - dt.timedelta(minutes=1), 1, database={0: "down"})
    window = make_window(actor=service_manager)
    maintenance_announce(actor=service_manager, window=window, at=AT)
    body = client.get("/api/v1/status/").json()
    assert body["status"] == "down" and body["headline"] == "Bluelamp is not working"
    assert body["checked_at"] == "2026-12-07T09:59:00Z"
    database = next(p for p in body["parts"] if p["name"] == "database")
    assert database == {"name": "database", "label": "Database", "state": "down", "message": ""}
    assert [(m["title"], m["starts_at"]) for m in body["maintenance"]] == [
        ("Database upgrade", "2026-12-12T22:00:00Z")
    ]
    assert body["incidents"] == []


def test_a_months_figures_in_the_api(client, signed_in, service_manager, bob, november, monkeypatch):
    monkeypatch.setattr("bluelamp.availability.rest.views.now", lambda: AT)
    signed_in(service_manager)
    body = client.get("/api/v1/availability/2026-11/").json()
    assert body["month"] == "2026-11" and body["complete"] is True and body["target"] == 98.0
    assert body["service"]["minutes"] == {
        "counted": 2820,
        "available": 2790,
        "down": 30,
        "not_checked": 0,
        "maintenance": 60,
        "maintenance_unavailable": 40,
        "percent": pytest.approx(98.936, abs=0.001),
    }
    assert body["service"]["target_met"] is True
    assert [(o["down"], o["planned"], o["maintenance"]) for o in body["outages"]] == [
        (30, False, []),
        (40, True, ["Database upgrade"]),
    ]
    assert client.get("/api/v1/availability/2026-13/").status_code == 404
    assert client.get("/api/v1/availability/2027-01/").status_code == 404
    signed_in(bob)
    assert client.get("/api/v1/availability/2026-11/").status_code == 404
