"""Working the queue: full-text search, canned responses, saved filters and bulk actions.

Adam and Eve work the desk; Bob (a Kent officer) raises tickets and must never reach any of it.
"""

import pytest

from bluelamp.servicedesk.tickets.models import CannedResponse, SavedQueueFilter, Ticket
from bluelamp.servicedesk.tickets.selectors import canned_response_fill, ticket_queue
from bluelamp.servicedesk.tickets.services import (
    canned_response_save,
    ticket_add_note,
    ticket_create,
    ticket_reply,
)


@pytest.fixture
def tickets(bob, adviser):
    made = {
        "signin": ticket_create(
            actor=bob, type="incident", subject="Cannot sign in on my laptop", description="It says no."
        ),
        "certificate": ticket_create(
            actor=bob,
            type="incident",
            subject="Certificate missing",
            description="The signing page shows nothing after the course.",
        ),
        "video": ticket_create(
            actor=bob, type="incident", subject="Video does not play", description="Blank."
        ),
    }
    ticket_reply(actor=adviser, ticket=made["video"], body="Known issue with the kaleidoscope player.")
    ticket_add_note(actor=adviser, ticket=made["certificate"], body="Checked the marmalade server logs.")
    return {k: Ticket.objects.get(pk=t.pk) for k, t in made.items()}


def _refs(queryset):
    return [t.reference for t in queryset]


# --- search -------------------------------------------------------------------------------------


def test_search_finds_by_reference_subject_description_reply_and_note(adviser, tickets):
    signin, certificate, video = tickets["signin"], tickets["certificate"], tickets["video"]
    assert _refs(ticket_queue(adviser, text=video.reference.lower())) == [video.reference]
    assert _refs(ticket_queue(adviser, text="laptop")) == [signin.reference]
    assert _refs(ticket_queue(adviser, text="kaleidoscope")) == [video.reference]  # public reply
    assert _refs(ticket_queue(adviser, text="marmalade")) == [certificate.reference]  # internal note
    assert _refs(ticket_queue(adviser, text="nothing-matches-this")) == []


def test_search_ranks_subject_matches_before_other_fields(adviser, tickets):
    # "sign" is in one subject ("sign in") and in another ticket's description ("signing").
    found = _refs(ticket_queue(adviser, text="sign"))
    assert found[0] == tickets["signin"].reference
    assert tickets["certificate"].reference in found


def test_search_respects_the_status_filter(adviser, tickets):
    assert _refs(ticket_queue(adviser, text="laptop", status="resolved")) == []
    assert _refs(ticket_queue(adviser, text="laptop", status="all")) == [tickets["signin"].reference]


def test_search_is_staff_only(signed_in, bob, tickets):
    assert not ticket_queue(bob, text="laptop").exists()
    assert signed_in(bob).get("/service-desk/queue/", {"q": "laptop"}).status_code == 404


def test_queue_page_search(signed_in, adviser, tickets):
    page = signed_in(adviser).get("/service-desk/queue/", {"q": "kaleidoscope"})
    assert page.status_code == 200
    assert tickets["video"].reference in page.text and tickets["signin"].reference not in page.text


# --- canned responses ---------------------------------------------------------------------------


def test_canned_response_placeholders_are_filled(signed_in, adviser, engineer, tickets):
    ticket = tickets["signin"]
    shared = canned_response_save(
        actor=engineer,
        title="Clear cache",
        body="Dear {requester_first_name}, about {reference}: please clear your cache. {adviser_name}",
        shared=True,
    )
    assert canned_response_fill(shared, ticket=ticket, adviser=adviser) == (
        f"Dear Bob, about {ticket.reference}: please clear your cache. Adam Adviser"
    )
    # The work page's picker: without JavaScript, the page again with the reply box filled in.
    client = signed_in(adviser)
    page = client.get(f"/service-desk/tickets/{ticket.reference}/")
    assert "Clear cache" in page.text
    page = client.get(f"/service-desk/tickets/{ticket.reference}/", {"canned": shared.pk})
    assert f"Dear Bob, about {ticket.reference}: please clear your cache. Adam Adviser" in page.text


def test_unknown_placeholder_is_refused_with_the_accepted_ones(adviser):
    with pytest.raises(Exception) as caught:
        canned_response_save(actor=adviser, title="Oops", body="Hi {first_name}", shared=False)
    assert "{first_name}" in str(caught.value) and "{requester_first_name}" in str(caught.value)
    assert not CannedResponse.objects.exists()


def test_personal_canned_responses_are_their_owners_only(signed_in, adviser, engineer, bob, tickets):
    mine = canned_response_save(actor=adviser, title="Adam's own", body="Hello", shared=False)
    client = signed_in(engineer)
    assert "Adam&#39;s own" not in client.get("/service-desk/canned-responses/").text
    assert client.get(f"/service-desk/canned-responses/{mine.pk}/").status_code == 404
    ticket = tickets["signin"]
    assert client.get(f"/service-desk/tickets/{ticket.reference}/", {"canned": mine.pk}).status_code == 404
    assert signed_in(bob).get("/service-desk/canned-responses/").status_code == 404


