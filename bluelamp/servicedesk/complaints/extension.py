"""What complaints add to a ticket (tickets.extensions): a complaint is resolved only with its
outcome, which is recorded and told to the requester in the "resolved" e-mail; it stays a
complaint once it has one; the work page shows the outcome and the form to resolve with one.
Registered when the desk is ready (servicedesk/extensions.py)."""

from bluelamp.servicedesk.complaints import selectors, services
from bluelamp.servicedesk.complaints.forms import ComplaintOutcomeForm
from bluelamp.servicedesk.tickets.extensions import TicketExtension, TicketPanel
from bluelamp.servicedesk.tickets.models import Ticket


def _record(ticket: Ticket, *, status: str, outcome: str, outcome_text: str, actor, at) -> None:
    if outcome:
        services.complaint_outcome_record(
            ticket, outcome=outcome, outcome_text=outcome_text, actor=actor, at=at
        )


def _resolved_email(ticket: Ticket) -> dict:
    return {"outcome": selectors.latest_outcome(ticket) if selectors.is_complaint(ticket) else None}


def _work_panel(person, ticket: Ticket) -> dict:
    return {
        "complaint_outcome": selectors.latest_outcome(ticket) if selectors.is_complaint(ticket) else None,
        "complaint_form": ComplaintOutcomeForm(prefix="complaint"),
    }


COMPLAINTS = TicketExtension(
    name="complaints",
    order=30,
    status_check=services.complaint_outcome_check,
    status_record=_record,
    type_check=services.complaint_type_check,
    resolved_email=_resolved_email,
    work_panel=TicketPanel("servicedesk/complaints/_ticket_panel.html", _work_panel),
)
