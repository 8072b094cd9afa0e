"""Complaints follow their own route: the complaints acknowledgement, escalation along the
chain, and resolution only with a recorded outcome (told to the requester)."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from bluelamp.servicedesk.complaints.models import ComplaintOutcome
from bluelamp.servicedesk.tickets.services import ticket_create, ticket_escalate, ticket_set_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint(bob, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        return ticket_create(
            actor=bob, type="complaint", subject="Rude reply", description="The adviser was rude"
        )


def test_acknowledged_in_the_complaints_wording(complaint):
    (message,) = mail.outbox
    assert message.subject == f"[{complaint.reference}] We have logged your complaint: Rude reply"
    assert (
        "College Customer Contact Centre" in message.body
        and "escalated through the relevant chain" in message.body
    )
    assert complaint.tier == "first_line"


def test_resolving_needs_an_outcome_which_the_requester_is_told(
    complaint, adviser, engineer, django_capture_on_commit_callbacks
):
    ticket_escalate(
        actor=adviser, ticket=complaint, reason="Contact centre cannot complete the investigation"
    )
    with pytest.raises(ValidationError) as refused:
        ticket_set_status(actor=engineer, ticket=complaint, status="resolved")
    assert set(refused.value.message_dict) == {"outcome", "outcome_text"}
    with pytest.raises(ValidationError, match="outcome_text|Enter what"):
        ticket_set_status(
            actor=engineer, ticket=complaint, status="resolved", outcome="upheld", outcome_text=" "
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ticket_set_status(
            actor=engineer,
            ticket=complaint,
            status="resolved",
            outcome="partly_upheld",
            outcome_text="Apology sent",
        )
    outcome = ComplaintOutcome.objects.get()
    assert (outcome.outcome, outcome.text, outcome.recorded_by) == ("partly_upheld", "Apology sent", engineer)
    (message,) = mail.outbox
    assert "Partly upheld" in message.body and "Apology sent" in message.body


def test_an_incident_has_no_outcome(bob, adviser):
    ticket = ticket_create(actor=bob, type="incident", subject="x", description="y")
    with pytest.raises(ValidationError, match="not a complaint"):
        ticket_set_status(actor=adviser, ticket=ticket, status="resolved", outcome="upheld", outcome_text="z")
    ticket_set_status(actor=adviser, ticket=ticket, status="resolved")


def test_complaint_pages(signed_in, complaint, adviser, bob, charlie):
    url = f"/service-desk/tickets/{complaint.reference}/complaint/resolve/"
    for outsider in (bob, charlie):
        assert (
            signed_in(outsider)
            .post(url, {"complaint-outcome": "upheld", "complaint-outcome_text": "x"})
            .status_code
            == 404
        )
    client = signed_in(adviser)
    assert (
        "Resolve with this outcome"
        in client.get(f"/service-desk/tickets/{complaint.reference}/").content.decode()
    )
    # The ordinary status form refuses, naming what is missing.
    status = client.post(
        f"/service-desk/tickets/{complaint.reference}/status/", {"status-status": "resolved"}
    )
    assert status.status_code == 400 and "resolved with its outcome" in status.content.decode()
    bad = client.post(url, {"complaint-outcome": "upheld"})
    assert bad.status_code == 400 and "Enter what the investigation found" in bad.content.decode()
    assert (
        client.post(
            url, {"complaint-outcome": "not_upheld", "complaint-outcome_text": "Recording shows no rudeness"}
        ).status_code
        == 302
    )
    complaint.refresh_from_db()
    assert complaint.status == "resolved"
