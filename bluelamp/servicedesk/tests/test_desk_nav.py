"""The desk's secondary navigation: on its staff pages, every section one click away; the
leads' sections only for leads; nothing of it for requesters or outsiders."""

import re

import pytest

from bluelamp.servicedesk.tickets.services import ticket_create
from conftest import make_person

pytestmark = pytest.mark.django_db


def _desk_nav(html: str) -> list[str]:
    match = re.search(r'<section aria-label="Service desk".*?</section>', html, re.S)
    return (
        re.findall(r'class="govuk-service-navigation__link" href="([^"]+)"', match.group(0)) if match else []
    )


def test_adviser_sees_the_sections_on_every_staff_page(signed_in, adviser, bob):
    ticket = ticket_create(actor=bob, type="incident", subject="Blank page", description="Blank")
    client = signed_in(adviser)
    expected = [
        "/service-desk/queue/",
        "/service-desk/calls/new/",
        "/service-desk/major-incidents/",
        "/service-desk/problems/",
        "/service-desk/kb/",
        "/service-desk/canned-responses/",
    ]
    for url in expected + [f"/service-desk/tickets/{ticket.reference}/"]:
        html = client.get(url).text
        assert _desk_nav(html) == expected, url
    work = client.get(f"/service-desk/tickets/{ticket.reference}/").text
    # The ticket page is worked from the queue: "Queue" is the current section.
    assert 'href="/service-desk/queue/" aria-current="true"' in work
    queue = client.get("/service-desk/queue/").text
    assert 'href="/service-desk/queue/" aria-current="page"' in queue
    # Requester-facing pages have none of it, even for staff.
    assert _desk_nav(client.get("/service-desk/support/").text) == []


def test_leads_also_see_dashboard_and_closures(signed_in, national):
    lead = make_person(
        national, "tess@national.example", first="Tess", last="Leader", roles=["cc_team_leader"]
    )
    nav = _desk_nav(signed_in(lead).get("/service-desk/queue/").text)
    assert nav[-2:] == ["/service-desk/dashboard/", "/service-desk/closures/"]


def test_requesters_and_outsiders_see_no_desk_navigation(signed_in, bob, charlie):
    for person in (bob, charlie):
        client = signed_in(person)
        assert _desk_nav(client.get("/service-desk/support/").text) == []
        refused = client.get("/service-desk/queue/")
        assert refused.status_code == 404 and _desk_nav(refused.text) == []
