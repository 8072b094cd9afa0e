"""What a ticket is: its priority (an adviser's override, with the targets worked out again)
and its type (an incident found to be a complaint, say)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from bluelamp.servicedesk.sla import Priority
from bluelamp.servicedesk.tickets import emails, extensions
from bluelamp.servicedesk.tickets.models import Ticket
from bluelamp.servicedesk.tickets.services._common import (
    Kind,
    _audit,
    _choice,
    _event,
    _lock,
    _now,
    _recompute_due,
    _require_reason,
    _require_staff,
)


def ticket_set_priority(
    *, actor, ticket: Ticket, priority: str, reason: str, at: dt.datetime | None = None
) -> Ticket:
    """An adviser's override of the priority, with a reason (audited). The targets are worked
    out again from the time logged and the ticket's pauses, as if it had always had it."""
    at = _now(at)
    _require_staff(actor)
    _choice(Priority, priority, "priority", "Priority")
    reason = _require_reason(reason, "changing the priority")
    with transaction.atomic():
        ticket = _lock(ticket, at)
        if priority == ticket.priority:
            raise ValidationError({"priority": f"{ticket.reference} is already {priority}."})
        before = {
            "priority": ticket.priority,
            "response_due": ticket.response_due,
            "resolution_due": ticket.resolution_due,
        }
        _event(
            ticket,
            kind=Kind.PRIORITY,
            at=at,
            author=actor,
            from_value=ticket.priority,
            to_value=priority,
            reason=reason,
        )
        ticket.priority = priority
        ticket.priority_reason = reason
        _recompute_due(ticket)
        # A moved target is a new one: its warnings and breach notices are due again.
        if ticket.resolution_due != before["resolution_due"]:
            ticket.resolution_warned_at = None
            ticket.resolution_breach_notified_at = None
        if ticket.response_due != before["response_due"]:
            ticket.response_breach_notified_at = None
        ticket.last_activity_at = at
        ticket.save()
        _audit(
            actor,
            "ticket_priority",
            ticket,
            before=before,
            after={
                "priority": priority,
                "reason": reason,
                "response_due": ticket.response_due,
                "resolution_due": ticket.resolution_due,
            },
        )
    return ticket


def ticket_change_type(
    *, actor, ticket: Ticket, type: str, reason: str, at: dt.datetime | None = None
) -> Ticket:
    """Correct what kind of ticket this is (an "incident" that is really a complaint, an enquiry
    that is a service request), staff only, with a reason (audited, on the timeline).

    The complaints route follows the type: a ticket becoming a complaint is acknowledged to the
    requester in the complaints wording (after commit), and is resolved only with an outcome from
    then on. The applets above tickets may refuse the change (tickets.extensions): so that no
    complaint is resolved without its outcome, and no outcome sits on something else,
    bluelamp.servicedesk.complaints allows a change to or from complaint only while the ticket is
    active, and keeps a complaint that already has an outcome on record a complaint.
    """
    at = _now(at)
    _require_staff(actor)
    _choice(Ticket.Type, type, "type", "Type")
    reason = _require_reason(reason, "changing the type")
    with transaction.atomic():
        ticket = _lock(ticket, at)
        if type == ticket.type:
            raise ValidationError(
                {"type": f"{ticket.reference} is already of type {ticket.get_type_display().lower()}."}
            )
        before = ticket.type
        extensions.type_check(ticket, type=type)
        _event(ticket, kind=Kind.TYPE, at=at, author=actor, from_value=before, to_value=type, reason=reason)
        ticket.type = type
        ticket.last_activity_at = at
        ticket.save(update_fields=["type", "last_activity_at"])
        _audit(actor, "ticket_type", ticket, before={"type": before}, after={"type": type, "reason": reason})
        if type == Ticket.Type.COMPLAINT and ticket.requester_email:
            emails.send_acknowledgement(ticket.pk)  # queued in this transaction: sent only if it commits
    return ticket
