"""The complaints route, as rules the ticket services apply through tickets.extensions (the
seed's "Complaints" section; registered by complaints/extension.py).

A complaint is acknowledged in the complaints wording (its own e-mail), investigated by the
contact centre (it starts at 1st line like every ticket), escalated along the chain with the
ordinary escalation when the contact centre cannot complete it, and resolved only with a
recorded outcome: upheld, partly upheld or not upheld, and what was found and done.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from bluelamp.servicedesk.complaints.models import ComplaintOutcome
from bluelamp.servicedesk.complaints.selectors import is_complaint
from bluelamp.servicedesk.tickets.models import Ticket

Outcome = ComplaintOutcome.Outcome


def complaint_outcome_check(ticket: Ticket, *, status: str, outcome: str, outcome_text: str) -> None:
    """Refuse to resolve a complaint without its outcome (and an outcome on anything else)."""
    if not is_complaint(ticket):
        if outcome or outcome_text:
            raise ValidationError({"outcome": f"{ticket.reference} is not a complaint: it has no outcome."})
        return
    if status != Ticket.Status.RESOLVED:
        return
    errors = {}
    if outcome not in Outcome.values:
        accepted = ", ".join(str(label).lower() for label in Outcome.labels)
        errors["outcome"] = (
            f"A complaint is resolved with its outcome: choose {accepted}"
            if not outcome
            else f"Outcome {outcome!r} is not one of: {accepted}"
        )
    if not (outcome_text or "").strip():
        errors["outcome_text"] = "Enter what the investigation found and what was done"
    if errors:
        raise ValidationError(errors)


def complaint_type_check(ticket: Ticket, *, type: str) -> None:
    """Refuse to make a ticket a complaint, or a complaint something else, once it is resolved or
    closed (it would be resolved without its outcome, or keep one it should not have), and to
    make a complaint with an outcome on record anything else."""
    becomes_complaint = type == Ticket.Type.COMPLAINT
    was_complaint = is_complaint(ticket)
    if (becomes_complaint or was_complaint) and not ticket.is_active:
        raise ValidationError(
            {
                "type": f"{ticket.reference} is {ticket.get_status_display().lower()}: reopen it before "
                f"changing it {'to' if becomes_complaint else 'from'} a complaint, so that it is "
                "resolved with a complaint's outcome or without one."
            }
        )
    if was_complaint and ticket.complaint_outcomes.exists():
        raise ValidationError(
            {"type": f"{ticket.reference} has a complaint outcome on record: it stays a complaint."}
        )


def complaint_outcome_record(
    ticket: Ticket, *, outcome: str, outcome_text: str, actor, at: dt.datetime
) -> ComplaintOutcome:
    """Store the outcome (when `ticket_set_status` resolves a complaint, inside its transaction)."""
    record = ComplaintOutcome(
        ticket=ticket,
        outcome=outcome,
        text=outcome_text.strip(),
        recorded_by=actor if getattr(actor, "pk", None) else None,
        recorded_at=at,
    )
    record.full_clean(exclude=["ticket", "recorded_by"])
    record.save()
    return record
