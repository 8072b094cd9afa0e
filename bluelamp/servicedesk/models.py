"""Every model of the service desk's applets, imported here so that Django registers them under
the "servicedesk" app (its label and its tables, servicedesk_<model>, stay as they were).

Nothing in the desk imports this module: each applet imports the models it owns, or those of
an applet below it, from that applet (the desk's layers, .importlinter).
"""

from bluelamp.servicedesk.complaints.models import ComplaintOutcome
from bluelamp.servicedesk.identity.models import ChallengeCode, IdentityCheck
from bluelamp.servicedesk.incidents.models import IncidentEntry, MajorIncident, ServiceNotice
from bluelamp.servicedesk.kb.models import Article
from bluelamp.servicedesk.problems.models import Problem, ProblemCounter
from bluelamp.servicedesk.survey.models import SatisfactionResponse
from bluelamp.servicedesk.tickets.models import (
    Attachment,
    CannedResponse,
    Category,
    Contact,
    SavedQueueFilter,
    Ticket,
    TicketCounter,
    TicketEvent,
)

__all__ = [
    "Article",
    "Attachment",
    "CannedResponse",
    "Category",
    "ChallengeCode",
    "ComplaintOutcome",
    "Contact",
    "IdentityCheck",
    "IncidentEntry",
    "MajorIncident",
    "Problem",
    "ProblemCounter",
    "SatisfactionResponse",
    "SavedQueueFilter",
    "ServiceNotice",
    "Ticket",
    "TicketCounter",
    "TicketEvent",
]
