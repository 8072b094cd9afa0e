"""Reading survey responses, and whether a ticket's survey is open."""

from __future__ import annotations

from bluelamp.servicedesk.survey.models import SatisfactionResponse
from bluelamp.servicedesk.tickets.models import Ticket

FINISHED = (Ticket.Status.RESOLVED, Ticket.Status.CLOSED)


def survey_open(ticket: Ticket) -> bool:
    """A survey is about a resolution: it is answered once the ticket is resolved (or closed
    after it), not while it is being worked on (say, reopened)."""
    return ticket.status in FINISHED


def survey_response_for(ticket: Ticket) -> SatisfactionResponse | None:
    return SatisfactionResponse.objects.filter(ticket=ticket).first()


def may_answer_survey(person, ticket: Ticket) -> bool:
    """Only the requester themself answers, signed in (a key contact sees the ticket but did not
    receive the service); without an account, only through the e-mail link."""
    return (
        person is not None
        and getattr(person, "is_authenticated", False)
        and person.is_active
        and ticket.requester_id is not None
        and ticket.requester_id == person.pk
    )
