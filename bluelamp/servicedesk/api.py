"""What other domains may use of the service desk.

Working time (bluelamp.servicedesk.working_time): is the desk open, when does a clock start, add
working time, measure it, and find a due time with pauses. SLA targets (bluelamp.servicedesk.sla):
priorities with their budgets and guidance, `sla_targets`, `suggest_priority`. Tickets
(bluelamp.servicedesk.tickets): the records, logging one, a requester's reply, and which tickets
a person sees as requester or key contact. Inbound e-mail (bluelamp.servicedesk.mail_in,
mail_poll): one message made a ticket or a reply, and the `mail_poll` task that reads the desk's
IMAP mailbox. Knowledge base (bluelamp.servicedesk.kb): `help_search` and `article_suggestions`
over published public articles. Demo data: `desk_demo_load` (bluelamp demo-data).
"""

from bluelamp.servicedesk.demo import desk_demo_load
from bluelamp.servicedesk.kb.selectors import article_suggestions, help_search
from bluelamp.servicedesk.kb.services import article_create
from bluelamp.servicedesk.mail_in import MailOutcome, MailRejected, mail_receive
from bluelamp.servicedesk.mail_poll import mailbox_poll
from bluelamp.servicedesk.mail_tasks import mail_poll
from bluelamp.servicedesk.models import Category, Contact, ExtraClosure, Ticket, TicketEvent
from bluelamp.servicedesk.selectors import extra_closure_dates, extra_closures
from bluelamp.servicedesk.services import extra_closure_create, extra_closure_delete
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
from bluelamp.servicedesk.tasks import DAILY as DAILY_TASKS
from bluelamp.servicedesk.tasks import FREQUENT as FREQUENT_TASKS
from bluelamp.servicedesk.tickets.selectors import access_ticket, is_desk_staff, tickets_for_requester
from bluelamp.servicedesk.tickets.services import ticket_create, ticket_customer_reply, ticket_reply
from bluelamp.servicedesk.working_time import (
    CLOSES_AT,
    LONDON,
    OPENS_AT,
    WORKING_DAY,
    Calendar,
    NaiveDatetimeError,
    Pause,
    add_working_time,
    bank_holiday_name,
    default_calendar,
    due_with_pauses,
    forget_default_calendar,
    is_working_day,
    is_working_time,
    next_opening,
    subtract_working_time,
    working_time_between,
)

__all__ = [
    "CLOSES_AT",
    "DAILY_TASKS",
    "FREQUENT_TASKS",
    "LONDON",
    "MailOutcome",
    "MailRejected",
    "OPENS_AT",
    "PRIORITY_MATRIX",
    "SLA_POLICIES",
    "WORKING_DAY",
    "Calendar",
    "Category",
    "Contact",
    "ExtraClosure",
    "Impact",
    "NaiveDatetimeError",
    "Pause",
    "Priority",
    "SlaPolicy",
    "SlaTargets",
    "Ticket",
    "TicketEvent",
    "Urgency",
    "access_ticket",
    "add_working_time",
    "article_create",
    "article_suggestions",
    "bank_holiday_name",
    "default_calendar",
    "desk_demo_load",
    "due_with_pauses",
    "extra_closure_create",
    "extra_closure_dates",
    "extra_closure_delete",
    "extra_closures",
    "forget_default_calendar",
    "help_search",
    "is_desk_staff",
    "is_working_day",
    "is_working_time",
    "mail_poll",
    "mail_receive",
    "mailbox_poll",
    "next_opening",
    "sla_targets",
    "subtract_working_time",
    "suggest_priority",
    "ticket_create",
    "ticket_reply",
    "ticket_customer_reply",
    "tickets_for_requester",
    "working_time_between",
]
