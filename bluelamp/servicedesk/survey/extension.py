"""What the survey adds to a ticket (tickets.extensions): the link in the "resolved" e-mail,
signed for this ticket (answered without signing in, for 30 days: survey.links); the response on
the staff work page; the invitation (or thanks) on the requester's ticket page. Registered when the desk is ready (servicedesk/extensions.py)."""

from bluelamp.servicedesk.survey import links, selectors
from bluelamp.servicedesk.tickets.extensions import TicketExtension, TicketPanel
from bluelamp.servicedesk.tickets.models import Ticket


def _resolved_email(ticket: Ticket) -> dict:
    return {"survey_url": links.survey_link(ticket), "survey_days": links.LINK_MAX_AGE.days}


def _work_panel(person, ticket: Ticket) -> dict:
    return {"satisfaction": selectors.survey_response_for(ticket)}


def _requester_panel(person, ticket: Ticket) -> dict:
    # For the requester themself, once it is resolved.
    return {
        "survey_offered": selectors.may_answer_survey(person, ticket) and selectors.survey_open(ticket),
        "survey_response": selectors.survey_response_for(ticket),
    }


SURVEY = TicketExtension(
    name="survey",
    order=50,
    resolved_email=_resolved_email,
    work_panel=TicketPanel("servicedesk/survey/_ticket_panel.html", _work_panel),
    requester_panel=TicketPanel("servicedesk/survey/_requester_panel.html", _requester_panel),
)
