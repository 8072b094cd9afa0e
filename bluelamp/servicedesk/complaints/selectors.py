"""Reading complaints: whether a ticket is one, and its latest outcome."""

from __future__ import annotations

from bluelamp.servicedesk.complaints.models import ComplaintOutcome
from bluelamp.servicedesk.tickets.models import Ticket


def is_complaint(ticket: Ticket) -> bool:
    return ticket.type == Ticket.Type.COMPLAINT


def latest_outcome(ticket: Ticket) -> ComplaintOutcome | None:
    return ticket.complaint_outcomes.order_by("-recorded_at", "-pk").first()
