"""Moving a ticket through its statuses: by staff, and the automatic close after the reopen window."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from bluelamp.servicedesk.tickets import emails, extensions
from bluelamp.servicedesk.tickets.models import Ticket
from bluelamp.servicedesk.tickets.selectors import ticket_accepts_customer_reply
from bluelamp.servicedesk.tickets.services._common import (
    ALLOWED_STATUS_CHANGES,
    SYSTEM_AUTHOR,
    Status,
    _audit,
    _change_status,
    _choice,
    _lock,
    _now,
    _require_reason,
    _require_staff,
    _text,
)


def ticket_set_status(
    *,
    actor,
    ticket: Ticket,
    status: str,
    reason: str = "",
    outcome: str = "",
    outcome_text: str = "",
    at: dt.datetime | None = None,
) -> Ticket:
    """Move a ticket on. Awaiting customer pauses the resolution clock; resolving e-mails the
    requester (a reply within 10 working days reopens it); reopening needs a reason. A complaint
    is resolved only with its `outcome` and `outcome_text`, which the applets above tickets check
    and record (tickets.extensions: bluelamp.servicedesk.complaints)."""
    at = _now(at)
    _require_staff(actor)
    _choice(Status, status, "status", "Status")
    reason = _text(reason)
    with transaction.atomic():
        ticket = _lock(ticket, at)
        if status == ticket.status:
            raise ValidationError(
                {"status": f"{ticket.reference} is already {ticket.get_status_display().lower()}."}
            )
        allowed = ALLOWED_STATUS_CHANGES[ticket.status]
        if status not in allowed:
            labels = ", ".join(sorted(Status(s).label.lower() for s in allowed))
            raise ValidationError(
                {
                    "status": f"A {ticket.get_status_display().lower()} ticket cannot become "
                    f"{Status(status).label.lower()}; it can become: {labels}."
                }
            )
        if status == Status.REOPENED:
            _require_reason(reason, "reopening the ticket")
        extensions.status_check(ticket, status=status, outcome=outcome, outcome_text=outcome_text)
        before = {"status": ticket.status, "resolution_due": ticket.resolution_due}
        _change_status(ticket, status=status, at=at, actor=actor, reason=reason)
        extensions.status_record(
            ticket, status=status, outcome=outcome, outcome_text=outcome_text, actor=actor, at=at
        )
        ticket.last_activity_at = at
        ticket.save()
        _audit(
            actor,
            "ticket_status",
            ticket,
            before=before,
            after={"status": status, "reason": reason, "resolution_due": ticket.resolution_due}
            | ({"outcome": outcome} if outcome else {}),
        )
        if status == Status.RESOLVED and ticket.requester_email:
            emails.send_resolved(ticket.pk)  # queued in this transaction: sent only if it commits
    return ticket


def ticket_close_resolved(*, ticket: Ticket, at: dt.datetime | None = None) -> Ticket | None:
    """Close a ticket resolved more than 10 working days ago, as the system (no person), audited.
    A reply after that raises a new request (`ticket_customer_reply`). None, changing nothing,
    if the ticket is no longer resolved or is still inside its window (say, another worker or
    the requester got there first)."""
    at = _now(at)
    with transaction.atomic():
        ticket = _lock(ticket, at)
        if ticket.status != Status.RESOLVED or ticket_accepts_customer_reply(ticket, at):
            return None
        event = _change_status(
            ticket,
            status=Status.CLOSED,
            at=at,
            actor=None,
            reason="Closed automatically: no reply within 10 working days of resolution.",
        )
        event.author_name = SYSTEM_AUTHOR
        event.save(update_fields=["author_name"])
        ticket.last_activity_at = at
        ticket.save()
        _audit(
            None,
            "ticket_close_resolved",
            ticket,
            before={"status": Status.RESOLVED},
            after={"status": Status.CLOSED},
        )
    return ticket
