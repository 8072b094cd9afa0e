"""What the knowledge base adds to a ticket (tickets.extensions): once a request is sent, the
public help pages that may answer it while the desk gets to it (the path without JavaScript).
Registered when the desk is ready (servicedesk/extensions.py)."""

from bluelamp.servicedesk.kb import selectors
from bluelamp.servicedesk.tickets.extensions import TicketExtension, TicketPanel
from bluelamp.servicedesk.tickets.models import Ticket


def _logged_panel(person, ticket: Ticket) -> dict:
    return {"suggestions": selectors.article_suggestions(ticket.subject)}


KB = TicketExtension(
    name="kb",
    order=60,
    logged_panel=TicketPanel("servicedesk/kb/_suggestions.html", _logged_panel),
)
