"""What problems add to a ticket (tickets.extensions): the work page lists the problems the
ticket is linked to, with the form to link it to another. Registered when the desk is ready (servicedesk/extensions.py)."""

from bluelamp.servicedesk.problems import selectors
from bluelamp.servicedesk.tickets.extensions import TicketExtension, TicketPanel
from bluelamp.servicedesk.tickets.models import Ticket


def _work_panel(person, ticket: Ticket) -> dict:
    return {"linked_problems": list(selectors.ticket_problems(ticket))}


PROBLEMS = TicketExtension(
    name="problems",
    order=10,
    work_panel=TicketPanel("servicedesk/problems/_ticket_panel.html", _work_panel),
)
