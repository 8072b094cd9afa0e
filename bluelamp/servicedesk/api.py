"""What other domains may use of the service desk.

(Working time is a foundation service of its own: bluelamp.workingtime.api.) SLA targets (bluelamp.servicedesk.sla):
priorities with their budgets and guidance, `sla_targets`, `suggest_priority`. Tickets
(bluelamp.servicedesk.tickets): the records, logging one, a requester's reply, and which tickets
a person sees as requester or key contact. Inbound e-mail (bluelamp.servicedesk.mail_in,
mail_poll): one message made a ticket or a reply, and the `mail_poll` task that reads the desk's
IMAP mailbox. Knowledge base (bluelamp.servicedesk.kb): `help_search` and `article_suggestions`
over published public articles. Demo data: `desk_demo_load` (bluelamp demo-data).
"""

from bluelamp.servicedesk.demo import desk_demo_load
from bluelamp.servicedesk.inbound.mailbox import mailbox_poll
from bluelamp.servicedesk.inbound.services import MailOutcome, MailRejected, mail_receive
from bluelamp.servicedesk.inbound.tasks import mail_poll
from bluelamp.servicedesk.kb.selectors import article_suggestions, help_search
from bluelamp.servicedesk.kb.services import article_create
from bluelamp.servicedesk.sla import (
    PRIORITY_MATRIX,
    SLA_POLICIES,
    Impact,
    Priority,
    SlaPolicy,
    SlaTargets,
    Urgency,
    sla_targets,
    suggest_priority,
)
from bluelamp.servicedesk.staff import is_desk_staff
from bluelamp.servicedesk.tickets.models import Category, Contact, Ticket, TicketEvent
from bluelamp.servicedesk.tickets.selectors import access_ticket, tickets_for_requester
from bluelamp.servicedesk.tickets.services import ticket_create, ticket_customer_reply, ticket_reply
from bluelamp.servicedesk.tickets.tasks import DAILY as DAILY_TASKS
from bluelamp.servicedesk.tickets.tasks import FREQUENT as FREQUENT_TASKS

__all__ = [
    "DAILY_TASKS",
    "FREQUENT_TASKS",
    "MailOutcome",
    "MailRejected",
    "PRIORITY_MATRIX",
    "SLA_POLICIES",
    "Category",
    "Contact",
    "Impact",
    "Priority",
    "SlaPolicy",
    "SlaTargets",
    "Ticket",
    "TicketEvent",
    "Urgency",
    "access_ticket",
    "article_create",
    "article_suggestions",
    "desk_demo_load",
    "help_search",
    "is_desk_staff",
    "mail_poll",
    "mail_receive",
    "mailbox_poll",
    "sla_targets",
    "suggest_priority",
    "ticket_create",
    "ticket_reply",
    "ticket_customer_reply",
    "tickets_for_requester",
]
