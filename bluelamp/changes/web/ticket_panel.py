"""What changes shows on a desk ticket's work page (servicedesk.api's ticket extensions): the
requests for change linked to the ticket, and on a P4 request (planned work: no resolution clock)
the way to raise the change that will deliver it."""

from __future__ import annotations

from bluelamp.changes.models import ChangeRequest
from bluelamp.changes.selectors import may_see_changes
from bluelamp.servicedesk.api import TicketExtension, TicketPanel, register_ticket_extension


def _work_panel(person, ticket) -> dict:
    if not may_see_changes(person):
        return {"ticket_changes": None}
    return {
        "ticket_changes": list(
            ChangeRequest.objects.filter(tickets=ticket)
            .order_by("-created_at", "-pk")
            .only("reference", "title", "status")
        )
    }


def register() -> None:
    register_ticket_extension(
        TicketExtension(
            name="changes",
            order=15,  # after the problems it may fix
            work_panel=TicketPanel("changes/panels/ticket_changes.html", _work_panel),
        )
    )
