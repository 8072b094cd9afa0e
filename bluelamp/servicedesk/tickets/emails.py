"""E-mails to a ticket's requester: the acknowledgement (in the complaints wording for a
complaint), each public reply, and resolution (with what the applets above tickets add: a
complaint's outcome, the link to the satisfaction survey; tickets.extensions).

Each is queued with bluelamp.notifications (rendered from the one e-mail layout, delivered by a
task, retried while the mail server is down): an SMTP outage delays the message, never loses it
and never fails the action. The ticket services call these inside their own transaction, with
ids: the message is stored with the change and sent only if it commits, so a crash between the
commit and the queueing cannot lose it. The subject carries
"[BL-2026-000123]" so that the requester's reply can be threaded onto the ticket. Internal notes
are never sent.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail.message import make_msgid

from bluelamp.core.timefmt import format_datetime
from bluelamp.notifications.api import email_queue, email_render
from bluelamp.servicedesk.sla import SLA_POLICIES, Priority
from bluelamp.servicedesk.tickets import extensions
from bluelamp.servicedesk.tickets.models import Ticket, TicketEvent
from bluelamp.servicedesk.tickets.selectors import REOPEN_WINDOW
from bluelamp.workingtime.api import add_working_time

REOPEN_WORKING_DAYS = 10
# A complaint is acknowledged in the complaints wording (the seed's "Complaints" section).
ACKNOWLEDGEMENT_TEMPLATES: dict[str, str] = {Ticket.Type.COMPLAINT: "complaint_acknowledgement"}


def subject_for(ticket: Ticket, text: str) -> str:
    return f"[{ticket.reference}] {text}"


def _ticket_url(ticket: Ticket) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/service-desk/my-tickets/{ticket.reference}/"


def _mail_domain() -> str:
    address = settings.SERVICE_DESK_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >")
    return address or "bluelamp.invalid"


def _queue(ticket: Ticket, *, template: str, subject: str, context: dict) -> None:
    subject = subject_for(ticket, subject)
    text, html = email_render(
        f"servicedesk/email/{template}",
        {
            "subject": subject,
            "ticket": ticket,
            "ticket_url": _ticket_url(ticket) if ticket.requester_id else "",
            "signature": "The Bluelamp service desk",
            **context,
        },
    )
    email_queue(
        to=[ticket.requester_email],
        subject=subject,
        text=text,
        html=html,
        from_email=settings.SERVICE_DESK_FROM_EMAIL,
        headers={
            "Auto-Submitted": "auto-generated",
            "X-Bluelamp-Ticket": ticket.reference,
            # Carries the reference, so a reply threads by In-Reply-To even if its subject was
            # edited. Made once, when queued: a retried delivery is the same message.
            "Message-ID": make_msgid(idstring=ticket.reference, domain=_mail_domain()),
        },
        kind=f"servicedesk.{template}",
    )


def send_acknowledgement(ticket_id: int) -> None:
    ticket = Ticket.objects.get(pk=ticket_id)
    if not ticket.requester_email:
        return
    policy = SLA_POLICIES[Priority(ticket.priority)]
    _queue(
        ticket,
        template=ACKNOWLEDGEMENT_TEMPLATES.get(ticket.type, "acknowledgement"),
        subject=f"We have logged your {'complaint' if ticket.type == Ticket.Type.COMPLAINT else 'request'}: {ticket.subject}",
        context={"response_due": format_datetime(ticket.response_due), "policy": policy},
    )


def send_reply(event_id: int) -> None:
    event = TicketEvent.objects.select_related("ticket").get(pk=event_id)
    if event.visibility != TicketEvent.Visibility.PUBLIC or event.kind != TicketEvent.Kind.REPLY:
        return  # never an internal note, whatever the caller passed
    ticket = event.ticket
    if not ticket.requester_email:
        return
    _queue(
        ticket,
        template="reply",
        subject=f"Re: {ticket.subject}",
        context={"event": event, "author": event.author.first_name if event.author else "The service desk"},
    )


def send_resolved(ticket_id: int) -> None:
    ticket = Ticket.objects.get(pk=ticket_id)
    if not ticket.requester_email or ticket.resolved_at is None:
        return
    reopen_until = add_working_time(ticket.resolved_at, REOPEN_WINDOW)
    _queue(
        ticket,
        template="resolved",
        subject=f"Resolved: {ticket.subject}",
        context={
            "reopen_until": format_datetime(reopen_until),
            "days": REOPEN_WORKING_DAYS,
            # The complaint's outcome; the survey link, signed for this ticket.
            **extensions.resolved_email_context(ticket),
        },
    )
