"""Desk tickets and changes: an incident a change fixes, or a P4 request (planned work, no
resolution clock) whose work a change delivers, linked both ways; a change raised from a ticket."""

import re

import pytest

from bluelamp.changes.models import ChangeRequest
from bluelamp.changes.tests.helpers import AT, make_rfc
from bluelamp.servicedesk.api import ticket_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr("bluelamp.changes.web.clock.now", lambda: AT)


def text(response) -> str:
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))
    return re.sub(r" ([:.,;)])", r"\1", words)


@pytest.fixture
def planned_work(bob):
    """A P4 request: a low-impact, no-hurry ask (planned work)."""
    ticket = ticket_create(
        actor=bob,
        type="service_request",
        subject="Add a print button to certificates",
        description="Officers want to print their certificates.",
        impact="one_person",
        urgency="inconvenience",
        at=AT,
    )
    assert ticket.priority == "P4"
    return ticket


def test_a_p4_requests_planned_work_links_to_its_change_both_ways(client, signed_in, adviser, planned_work):
    rfc = make_rfc(title="Printable certificates", category="enhancements", priority=4)
    signed_in(adviser)
    work = text(client.get(f"/service-desk/tickets/{planned_work.reference}/"))
    assert "Planned work" in work and "P4 requests are planned work, delivered through a change" in work

    bad = client.post(f"/changes/{rfc.reference}/tickets/", {"ticket": "BL-2026-999999"})
    assert bad.status_code == 400
    assert "There is no ticket BL-2026-999999: give a reference such as BL-2026-000123" in text(bad)
    linked = client.post(
        f"/changes/{rfc.reference}/tickets/", {"ticket": planned_work.reference.lower()}, follow=True
    )
    assert f"{planned_work.reference} is linked to {rfc.reference}." in text(linked)
    assert f"{planned_work.reference}: Add a print button to certificates (P4, planned work;" in text(linked)
    again = client.post(f"/changes/{rfc.reference}/tickets/", {"ticket": planned_work.reference})
    assert f"{planned_work.reference} is already linked to {rfc.reference}" in text(again)

    work = text(client.get(f"/service-desk/tickets/{planned_work.reference}/"))
    assert f"{rfc.reference}: Printable certificates (awaiting cab)" in work


def test_a_change_is_raised_from_a_ticket_and_linked(client, signed_in, adviser, planned_work):
    signed_in(adviser)
    form = client.get(f"/changes/new/?ticket={planned_work.reference}")
    body = text(form)
    assert f"For desk ticket {planned_work.reference}: Add a print button to certificates." in body
    assert 'value="Add a print button to certificates"' in form.content.decode()
    response = client.post(
        f"/changes/new/?ticket={planned_work.reference}",
        {
            "title": "Printable certificates",
            "description": "A print stylesheet for certificates.",
            "category": "enhancements",
            "priority": "4",
            "risk": "low",
            "impact": "low",
            "service": "learning",
            "implementation_plan": "Deploy.",
            "test_plan": "Print one.",
            "backout_plan": "Redeploy.",
        },
    )
    rfc = ChangeRequest.objects.get()
    assert response.status_code == 302
    assert list(rfc.tickets.values_list("reference", flat=True)) == [planned_work.reference]


def test_someone_outside_the_desk_is_offered_no_ticket(client, signed_in, alice, planned_work):
    signed_in(alice)
    assert client.get(f"/changes/new/?ticket={planned_work.reference}").status_code == 404
