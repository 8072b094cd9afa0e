"""The suggested priority, live on the support form and the adviser's phone-call form: an htmx
fragment into an aria-live region, and the same fragment with the page when a form comes back.
The phone-call form is staff only: a requester and an outsider are refused."""

import pytest

from bluelamp.servicedesk.tickets.models import Ticket
from bluelamp.servicedesk.tickets.priority_hint import priority_hint

pytestmark = pytest.mark.django_db

URL = "/service-desk/support/priority/"


def test_priority_hint_follows_the_matrix():
    assert priority_hint("small_group", "work_stopped").priority == "P2"
    assert priority_hint("whole_service", "work_stopped").priority == "P1"
    assert priority_hint("one_person", "inconvenience").policy.resolution is None
    assert priority_hint("small_group", "") is None
    assert priority_hint("nonsense", "work_stopped") is None


def test_fragment(client):
    body = client.get(URL, {"impact": "small_group", "urgency": "work_stopped"}, HTTP_HX_REQUEST="true").text
    assert "Suggested priority: <strong>P2 – high</strong>" in body
    assert "Response within 4 working hours" in body and "Resolution within 48 working hours" in body
    assert "<html" not in body
    p4 = client.get(URL, {"impact": "one_person", "urgency": "inconvenience"}).text
    assert "P4 – low" in p4 and "Planned work (no resolution clock)" in p4
    # One answer missing, or not one of the choices: nothing suggested yet.
    assert "Suggested priority" not in client.get(URL, {"impact": "small_group"}).text
    assert "Suggested priority" not in client.get(URL, {"impact": "<b>", "urgency": "x"}).text
    call = client.get(URL, {"impact": "small_group", "urgency": "work_stopped", "form": "call"}).text
    assert "only with a reason" in call


def test_support_form_has_the_live_region(signed_in, bob):
    client = signed_in(bob)
    page = client.get("/service-desk/support/").text
    assert f'hx-get="{URL}"' in page
    assert 'id="priority-suggestion" aria-live="polite"' in page
    assert "Suggested priority" not in page
    # Without JavaScript: a form that comes back with both answers shows the suggestion.
    back = client.post(
        "/service-desk/support/", {"type": "incident", "impact": "whole_service", "urgency": "work_impaired"}
    ).text
    assert "Suggested priority: <strong>P2 – high</strong>" in back
    assert not Ticket.objects.exists()


def test_phone_form_has_the_live_region_and_is_staff_only(signed_in, adviser, bob, charlie):
    for outsider in (bob, charlie):
        assert signed_in(outsider).get("/service-desk/calls/new/").status_code == 404
    client = signed_in(adviser)
    page = client.get("/service-desk/calls/new/").text
    assert f'hx-get="{URL}?form=call"' in page
    assert 'id="priority-suggestion" aria-live="polite"' in page
    back = client.post(
        "/service-desk/calls/new/",
        {"caller_name": "Bob", "logged_as": "new", "impact": "many_customers", "urgency": "work_stopped"},
    )
    assert back.status_code == 400
    assert "Suggested priority: <strong>P1 – critical</strong>" in back.text
    assert "only with a reason" in back.text