def test_canned_responses_page_adds_and_edits(signed_in, adviser):
    client = signed_in(adviser)
    response = client.post(
        "/service-desk/canned-responses/",
        {"title": "Thanks", "body": "Thanks, {requester_first_name}.", "shared": "on", "is_active": "on"},
    )
    assert response.status_code == 302
    made = CannedResponse.objects.get(title="Thanks")
    assert made.owner is None and made.is_active
    response = client.post(
        f"/service-desk/canned-responses/{made.pk}/", {"title": "Thanks!", "body": "Bye {nope}"}
    )
    assert response.status_code == 400 and "{nope}" in response.text
    client.post(f"/service-desk/canned-responses/{made.pk}/", {"title": "Thanks!", "body": "Bye"})
    made.refresh_from_db()
    assert (made.title, made.is_active, made.owner) == ("Thanks!", False, adviser)


# --- saved filters ------------------------------------------------------------------------------


def test_saved_filters_are_personal(signed_in, adviser, engineer, bob):
    client = signed_in(adviser)
    response = client.post(
        "/service-desk/queue/filters/", {"name": "My P1s", "priority": "P1", "mine": "on", "junk": "x"}
    )
    assert response.status_code == 302
    saved = SavedQueueFilter.objects.get(owner=adviser)
    assert saved.query == "priority=P1&mine=on"
    assert client.get(f"/service-desk/queue/filters/{saved.pk}/")["Location"] == (
        "/service-desk/queue/?priority=P1&mine=on"
    )
    assert "My P1s" in client.get("/service-desk/queue/").text
    # The same name again is refused; the first stays.
    client.post("/service-desk/queue/filters/", {"name": "My P1s", "priority": "P2"})
    assert SavedQueueFilter.objects.get(owner=adviser).query == "priority=P1&mine=on"
    assert "You already have a saved filter called “My P1s”" in client.get("/service-desk/queue/").text

    other = signed_in(engineer)
    assert f"/service-desk/queue/filters/{saved.pk}/" not in other.get("/service-desk/queue/").text
    assert other.get(f"/service-desk/queue/filters/{saved.pk}/").status_code == 404
    assert other.post(f"/service-desk/queue/filters/{saved.pk}/delete/").status_code == 404
    assert signed_in(bob).get(f"/service-desk/queue/filters/{saved.pk}/").status_code == 404
    assert SavedQueueFilter.objects.filter(pk=saved.pk).exists()

    client = signed_in(adviser)
    assert client.post(f"/service-desk/queue/filters/{saved.pk}/delete/").status_code == 302
    assert not SavedQueueFilter.objects.exists()


# --- bulk actions -------------------------------------------------------------------------------


def test_bulk_assign_and_escalate_report_each_ticket(signed_in, adviser, engineer, tickets):
    refs = [t.reference for t in tickets.values()]
    client = signed_in(adviser)
    response = client.post(
        "/service-desk/queue/bulk/", {"tickets": refs, "action": "assign", "assignee": engineer.pk}
    )
    assert response.status_code == 200 and "Done for 3 of 3 tickets" in response.text
    assert set(Ticket.objects.values_list("assignee", flat=True)) == {engineer.pk}

    # One ticket at the top tier cannot be escalated: reported, the others still move.
    top = tickets["video"]
    Ticket.objects.filter(pk=top.pk).update(tier=Ticket.Tier.SERVICE_MANAGER)
    response = client.post(
        "/service-desk/queue/bulk/",
        {"tickets": refs + ["BL-1999-000001"], "action": "escalate", "reason": "Needs the engineers"},
    )
    assert "Done for 2 of 4 tickets" in response.text
    assert "already at the highest tier" in response.text and "There is no such ticket." in response.text
    tiers = dict(Ticket.objects.values_list("reference", "tier"))
    assert tiers[tickets["signin"].reference] == tiers[tickets["certificate"].reference] == "second_line"
    assert tiers[top.reference] == "service_manager"
    assert tickets["signin"].events.filter(kind="escalation", reason="Needs the engineers").exists()


def test_bulk_escalate_needs_a_reason_and_changes_nothing_without(signed_in, adviser, tickets):
    refs = [t.reference for t in tickets.values()]
    response = signed_in(adviser).post("/service-desk/queue/bulk/", {"tickets": refs, "action": "escalate"})
    assert response.status_code == 400 and "Enter the reason for escalating" in response.text
    assert set(Ticket.objects.values_list("tier", flat=True)) == {"first_line"}


def test_bulk_status_reports_what_cannot_change(signed_in, adviser, tickets):
    signin, video = tickets["signin"], tickets["video"]
    client = signed_in(adviser)
    client.post(
        "/service-desk/queue/bulk/", {"tickets": [signin.reference], "action": "status", "status": "resolved"}
    )
    response = client.post(
        "/service-desk/queue/bulk/",
        {
            "tickets": [signin.reference, video.reference],
            "action": "status",
            "status": "awaiting_third_party",
        },
    )
    assert (
        "Done for 1 of 2 tickets" in response.text and "cannot become awaiting third party" in response.text
    )
    assert Ticket.objects.get(pk=video.pk).status == "awaiting_third_party"
    assert Ticket.objects.get(pk=signin.pk).status == "resolved"


def test_bulk_is_staff_only(signed_in, bob, tickets):
    refs = [t.reference for t in tickets.values()]
    assert (
        signed_in(bob)
        .post("/service-desk/queue/bulk/", {"tickets": refs, "action": "status", "status": "resolved"})
        .status_code
        == 404
    )
    assert not Ticket.objects.filter(status="resolved").exists()
