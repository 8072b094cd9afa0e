"""Tickets at the service level: the issue's "done when" path, SLA due times from history, the
requester's e-mails, attachments, and who may do what."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from bluelamp.audit.api import AuditEvent
from bluelamp.servicedesk.api import sla_targets
from bluelamp.servicedesk.tickets.history import due_times_from_history, pauses_from_status_changes
from bluelamp.servicedesk.tickets.models import Attachment, Category, Contact, Ticket, TicketEvent
from bluelamp.servicedesk.tickets.services import (
    contact_log,
    ticket_add_note,
    ticket_assign,
    ticket_create,
    ticket_customer_reply,
    ticket_deescalate,
    ticket_escalate,
    ticket_reply,
    ticket_set_priority,
    ticket_set_status,
)
from bluelamp.workingtime.api import add_working_time, working_time_between
from conftest import london

# Friday 28 August 2026, 16:30 BST; Monday 31 August is the Summer bank holiday.
FRIDAY_1630 = london(2026, 8, 28, 16, 30)


@pytest.fixture
def category(db):
    return Category.objects.get(name="Signing in and accounts")


def phone_call(adviser, caller, category, *, at=FRIDAY_1630, priority="P2", **ticket):
    return contact_log(
        actor=adviser,
        at=at,
        caller_name=caller.get_full_name(),
        caller_phone="01622 000000",
        person=caller,
        outcome="Cannot sign in since this morning; logged as a ticket.",
        new_ticket={
            "type": Ticket.Type.INCIDENT,
            "category": category,
            "subject": "Locked out of the learning platform",
            "description": "Bob cannot sign in: the page says his account is locked.",
            "impact": "one_person",
            "urgency": "work_stopped",  # suggests P3
            "priority": priority,
            "priority_reason": "Bob's whole course cohort starts on Tuesday.",
            **ticket,
        },
    )


def test_done_when_path(adviser, engineer, bob, category, django_capture_on_commit_callbacks):
    # An adviser logs a phone call as a P2 at 16:30 on the Friday before a bank holiday.
    with django_capture_on_commit_callbacks(execute=True):
        contact = phone_call(adviser, bob, category)
    ticket = contact.ticket
    assert contact.created_ticket and contact.adviser == adviser and contact.person == bob
    assert ticket.reference == "BL-2026-000001"
    assert (ticket.channel, ticket.priority, ticket.suggested_priority) == ("phone", "P2", "P3")
    assert ticket.requester == bob and ticket.organisation == bob.organisation
    # Response: 30 minutes on Friday, the bank holiday skipped, 3½ hours on Tuesday.
    assert ticket.response_due == london(2026, 9, 1, 11, 30)
    # Resolution: 48 hours = ½ hour Friday + 5 working days (Tue–Mon) + 2½ hours.
    assert ticket.resolution_due == london(2026, 9, 8, 10, 30)
    assert AuditEvent.objects.filter(action="servicedesk.ticket_create", object_id=str(ticket.pk)).exists()
    override = AuditEvent.objects.get(action="servicedesk.ticket_create")
    assert override.after["priority"] == "P2" and override.after["suggested_priority"] == "P3"
    assert "cohort" in override.after["priority_reason"]

    # The requester receives the acknowledgement with the reference.
    (ack,) = mail.outbox
    assert ack.to == ["bob@kent.police.uk"]
    assert ack.subject.startswith("[BL-2026-000001] ")
    assert "We aim to respond by 1 September 2026 at 11:30am" in ack.body
    assert "BL-2026-000001" in ack.alternatives[0][0]

    # Escalated to 2nd line, who replies (the first response) and waits for Bob.
    ticket = ticket_escalate(
        actor=adviser, ticket=ticket, reason="Account lock needs app ops", at=london(2026, 9, 1, 9)
    )
    assert ticket.tier == "second_line"
    escalation = ticket.events.get(kind="escalation")
    assert (escalation.author, escalation.from_value, escalation.to_value) == (
        adviser,
        "first_line",
        "second_line",
    )
    assert escalation.reason == "Account lock needs app ops"
    ticket = ticket_assign(actor=engineer, ticket=ticket, assignee=engineer, at=london(2026, 9, 1, 9, 30))
    ticket = ticket_add_note(
        actor=engineer, ticket=ticket, body="SECRET: lock came from axes", at=london(2026, 9, 1, 9, 45)
    )
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_reply(
            actor=engineer,
            ticket=ticket,
            body="Please try again now and tell us if it works.",
            await_customer=True,
            at=london(2026, 9, 1, 10),
        )
    assert ticket.first_response_at == london(2026, 9, 1, 10)
    assert ticket.first_response_at <= ticket.response_due
    assert ticket.status == "awaiting_customer"
    assert ticket.resolution_due is None  # the clock is stopped: no target until Bob answers
    reply_mail = mail.outbox[-1]
    assert (
        reply_mail.to == ["bob@kent.police.uk"]
        and reply_mail.subject == "[BL-2026-000001] Re: Locked out of the learning platform"
    )
    assert "Please try again now" in reply_mail.body
    assert all("SECRET" not in m.body and "SECRET" not in m.alternatives[0][0] for m in mail.outbox)

    # Bob answers the next morning: the clock resumes, the target moves by the paused working time.
    ticket = ticket_customer_reply(ticket=ticket, author=bob, body="Still locked.", at=london(2026, 9, 2, 10))
    assert ticket.status == "open"
    paused = working_time_between(london(2026, 9, 1, 10), london(2026, 9, 2, 10))
    assert paused == dt.timedelta(hours=9)
    assert ticket.resolution_due == add_working_time(london(2026, 9, 8, 10, 30), paused)
    assert ticket.resolution_due == london(2026, 9, 9, 10, 30)
    assert ticket.response_due == london(2026, 9, 1, 11, 30)  # the response clock never pauses

    # Resolved: Bob is told, and told that a reply within 10 working days reopens it.
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_set_status(
            actor=engineer, ticket=ticket, status="resolved", at=london(2026, 9, 3, 11)
        )
    assert ticket.resolved_at == london(2026, 9, 3, 11)
    assert ticket.resolution_due == london(2026, 9, 9, 10, 30)  # attainment stays readable
    resolved = mail.outbox[-1]
    assert resolved.subject == "[BL-2026-000001] Resolved: Locked out of the learning platform"
    assert "within 10 working days (by 17 September 2026 at 11:00am)" in resolved.body
    assert len(mail.outbox) == 3


def test_stored_due_times_equal_a_fresh_computation_from_history(adviser, bob, category):
    ticket = phone_call(adviser, bob, category).ticket
    steps = [
        lambda t: ticket_set_status(
            actor=adviser, ticket=t, status="awaiting_customer", at=london(2026, 9, 1, 9)
        ),
        lambda t: ticket_customer_reply(ticket=t, author=bob, body="Here", at=london(2026, 9, 1, 15)),
        lambda t: ticket_set_priority(
            actor=adviser, ticket=t, priority="P1", reason="Whole force", at=london(2026, 9, 1, 16)
        ),
        lambda t: ticket_set_status(
            actor=adviser, ticket=t, status="awaiting_customer", at=london(2026, 9, 2, 8, 30)
        ),
        lambda t: ticket_set_status(actor=adviser, ticket=t, status="open", at=london(2026, 9, 2, 12)),
        lambda t: ticket_set_status(actor=adviser, ticket=t, status="resolved", at=london(2026, 9, 2, 13)),
        lambda t: ticket_set_status(
            actor=adviser, ticket=t, status="reopened", reason="Back", at=london(2026, 9, 3, 8)
        ),
        lambda t: ticket_set_priority(
            actor=adviser, ticket=t, priority="P3", reason="Workaround", at=london(2026, 9, 3, 9)
        ),
    ]
    for step in steps:
        ticket = step(ticket)
        changes = list(ticket.events.filter(kind="status").order_by("at").values_list("at", "to_value"))
        fresh = sla_targets(ticket.priority, FRIDAY_1630, pauses_from_status_changes(changes))
        assert (ticket.response_due, ticket.resolution_due) == fresh
        ticket.refresh_from_db()
        assert (ticket.response_due, ticket.resolution_due) == fresh
    # The explicit pauses: two spans awaiting the customer, and the day it sat resolved.
    assert pauses_from_status_changes(changes) == [
        (london(2026, 9, 1, 9), london(2026, 9, 1, 15)),
        (london(2026, 9, 2, 8, 30), london(2026, 9, 2, 12)),
        (london(2026, 9, 2, 13), london(2026, 9, 3, 8)),
    ]


def test_priority_change_recomputes_from_the_time_logged(adviser, bob, category):
    ticket = phone_call(adviser, bob, category).ticket
    ticket = ticket_set_priority(
        actor=adviser,
        ticket=ticket,
        priority="P1",
        reason="Every Kent officer is locked out",
        at=london(2026, 9, 1, 9),
    )
    assert ticket.response_due == london(2026, 9, 1, 8, 30)  # ½ hour Friday + ½ hour Tuesday
    assert ticket.resolution_due == sla_targets("P1", FRIDAY_1630).resolution_due
    event = ticket.events.get(kind="priority")
    assert (event.from_value, event.to_value, event.reason) == (
        "P2",
        "P1",
        "Every Kent officer is locked out",
    )
    audit = AuditEvent.objects.get(action="servicedesk.ticket_priority")
    assert audit.before["priority"] == "P2" and audit.after["reason"] == "Every Kent officer is locked out"
    with pytest.raises(ValidationError, match="reason"):
        ticket_set_priority(
            actor=adviser, ticket=ticket, priority="P4", reason=" ", at=london(2026, 9, 1, 10)
        )
    ticket = ticket_set_priority(
        actor=adviser, ticket=ticket, priority="P4", reason="Cosmetic", at=london(2026, 9, 1, 10)
    )
    assert ticket.resolution_due is None  # planned work: no resolution clock


def test_pause_history_helper_ignores_the_current_resolution(db):
    t = [london(2026, 9, 1, h) for h in (9, 10, 11, 12)]
    assert pauses_from_status_changes([(t[0], "open"), (t[1], "resolved")]) == []
    assert pauses_from_status_changes([(t[0], "awaiting_customer")]) == [(t[0], None)]
    assert pauses_from_status_changes(
        [(t[0], "awaiting_customer"), (t[1], "resolved"), (t[2], "closed")]
    ) == [(t[0], t[1])]
    targets = due_times_from_history(
        priority="P3", logged_at=t[0], status_changes=[(t[1], "awaiting_customer")]
    )
    assert targets.resolution_due is None


def test_signed_in_requester_gets_the_suggested_priority_and_cannot_choose(bob, category):
    ticket = ticket_create(
        actor=bob,
        type="incident",
        category=category,
        subject="Course will not load",
        description="Spinner forever",
        impact="many_customers",
        urgency="work_stopped",
        at=london(2026, 9, 7, 9),
    )
    assert (ticket.priority, ticket.requester, ticket.channel) == ("P1", bob, "web")
    assert ticket.status == "new" and ticket.tier == "first_line"
    with pytest.raises(PermissionDenied):
        ticket_create(actor=bob, type="incident", subject="x", description="y", priority="P1")


def test_public_general_enquiry_needs_name_and_email(db, django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError) as err:
        ticket_create(actor=None, type="general_enquiry", subject="Hi", description="Who can use it?")
    assert set(err.value.message_dict) == {"requester_name"}
    with pytest.raises(ValidationError, match="Sign in to report a problem"):
        ticket_create(
            actor=None,
            type="incident",
            subject="Hi",
            description="x",
            requester_name="Pat",
            requester_email="p@example.org",
        )
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_create(
            actor=None,
            type="general_enquiry",
            subject="Hi",
            description="Who can use it?",
            requester_name="Pat Public",
            requester_email="Pat@Example.org",
        )
    assert ticket.requester is None and ticket.organisation is None and ticket.priority == "P4"
    assert mail.outbox[0].to == ["pat@example.org"]
    assert "/my-tickets/" not in mail.outbox[0].body  # no account to see it with


def test_references_count_up_within_a_year(bob):
    refs = [
        ticket_create(
            actor=bob, type="incident", subject=f"n{i}", description="d", at=london(y, 6, 1, 9)
        ).reference
        for i, y in enumerate([2026, 2026, 2027])
    ]
    assert refs == ["BL-2026-000001", "BL-2026-000002", "BL-2027-000001"]


def test_only_staff_work_tickets(bob, charlie, adviser, category):
    ticket = phone_call(adviser, bob, category).ticket
    later = london(2026, 9, 1, 9)
    for service, kwargs in [
        (ticket_add_note, {"body": "x"}),
        (ticket_set_status, {"status": "resolved"}),
        (ticket_set_priority, {"priority": "P1", "reason": "x"}),
        (ticket_escalate, {"reason": "x"}),
        (ticket_assign, {"assignee": None}),
    ]:
        with pytest.raises(PermissionDenied):
            service(actor=bob, ticket=ticket, at=later, **kwargs)
    with pytest.raises(PermissionDenied):
        ticket_reply(actor=charlie, ticket=ticket, body="I am Essex", at=later)
    with pytest.raises(ValidationError, match="does not work on the service desk"):
        ticket_assign(actor=adviser, ticket=ticket, assignee=bob, at=later)
    assert ticket.events.count() == 1


def test_key_contact_reply_counts_as_the_customer(adviser, bob, alice, category):
    from bluelamp.organisations.api import licence_contact_add

    licence = bob.organisation.licences.first()
    licence_contact_add(actor=None, licence=licence, name="Alice Admin", email=alice.email, person=alice)
    ticket = phone_call(adviser, bob, category).ticket
    ticket = ticket_set_status(
        actor=adviser, ticket=ticket, status="awaiting_customer", at=london(2026, 9, 1, 9)
    )
    ticket = ticket_reply(
        actor=alice, ticket=ticket, body="Bob is on leave; I can answer.", at=london(2026, 9, 1, 10)
    )
    assert ticket.status == "open"
    assert ticket.events.filter(kind="customer_reply", author=alice).exists()


def test_escalation_chain_and_deescalation(adviser, bob, category):
    ticket = phone_call(adviser, bob, category).ticket
    for tier in ["second_line", "senior", "lead", "service_manager"]:
        ticket = ticket_escalate(actor=adviser, ticket=ticket, reason="Up", at=london(2026, 9, 1, 9))
        assert ticket.tier == tier
    with pytest.raises(ValidationError, match="highest tier"):
        ticket_escalate(actor=adviser, ticket=ticket, reason="Up", at=london(2026, 9, 1, 9))
    ticket = ticket_deescalate(
        actor=adviser, ticket=ticket, reason="Fixed upstream", to_tier="first_line", at=london(2026, 9, 1, 10)
    )
    assert ticket.tier == "first_line"
    with pytest.raises(ValidationError, match="reason"):
        ticket_escalate(actor=adviser, ticket=ticket, reason="", at=london(2026, 9, 1, 10))
    assert AuditEvent.objects.filter(action="servicedesk.ticket_escalate").count() == 4


def test_resolved_ticket_reopens_on_a_reply_within_10_working_days_only(adviser, bob, category):
    ticket = phone_call(adviser, bob, category).ticket
    ticket = ticket_set_status(actor=adviser, ticket=ticket, status="resolved", at=london(2026, 9, 1, 9))
    ticket = ticket_customer_reply(
        ticket=ticket, author=bob, body="Broken again", at=london(2026, 9, 15, 8, 59)
    )
    assert ticket.status == "reopened" and ticket.resolved_at is None
    ticket = ticket_set_status(actor=adviser, ticket=ticket, status="resolved", at=london(2026, 9, 15, 10))
    with pytest.raises(ValidationError, match="more than 10 working days ago"):
        ticket_customer_reply(ticket=ticket, author=bob, body="Again", at=london(2026, 9, 29, 10, 1))
    ticket = ticket_set_status(actor=adviser, ticket=ticket, status="closed", at=london(2026, 9, 30, 10))
    with pytest.raises(ValidationError, match="is closed"):
        ticket_customer_reply(ticket=ticket, author=bob, body="Again", at=london(2026, 9, 30, 11))


def test_status_changes_are_checked(adviser, bob, category):
    ticket = phone_call(adviser, bob, category).ticket
    with pytest.raises(ValidationError, match="cannot become reopened"):
        ticket_set_status(
            actor=adviser, ticket=ticket, status="reopened", reason="x", at=london(2026, 9, 1, 9)
        )
    with pytest.raises(ValidationError, match="not one of"):
        ticket_set_status(actor=adviser, ticket=ticket, status="lost", at=london(2026, 9, 1, 9))
    with pytest.raises(ValidationError, match="cannot be dated earlier"):
        ticket_set_status(actor=adviser, ticket=ticket, status="open", at=london(2026, 8, 28, 9))


def test_contact_log_other_outcomes(adviser, bob, category):
    ticket = phone_call(adviser, bob, category).ticket
    contact = contact_log(
        actor=adviser, caller_name="Bob", outcome="Chasing", ticket=ticket, at=london(2026, 9, 1, 9)
    )
    assert contact.ticket == ticket and not contact.created_ticket
    assert ticket.events.filter(kind="note", body__contains="Chasing").exists()
    contact = contact_log(
        actor=adviser,
        caller_name="Sam Caller",
        outcome="Asked for the police non-emergency number",
        not_logged_reason="Wrong number: not about the platform",
        at=london(2026, 9, 1, 10),
    )
    assert contact.ticket is None
    with pytest.raises(ValidationError, match="Choose one"):
        contact_log(actor=adviser, caller_name="X", outcome="Y", at=london(2026, 9, 1, 10))
    with pytest.raises(PermissionDenied):
        contact_log(actor=bob, caller_name="X", outcome="Y", not_logged_reason="Z")
    assert Contact.objects.count() == 3


# --- attachments --------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def test_attachments_are_stored_with_the_event(bob):
    ticket = ticket_create(
        actor=bob,
        type="incident",
        subject="Screenshot",
        description="See attached",
        attachments=[
            SimpleUploadedFile("screen.png", PNG, "image/png"),
            SimpleUploadedFile("notes.csv", b"a,b\n1,2\n"),
        ],
    )
    stored = Attachment.objects.filter(ticket=ticket).order_by("name")
    assert [(a.name, a.content_type, a.size) for a in stored] == [
        ("notes.csv", "text/csv", 8),
        ("screen.png", "image/png", len(PNG)),
    ]
    assert stored[0].event.kind == TicketEvent.Kind.CREATED
    assert stored[1].file.read() == PNG


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("virus.exe", b"MZ", r"virus.exe cannot be attached: .exe files are not accepted. Attach PDF, PNG"),
        ("fake.pdf", b"<html>", r"fake.pdf is not a real PDF file"),
        ("empty.txt", b"", r"empty.txt is empty"),
        (
            "big.png",
            b"\x89PNG\r\n\x1a\n" + b"\x00" * (10 * 1024 * 1024),
            r"big.png is 10.0 MB: it must be 10 MB or smaller",
        ),
    ],
)
def test_attachment_limits_name_the_file_and_what_is_accepted(bob, name, content, message):
    with pytest.raises(ValidationError, match=message) as err:
        ticket_create(
            actor=bob,
            type="incident",
            subject="s",
            description="d",
            attachments=[SimpleUploadedFile(name, content)],
        )
    assert "attachments" in err.value.message_dict
    assert not Ticket.objects.exists() and not Attachment.objects.exists()
