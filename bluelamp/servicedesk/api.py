"""What other domains may use of the service desk.

Working time (bluelamp.servicedesk.working_time): is the desk open, when does a clock start, add
working time, measure it, and find a due time with pauses. SLA targets (bluelamp.servicedesk.sla):
priorities with their budgets and guidance, `sla_targets`, `suggest_priority`.
"""

from bluelamp.servicedesk.models import ExtraClosure
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
    working_time_between,
)

__all__ = [
    "CLOSES_AT",
    "LONDON",
    "OPENS_AT",
    "PRIORITY_MATRIX",
    "SLA_POLICIES",
    "WORKING_DAY",
    "Calendar",
    "ExtraClosure",
    "Impact",
    "NaiveDatetimeError",
    "Pause",
    "Priority",
    "SlaPolicy",
    "SlaTargets",
    "Urgency",
    "add_working_time",
    "bank_holiday_name",
    "default_calendar",
    "due_with_pauses",
    "extra_closure_create",
    "extra_closure_dates",
    "extra_closure_delete",
    "extra_closures",
    "forget_default_calendar",
    "is_working_day",
    "is_working_time",
    "next_opening",
    "sla_targets",
    "suggest_priority",
    "working_time_between",
]
