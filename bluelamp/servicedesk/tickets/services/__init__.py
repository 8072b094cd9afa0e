"""Writing tickets. Every write checks its input in full, runs in one transaction, lands in the
audit log, and sends e-mail to the requester only after commit.

Every service takes `at` (aware; default now) so that history can be recorded as it happened
and tests can say "16:30 on a Friday" without patching the clock. Events on one ticket must not
go back in time: `at` before the ticket's last activity is refused.

The modules: `create` (logging tickets, phone calls), `replies` (replies and notes), `status`
(status changes, the automatic close), `classify` (priority and type), `routing` (tier and
assignee), `queue` (canned responses, saved queue filters, bulk actions); `_common` holds what
they share. Import from this package, not from its modules.
"""

from bluelamp.servicedesk.tickets.selectors import REOPEN_WINDOW, ticket_accepts_customer_reply
from bluelamp.servicedesk.tickets.services._common import (
    ALLOWED_STATUS_CHANGES,
    INTERNAL,
    PUBLIC,
    SYSTEM_AUTHOR,
    TIER_ORDER,
    Kind,
    Status,
    Tier,
)
from bluelamp.servicedesk.tickets.services.classify import ticket_change_type, ticket_set_priority
from bluelamp.servicedesk.tickets.services.create import contact_log, ticket_create
from bluelamp.servicedesk.tickets.services.queue import (
    BULK_LIMIT,
    BulkOutcome,
    canned_response_save,
    saved_filter_create,
    saved_filter_delete,
    ticket_bulk_apply,
)
from bluelamp.servicedesk.tickets.services.replies import (
    ticket_add_note,
    ticket_add_system_note,
    ticket_customer_reply,
    ticket_reply,
)
from bluelamp.servicedesk.tickets.services.routing import (
    ticket_assign,
    ticket_deescalate,
    ticket_escalate,
)
from bluelamp.servicedesk.tickets.services.status import ticket_close_resolved, ticket_set_status

__all__ = [
    "ALLOWED_STATUS_CHANGES",
    "BULK_LIMIT",
    "BulkOutcome",
    "INTERNAL",
    "PUBLIC",
    "REOPEN_WINDOW",
    "SYSTEM_AUTHOR",
    "TIER_ORDER",
    "Kind",
    "Status",
    "Tier",
    "canned_response_save",
    "contact_log",
    "saved_filter_create",
    "saved_filter_delete",
    "ticket_accepts_customer_reply",
    "ticket_add_note",
    "ticket_add_system_note",
    "ticket_assign",
    "ticket_bulk_apply",
    "ticket_change_type",
    "ticket_close_resolved",
    "ticket_create",
    "ticket_customer_reply",
    "ticket_deescalate",
    "ticket_escalate",
    "ticket_reply",
    "ticket_set_priority",
    "ticket_set_status",
]
