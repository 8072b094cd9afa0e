"""What identity checks add to a ticket (tickets.extensions): the work page shows the current
check, and the forms to record one, send a password reset or issue a code. Registered when the desk is ready (servicedesk/extensions.py)."""

from bluelamp.servicedesk.identity import selectors
from bluelamp.servicedesk.identity.forms import IdentityCheckForm
from bluelamp.servicedesk.tickets.extensions import TicketExtension, TicketPanel
from bluelamp.servicedesk.tickets.models import Ticket


def _work_panel(person, ticket: Ticket) -> dict:
    return {
        "identity_check": selectors.identity_check_current(ticket),
        "identity_form": IdentityCheckForm(prefix="identity"),
    }


IDENTITY = TicketExtension(
    name="identity",
    order=40,
    work_panel=TicketPanel("servicedesk/identity/_ticket_panel.html", _work_panel),
)
