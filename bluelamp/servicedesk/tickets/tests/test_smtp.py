"""The requester's e-mails really go out over SMTP: a real SMTP server (aiosmtpd) on 127.0.0.1
receives the acknowledgement of a ticket e-mailed in, the desk's public reply and the
notification that it is resolved, each to the requester with the reference in the subject."""

from bluelamp.servicedesk.inbound.tests.messages import created_reference, eml, run_mail_in
from bluelamp.servicedesk.tickets.models import Ticket
from bluelamp.servicedesk.tickets.services import ticket_add_note, ticket_reply, ticket_set_status


def test_acknowledgement_reply_and_resolution_arrive_over_smtp(
    bob, engineer, smtp_inbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        out, _ = run_mail_in(eml(sender="Bob Officer <bob@kent.police.uk>", subject="Cannot open my course"))
    ticket = Ticket.objects.get(reference=created_reference(out))
    reference = ticket.reference

    (ack,) = smtp_inbox.messages()
    recipients, message = ack
    assert recipients == ["bob@kent.police.uk"] and message["To"] == "bob@kent.police.uk"
    assert message["Subject"] == f"[{reference}] We have logged your request: Cannot open my course"
    assert message["Auto-Submitted"] == "auto-generated"  # so that auto-replies do not answer it
    assert "servicedesk@bluelamp.example" in message["From"]
    assert reference in message.get_body(preferencelist=("plain",)).get_content()

    at = ticket.created_at
    ticket_add_note(actor=engineer, ticket=ticket, body="SECRET internal note", at=at)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_reply(actor=engineer, ticket=ticket, body="Please clear your browser cache.", at=at)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_set_status(actor=engineer, ticket=ticket, status="resolved", at=at)

    messages = smtp_inbox.messages()
    assert len(messages) == 3  # the internal note sent nothing
    (reply_to, reply), (resolved_to, resolved) = messages[1:]
    assert reply_to == resolved_to == ["bob@kent.police.uk"]
    assert reply["Subject"] == f"[{reference}] Re: Cannot open my course"
    assert "Please clear your browser cache." in reply.get_body(preferencelist=("plain",)).get_content()
    assert resolved["Subject"] == f"[{reference}] Resolved: Cannot open my course"
    assert all(b"SECRET" not in envelope.content for envelope in smtp_inbox.envelopes)


def test_a_public_enquiry_by_e_mail_is_acknowledged_over_smtp(
    db, smtp_inbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        out, _ = run_mail_in(eml(sender='"Pat Public" <pat@example.org>', subject="Do you run courses?"))
    ((recipients, message),) = smtp_inbox.messages()
    assert recipients == ["pat@example.org"]
    assert (
        message["Subject"] == f"[{created_reference(out)}] We have logged your request: Do you run courses?"
    )
