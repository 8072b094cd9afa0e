"""What other domains may use of the audit log."""

from bluelamp.audit.admin_mixins import AuditedAdminMixin
from bluelamp.audit.models import AuditEvent
from bluelamp.audit.selectors import audit_actions, audit_events
from bluelamp.audit.services import audit_record, audit_record_many

__all__ = [
    "AuditEvent",
    "AuditedAdminMixin",
    "audit_actions",
    "audit_events",
    "audit_record",
    "audit_record_many",
]
