"""Changes' pages as people use them: raising a request for change, linking the problem it fixes,
the emergency CAB's decision, planning a release against its notice period."""

import datetime as dt
import re

import pytest

from bluelamp.changes.models import ChangeRequest, Release
from bluelamp.changes.tests.helpers import AT, make_release, make_rfc
from bluelamp.servicedesk.problems.services import problem_create
from conftest import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    """Monday 7 December 2026, 10:00 UTC, whatever today is."""
    monkeypatch.setattr("bluelamp.changes.web.clock.now", lambda: AT)


@pytest.fixture
def engineer(national):
    return make_person(
        national, "eve@national.example", first="Eve", last="Engineer", roles=["app_ops_engineer"]
    )


@pytest.fixture
def cab(national):
    return make_person(national, "cas@national.example", first="Cas", last="Board", roles=["cab_member"])


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


RFC_FORM = {
    "title": "Fix the catalogue's search",
    "description": "Searching for a course code finds nothing.",
    "category": "known_error",
    "priority": "3",
    "risk": "low",
    "impact": "medium",
    "service": "learning",
    "implementation_plan": "Deploy build 1.2.3.",
    "test_plan": "Search for SAS-01 on staging.",
    "backout_plan": "Redeploy build 1.2.2.",
    "start_day": "2027-01-12",
    "start_time": "18:00",
    "end_day": "2027-01-12",
    "end_time": "19:30",
}


def test_an_engineer_raises_a_change_and_links_the_problem_it_fixes(client, signed_in, engineer, adviser):
    problem = problem_create(actor=adviser, title="Search finds nothing", description="SAS-01")
    signed_in(engineer)
    page = client.get("/changes/")
    assert page.status_code == 200
    assert "All changes are prioritised, scheduled and authorised at a Change Advisory Board" in text(page)
    form = client.get("/changes/new/")
    # The seed's description of each priority is shown as guidance.
    assert "can wait for a scheduled release or maintenance cycle" in text(form)
    response = client.post("/changes/new/", RFC_FORM)
    rfc = ChangeRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/changes/{rfc.reference}/"
    assert rfc.planned_start == dt.datetime(2027, 1, 12, 18, 0, tzinfo=dt.UTC)  # GMT in January
    assert rfc.created_at == AT
    response = client.post(f"/changes/{rfc.reference}/problems/", {"problem": problem.reference})
    assert response.status_code == 302
    detail = text(client.get(f"/changes/{rfc.reference}/"))
    assert (
        f"{problem.reference} : Search finds nothing" in detail
        or f"{problem.reference}: Search finds nothing" in detail
    )
    assert "Awaiting CAB" in detail
    assert "Emergency CAB decision" not in detail  # a normal change waits for a meeting


def test_bad_input_is_named_and_kept(client, signed_in, engineer):
    signed_in(engineer)
    response = client.post("/changes/new/", {**RFC_FORM, "backout_plan": "", "end_time": "17:00"})
    assert response.status_code == 400
    body = text(response)
    assert "There is a problem" in body
    assert "Enter how the change is undone if it fails" in body
    assert "The planned end must be after the planned start" in body
    assert "Searching for a course code finds nothing." in body  # nothing typed is lost
    assert not ChangeRequest.objects.exists()
    response = client.post("/changes/new/", {**RFC_FORM})
    rfc = ChangeRequest.objects.get()
    response = client.post(f"/changes/{rfc.reference}/problems/", {"problem": "PRB-2026-0404"})
    assert response.status_code == 400
    assert "There is no problem PRB-2026-0404" in text(response)


def test_the_emergency_cab_decides_an_emergency_change(client, signed_in, engineer, cab):
    rfc = make_rfc(actor=engineer, priority=1)
    signed_in(cab)
    assert "Emergency CAB decision" in text(client.get(f"/changes/{rfc.reference}/"))
    response = client.post(
        f"/changes/{rfc.reference}/decide/", {"decision": "approve", "reason": "Security fix"}
    )
    assert response.status_code == 302
    rfc.refresh_from_db()
    assert (rfc.status, rfc.decision_reason, rfc.decided_at) == ("approved", "Security fix", AT)


def test_an_engineer_may_not_decide(client, signed_in, engineer):
    rfc = make_rfc(actor=engineer, priority=1)
    signed_in(engineer)
    response = client.post(f"/changes/{rfc.reference}/decide/", {"decision": "approve", "reason": "Mine"})
    assert response.status_code == 404
    assert ChangeRequest.objects.get().status == "submitted"


RELEASE_FORM = {"title": "A new catalogue", "type": "major", "summary": "Faster search."}


def test_a_major_release_ten_working_days_out_is_refused_with_the_earliest_day(
    client, signed_in, service_manager
):
    signed_in(service_manager)
    listing = text(client.get("/changes/releases/"))
    assert "30 working days" in listing
    assert "May receive large numbers of calls and need to explain the change. May need training." in listing
    response = client.post("/changes/releases/new/", {**RELEASE_FORM, "planned_for": "2026-12-21"})
    assert response.status_code == 400
    assert "the earliest day it can go live is Thursday 21 January 2027 (2027-01-21)" in text(response)
    assert "Faster search." in text(response)
    assert not Release.objects.exists()
    response = client.post("/changes/releases/new/", {**RELEASE_FORM, "planned_for": "2027-01-21"})
    release = Release.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/changes/releases/{release.reference}/"
    detail = text(client.get(f"/changes/releases/{release.reference}/"))
    assert "21 January 2027" in detail
    assert "Not sent yet" in detail


def test_a_release_is_moved_within_its_notice_period_only(client, signed_in, service_manager):
    release = make_release(actor=service_manager, type="minor", planned_for=dt.date(2027, 1, 15))
    signed_in(service_manager)
    url = f"/changes/releases/{release.reference}/reschedule/"
    response = client.post(url, {"planned_for": "2026-12-10"})
    assert response.status_code == 400
    assert "Monday 14 December 2026" in text(response)
    assert client.post(url, {"planned_for": "2026-12-14"}).status_code == 302
    release.refresh_from_db()
    assert release.planned_for == dt.date(2026, 12, 14)


def test_readers_who_do_not_lead_cannot_plan(client, signed_in, engineer, service_manager):
    release = make_release(actor=service_manager)
    signed_in(engineer)
    assert client.get("/changes/releases/").status_code == 200
    assert client.get(f"/changes/releases/{release.reference}/").status_code == 200
    assert client.get("/changes/releases/new/").status_code == 404
    response = client.post(
        f"/changes/releases/{release.reference}/reschedule/", {"planned_for": "2027-06-01"}
    )
    assert response.status_code == 404


def test_the_header_links_to_changes_for_desk_staff_and_cab_only(client, signed_in, engineer, alice):
    signed_in(engineer)
    assert 'href="/changes/"' in client.get("/").content.decode()
    client.logout()
    signed_in(alice)
    assert 'href="/changes/"' not in client.get("/").content.decode()
    assert client.get("/changes/").status_code == 404
