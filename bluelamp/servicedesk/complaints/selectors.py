"""Reading complaints: whether a ticket is one, its latest outcome, and how it is acknowledged."""

from __future__ import annotations

from bluelamp.servicedesk.complaints.models import ComplaintOutcome
from bluelamp.servicedesk.tickets.models import Ticket

ACKNOWLEDGEMENT_TEMPLATE = "complaint_acknowledgement"


def is_complaint(ticket: Ticket) -> bool:
    return ticket.type == Ticket.Type.COMPLAINT


def acknowledgement_template(ticket: Ticket, default: str) -> str:
    """The e-mail template that acknowledges `ticket`: complaints have their own wording."""
    return ACKNOWLEDGEMENT_TEMPLATE if is_complaint(ticket) else default


def latest_outcome(ticket: Ticket) -> ComplaintOutcome | None:
    return ticket.complaint_outcomes.order_by("-recorded_at", "-pk").first()
