"""What other domains may use of the service desk: what they use today, nothing more.

Problems and known errors: the `Problem` record and finding one by its reference for desk staff
(changes link requests for change to what they fix). Major incidents: `major_incidents_between`, each an
`IncidentRecord` with its service notices (availability's report and public status page). Tickets: the `Ticket` record, logging one, a reply (other domains' tests and journeys), finding one by
its reference for desk staff, and a part on its work page (`register_ticket_extension` with a
`TicketExtension` carrying a `TicketPanel`: changes shows the requests for change linked to it), and
the rules a file attached to a ticket meets (`check_attachment`: changes' release guides meet the same). The
knowledge base: `article_create` (the same). SLA targets: `sla_targets` (bench/bench_sla.py; the rules are in
bluelamp.servicedesk.sla, the arithmetic is working time's). Scheduled work: the SLA checks and
the closing of resolved tickets (`FREQUENT_TASKS`, `DAILY_TASKS`, registered by plugins.py), and
the `mail_poll` task a scheduler may enqueue (README, "Inbound e-mail").

The desk's demo data is a DemoLoader it registers itself (plugins.py), not part of the door.
"""

from bluelamp.servicedesk.inbound.tasks import mail_poll
from bluelamp.servicedesk.incidents.selectors import IncidentRecord, major_incidents_between
from bluelamp.servicedesk.kb.services import article_create
from bluelamp.servicedesk.problems.models import Problem
from bluelamp.servicedesk.problems.selectors import access_problem_for_staff
from bluelamp.servicedesk.sla import sla_targets
from bluelamp.servicedesk.tickets.attachments import ACCEPT_ATTRIBUTE as ATTACHMENT_ACCEPT
from bluelamp.servicedesk.tickets.attachments import ACCEPTED_TEXT as ATTACHMENT_TYPES_TEXT
from bluelamp.servicedesk.tickets.attachments import check_upload as check_attachment
from bluelamp.servicedesk.tickets.extensions import TicketExtension, TicketPanel
from bluelamp.servicedesk.tickets.extensions import register as register_ticket_extension
from bluelamp.servicedesk.tickets.models import Ticket
from bluelamp.servicedesk.tickets.selectors import access_ticket_for_staff
from bluelamp.servicedesk.tickets.services import ticket_create, ticket_reply
from bluelamp.servicedesk.tickets.tasks import DAILY as DAILY_TASKS
from bluelamp.servicedesk.tickets.tasks import FREQUENT as FREQUENT_TASKS

__all__ = [
    "ATTACHMENT_ACCEPT",
    "ATTACHMENT_TYPES_TEXT",
    "check_attachment",
    "DAILY_TASKS",
    "FREQUENT_TASKS",
    "IncidentRecord",
    "Problem",
    "Ticket",
    "TicketExtension",
    "TicketPanel",
    "access_ticket_for_staff",
    "access_problem_for_staff",
    "article_create",
    "mail_poll",
    "register_ticket_extension",
    "major_incidents_between",
    "sla_targets",
    "ticket_create",
    "ticket_reply",
]
