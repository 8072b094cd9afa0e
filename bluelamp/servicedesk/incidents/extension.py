"""What major incidents add to a ticket (tickets.extensions): the work page shows the ticket's
major incident, or the button to declare one. Registered when the desk is ready (servicedesk/extensions.py)."""

from bluelamp.servicedesk.incidents import selectors
from bluelamp.servicedesk.tickets.extensions import TicketExtension, TicketPanel
from bluelamp.servicedesk.tickets.models import Ticket


def _work_panel(person, ticket: Ticket) -> dict:
    return {
        "major_incident": selectors.major_incident_for_ticket(ticket),
        "may_lead_incidents": selectors.may_lead_incidents(person),
    }


INCIDENTS = TicketExtension(
    name="incidents",
    order=20,
    work_panel=TicketPanel("servicedesk/incidents/_ticket_panel.html", _work_panel),
)
