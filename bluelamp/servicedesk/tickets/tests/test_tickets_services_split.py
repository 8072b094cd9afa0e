"""The ticket services as a package: every name importers use is still where they import it from;
Bluelamp's own notes; the reopen-window rule asked in one place; and changing a ticket's type
(with what the complaints route needs), from the service and from the staff work page."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from bluelamp.audit.api import AuditEvent
from bluelamp.servicedesk.inbound.services import MailOutcome, mail_receive
from bluelamp.servicedesk.inbound.tests.messages import eml
from bluelamp.servicedesk.tickets import services
from bluelamp.servicedesk.tickets.models import Ticket, TicketEvent
from bluelamp.servicedesk.tickets.selectors import ticket_accepts_customer_reply, ticket_timeline
from conftest import london, make_person

pytestmark = pytest.mark.django_db

MONDAY_9 = london(2026, 9, 7, 9)
TUESDAY_10 = london(2026, 9, 8, 10)
# 10 working days after Tuesday 8 September 2026 at 10:00 (no bank holidays in between).
WINDOW_END = london(2026, 9, 22, 10)


@pytest.fixture
def ticket(bob):
    return services.ticket_create(
        actor=bob, type="incident", subject="Course will not open", description="It spins", at=MONDAY_9
    )


# --- the package --------------------------------------------------------------------------------

PUBLIC_NAMES = [
    "ALLOWED_STATUS_CHANGES",
    "INTERNAL",
    "PUBLIC",
    "REOPEN_WINDOW",
    "SYSTEM_AUTHOR",
    "TIER_ORDER",
    "Kind",
    "Status",
    "Tier",
    "contact_log",
    "ticket_add_note",
    "ticket_assign",
    "ticket_close_resolved",
    "ticket_create",
    "ticket_customer_reply",
    "ticket_deescalate",
    "ticket_escalate",
    "ticket_reply",
    "ticket_set_priority",
    "ticket_set_status",
]


def test_every_name_of_the_old_module_is_still_exported():
    for name in PUBLIC_NAMES:
        assert name in services.__all__ and getattr(services, name) is not None, name
    assert services.TIER_ORDER == list(Ticket.Tier.values)
    assert services.SYSTEM_AUTHOR == "Bluelamp (automatic)"
    # The modules hold cohesive parts; the package is the one place to import from.
    assert services.ticket_create.__module__.endswith(".create")
    assert services.ticket_reply.__module__.endswith(".replies")
    assert services.ticket_set_status.__module__.endswith(".status")
    assert services.ticket_escalate.__module__.endswith(".routing")


# --- Bluelamp's own notes -----------------------------------------------------------------------


def test_a_system_note_is_internal_by_bluelamp_and_audited(ticket, bob):
    services.ticket_add_system_note(ticket=ticket, body="  Files were left off.  ", at=TUESDAY_10)
    note = TicketEvent.objects.get(ticket=ticket, kind="note")
    assert (note.author, note.author_name, note.visibility, note.body) == (
        None,
        services.SYSTEM_AUTHOR,
        "internal",
        "Files were left off.",
    )
    ticket.refresh_from_db()
    assert ticket.last_activity_at == TUESDAY_10
    audit = AuditEvent.objects.get(action="servicedesk.ticket_system_note")
    assert audit.actor is None and audit.object_label == ticket.reference
    # The requester never sees it.
    assert note not in ticket_timeline(ticket, public_only=True)


def test_a_system_note_needs_text_and_cannot_go_back_in_time(ticket):
    with pytest.raises(ValidationError, match="Enter the note"):
        services.ticket_add_system_note(ticket=ticket, body="  ", at=TUESDAY_10)
    with pytest.raises(ValidationError, match="cannot be dated earlier"):
        services.ticket_add_system_note(ticket=ticket, body="Late", at=london(2026, 9, 4, 9))
    assert not TicketEvent.objects.filter(kind="note").exists()


def test_mail_in_notes_are_written_by_bluelamp(bob):
    raw = eml(files=[("run.exe", b"MZ\x90\x00", "application", "x-msdownload")])
    outcome = mail_receive(raw, at=MONDAY_9)
    assert outcome.action == "created"
    note = TicketEvent.objects.get(ticket__reference=outcome.reference, kind="note")
    assert note.author_name == services.SYSTEM_AUTHOR and not note.is_public
    assert "run.exe" in note.body


# --- the reopen window --------------------------------------------------------------------------


def test_the_reopen_window_in_one_place(ticket, adviser):
    assert ticket_accepts_customer_reply(ticket, TUESDAY_10)
    ticket = services.ticket_set_status(actor=adviser, ticket=ticket, status="resolved", at=TUESDAY_10)
    assert ticket_accepts_customer_reply(ticket, WINDOW_END)
    assert not ticket_accepts_customer_reply(ticket, london(2026, 9, 22, 10, 1))
    # The reply service asks the same rule...
    with pytest.raises(ValidationError, match="more than 10 working days ago"):
        services.ticket_customer_reply(
            ticket=ticket, author=None, body="Still broken", at=london(2026, 9, 23, 9)
        )
    # ...and so does mail-in: a late reply becomes a new ticket naming the old one.
    raw = eml(subject=f"Re: [{ticket.reference}] Course will not open", body="Still broken")
    outcome = mail_receive(raw, at=london(2026, 9, 23, 9))
    assert outcome.action == "created" and outcome.reference != ticket.reference
    assert ticket.reference in Ticket.objects.get(reference=outcome.reference).description
    # Inside the window, the same e-mail reopens the ticket.
    outcome = mail_receive(raw, at=WINDOW_END)
    assert outcome == MailOutcome("updated", ticket.reference)
    ticket.refresh_from_db()
    assert ticket.status == "reopened"


def test_a_closed_ticket_takes_no_reply(ticket, adviser):
    services.ticket_set_status(actor=adviser, ticket=ticket, status="resolved", at=TUESDAY_10)
    ticket = services.ticket_set_status(
        actor=adviser, ticket=ticket, status="closed", at=london(2026, 9, 8, 11)
    )
    assert not ticket_accepts_customer_reply(ticket, london(2026, 9, 8, 12))


# --- changing the type --------------------------------------------------------------------------


def test_staff_change_the_type_with_a_reason_on_the_timeline(ticket, adviser):
    ticket = services.ticket_change_type(
        actor=adviser,
        ticket=ticket,
        type="service_request",
        reason="They are asking for access",
        at=TUESDAY_10,
    )
    assert ticket.type == "service_request"
    ticket.refresh_from_db()
    assert (ticket.type, ticket.last_activity_at) == ("service_request", TUESDAY_10)
    event = TicketEvent.objects.get(ticket=ticket, kind="type")
    assert (event.from_value, event.to_value, event.reason, event.author, event.visibility) == (
        "incident",
        "service_request",
        "They are asking for access",
        adviser,
        "internal",
    )
    audit = AuditEvent.objects.get(action="servicedesk.ticket_type")
    assert audit.before == {"type": "incident"}
    assert audit.after == {"type": "service_request", "reason": "They are asking for access"}


def test_changing_the_type_is_refused_with_a_clear_message(ticket, adviser, bob):
    with pytest.raises(PermissionDenied):
        services.ticket_change_type(actor=bob, ticket=ticket, type="complaint", reason="Unhappy")
    with pytest.raises(ValidationError) as error:
        services.ticket_change_type(actor=adviser, ticket=ticket, type="complaint", reason=" ")
    assert error.value.message_dict == {"reason": ["Enter the reason for changing the type"]}
    with pytest.raises(ValidationError, match="'moan' is not one of: Incident"):
        services.ticket_change_type(actor=adviser, ticket=ticket, type="moan", reason="x")
    with pytest.raises(ValidationError, match="already of type incident"):
        services.ticket_change_type(actor=adviser, ticket=ticket, type="incident", reason="x")
    assert not TicketEvent.objects.filter(kind="type").exists()
    assert not AuditEvent.objects.filter(action="servicedesk.ticket_type").exists()


def test_becoming_a_complaint_is_acknowledged_in_the_complaints_wording(
    ticket, adviser, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_change_type(
            actor=adviser,
            ticket=ticket,
            type="complaint",
            reason="Complains about the adviser",
            at=TUESDAY_10,
        )
    (message,) = mail.outbox
    assert message.subject == f"[{ticket.reference}] We have logged your complaint: Course will not open"
    assert "College Customer Contact Centre" in message.body
    # From now on it is resolved only with an outcome.
    with pytest.raises(ValidationError) as refused:
        services.ticket_set_status(actor=adviser, ticket=ticket, status="resolved", at=london(2026, 9, 8, 11))
    assert set(refused.value.message_dict) == {"outcome", "outcome_text"}


def test_no_complaint_is_made_or_unmade_once_resolved(ticket, adviser, bob):
    resolved = services.ticket_set_status(actor=adviser, ticket=ticket, status="resolved", at=TUESDAY_10)
    with pytest.raises(ValidationError, match="is resolved: reopen it before changing it to a complaint"):
        services.ticket_change_type(actor=adviser, ticket=resolved, type="complaint", reason="x")
    # Other corrections are fine after resolution.
    services.ticket_change_type(
        actor=adviser,
        ticket=resolved,
        type="service_request",
        reason="Was a request",
        at=london(2026, 9, 8, 11),
    )

    complaint = services.ticket_create(
        actor=bob, type="complaint", subject="Rude", description="x", at=MONDAY_9
    )
    complaint = services.ticket_set_status(
        actor=adviser,
        ticket=complaint,
        status="resolved",
        outcome="not_upheld",
        outcome_text="Reviewed the call",
        at=TUESDAY_10,
    )
    with pytest.raises(ValidationError, match="reopen it before changing it from a complaint"):
        services.ticket_change_type(actor=adviser, ticket=complaint, type="incident", reason="x")
    complaint = services.ticket_set_status(
        actor=adviser, ticket=complaint, status="reopened", reason="New evidence", at=london(2026, 9, 8, 11)
    )
    with pytest.raises(ValidationError, match="has a complaint outcome on record: it stays a complaint"):
        services.ticket_change_type(actor=adviser, ticket=complaint, type="incident", reason="x")


def test_an_active_complaint_without_outcome_can_become_an_incident(bob, adviser):
    complaint = services.ticket_create(
        actor=bob, type="complaint", subject="Broken", description="x", at=MONDAY_9
    )
    ticket = services.ticket_change_type(
        actor=adviser, ticket=complaint, type="incident", reason="A fault, not a complaint", at=TUESDAY_10
    )
    # An incident is resolved without a complaint's outcome.
    ticket = services.ticket_set_status(
        actor=adviser, ticket=ticket, status="resolved", at=london(2026, 9, 8, 11)
    )
    assert ticket.status == "resolved"


# --- the work page's form -----------------------------------------------------------------------


def test_the_work_page_changes_the_type(signed_in, adviser, ticket):
    url = f"/service-desk/tickets/{ticket.reference}/"
    page = signed_in(adviser).get(url)
    assert 'id="type"' in page.text and 'name="type-type"' in page.text
    response = signed_in(adviser).post(
        url + "type/", {"type-type": "service_request", "type-reason": "Asking for access"}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.type == "service_request"
    page = signed_in(adviser).get(url)
    assert "Type changed" in page.text and "Asking for access" in page.text
    assert "Service request (asking for something)" in page.text


def test_the_type_form_names_what_is_missing(signed_in, adviser, ticket):
    response = signed_in(adviser).post(
        f"/service-desk/tickets/{ticket.reference}/type/", {"type-type": "complaint", "type-reason": ""}
    )
    assert response.status_code == 400 and "Enter the reason for changing the type" in response.text
    ticket.refresh_from_db()
    assert ticket.type == "incident"


def test_outsiders_cannot_change_the_type(signed_in, bob, charlie, essex, ticket):
    essex_officer = make_person(essex, "dan@essex.police.uk", first="Dan", last="Essex")
    data = {"type-type": "complaint", "type-reason": "x"}
    for person in (bob, charlie, essex_officer):
        assert (
            signed_in(person).post(f"/service-desk/tickets/{ticket.reference}/type/", data).status_code == 404
        )
    assert (
        Client().post(f"/service-desk/tickets/{ticket.reference}/type/", data).status_code == 302
    )  # sign in
    ticket.refresh_from_db()
    assert ticket.type == "incident"
