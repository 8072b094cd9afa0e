"""Priorities and their SLA targets, from the College's service-management intent (the seed).

| priority | response        | resolution                          |
|----------|-----------------|-------------------------------------|
| P1       | 1 working hour  | 24 working hours                    |
| P2       | 4 working hours | 48 working hours                    |
| P3       | 8 working hours | 7 working days (63 working hours)   |
| P4       | 8 working hours | planned work: no resolution clock   |

A working day is 9 hours (08:00–17:00), so 7 working days are 63 working hours. Every target is
counted by `bluelamp.workingtime` and nothing else.

Response is the first reply by a person to the requester. Its clock is not paused: a ticket can
only be awaiting the customer once someone has written to them. The resolution clock pauses
while the ticket awaits the customer and resumes on their reply.

Suggesting a priority from impact × urgency (the adviser may override, with a reason):

| impact \\ urgency         | work stopped | work impaired (workaround) | inconvenience only |
|--------------------------|--------------|----------------------------|--------------------|
| whole service            | P1           | P2                         | P3                 |
| many customers           | P1           | P2                         | P3                 |
| a small group            | P2           | P3                         | P4                 |
| one person               | P3           | P3                         | P4                 |

It follows the seed's classification: total loss of service or an integral part not working for
many customers is P1; a small group severely disrupted, or mainstream areas impaired with a
workaround, P2; degraded but circumventable, or styling and layout across the service, P3;
inconvenience that stops no one working, P4. A major security incident or reputational harm
from content is P1 whatever the answers (`major_security_or_reputational=True`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

from django.db import models

from bluelamp.workingtime.api import WORKING_DAY, Calendar, Pause, default_calendar

__all__ = [
    "PRIORITY_MATRIX",
    "SLA_POLICIES",
    "Impact",
    "Priority",
    "SlaPolicy",
    "SlaTargets",
    "Urgency",
    "sla_targets",
    "suggest_priority",
]


class Priority(models.TextChoices):
    P1 = "P1", "P1 – critical"
    P2 = "P2", "P2 – high"
    P3 = "P3", "P3 – moderate"
    P4 = "P4", "P4 – low"


class Impact(models.TextChoices):
    WHOLE_SERVICE = "whole_service", "The whole service"
    MANY_CUSTOMERS = "many_customers", "Many customers (a force, or a mainstream part of the platform)"
    SMALL_GROUP = "small_group", "A small group of customers"
    ONE_PERSON = "one_person", "One person"


class Urgency(models.TextChoices):
    WORK_STOPPED = "work_stopped", "Work has stopped and there is no workaround"
    WORK_IMPAIRED = "work_impaired", "Work is impaired but a workaround exists"
    INCONVENIENCE = "inconvenience", "An inconvenience: work and access to content continue"


@dataclass(frozen=True)
class SlaPolicy:
    priority: Priority
    response: dt.timedelta
    # None: planned work, tied to a change or release, with no resolution clock.
    resolution: dt.timedelta | None
    response_label: str
    resolution_label: str
    # The seed's "indicative scope of service disruption", one item per line, for the ticket form.
    guidance: tuple[str, ...]


def _hours(n: int) -> dt.timedelta:
    return dt.timedelta(hours=n)


SLA_POLICIES: dict[Priority, SlaPolicy] = {
    Priority.P1: SlaPolicy(
        Priority.P1,
        response=_hours(1),
        resolution=_hours(24),
        response_label="1 working hour",
        resolution_label="24 working hours",
        guidance=(
            "Total loss of service or system down.",
            "Major security incident that compromises the confidentiality, availability or integrity "
            "of the service or platform.",
            "Critical technical issue or an integral part of the system not functioning for a large "
            "number of customers.",
            "Reputational impact due to content.",
        ),
    ),
    Priority.P2: SlaPolicy(
        Priority.P2,
        response=_hours(4),
        resolution=_hours(48),
        response_label="4 working hours",
        resolution_label="48 working hours",
        guidance=(
            "Partial loss of service where mainstream and popular areas of the platform are unavailable.",
            "Loss of administrative access.",
            "Platform functionality impacted by systems issues affecting part of the system where a "
            "workaround is available.",
            "Internal business event disrupted due to systems issues or service unavailability.",
            "Security issue that could compromise the confidentiality, availability or integrity of "
            "the service or platform.",
            "A small customer group is experiencing severe disruption to the platform.",
            "Periodic interruptions or partial instability in system performance.",
        ),
    ),
    Priority.P3: SlaPolicy(
        Priority.P3,
        response=_hours(8),
        resolution=7 * WORKING_DAY,
        response_label="8 working hours",
        resolution_label="7 working days (63 working hours)",
        guidance=(
            "Partial loss of service where mainstream and popular areas of the platform are not affected.",
            "Styling, layout or interface issues.",
            "Partial loss of access or system functionality.",
            "Functionality is degraded or impaired but can be circumvented without material impact on "
            "the service.",
        ),
    ),
    Priority.P4: SlaPolicy(
        Priority.P4,
        response=_hours(8),
        resolution=None,
        response_label="8 working hours",
        resolution_label="Planned work (no resolution clock)",
        guidance=("Incidents causing inconvenience but not stopping work or accessing content.",),
    ),
}

PRIORITY_MATRIX: dict[Impact, dict[Urgency, Priority]] = {
    Impact.WHOLE_SERVICE: {
        Urgency.WORK_STOPPED: Priority.P1,
        Urgency.WORK_IMPAIRED: Priority.P2,
        Urgency.INCONVENIENCE: Priority.P3,
    },
    Impact.MANY_CUSTOMERS: {
        Urgency.WORK_STOPPED: Priority.P1,
        Urgency.WORK_IMPAIRED: Priority.P2,
        Urgency.INCONVENIENCE: Priority.P3,
    },
    Impact.SMALL_GROUP: {
        Urgency.WORK_STOPPED: Priority.P2,
        Urgency.WORK_IMPAIRED: Priority.P3,
        Urgency.INCONVENIENCE: Priority.P4,
    },
    Impact.ONE_PERSON: {
        Urgency.WORK_STOPPED: Priority.P3,
        Urgency.WORK_IMPAIRED: Priority.P3,
        Urgency.INCONVENIENCE: Priority.P4,
    },
}


class SlaTargets(NamedTuple):
    response_due: dt.datetime
    # None for P4 (planned work), or while an open pause stops the resolution clock.
    resolution_due: dt.datetime | None


_Choice = TypeVar("_Choice", bound=models.TextChoices)


def _choice(enum: type[_Choice], value: str, field: str) -> _Choice:
    try:
        return enum(value)
    except ValueError:
        accepted = ", ".join(enum.values)
        raise ValueError(f"{field} {value!r} is not one of {accepted}") from None


# Looked up on every call: plain dict keyed by the string values and the enum members alike.
_POLICY_BY_VALUE: dict[str, SlaPolicy] = {p.value: policy for p, policy in SLA_POLICIES.items()}


def sla_targets(
    priority: Priority | str,
    logged_at: dt.datetime,
    pauses: Sequence[Pause] = (),
    *,
    calendar: Calendar | None = None,
) -> SlaTargets:
    """Response and resolution due times (aware, UTC) of a ticket logged at `logged_at`.

    `pauses` are the (start, end or None) spans the ticket spent awaiting the customer; they stop
    the resolution clock only. Changing a ticket's priority is a fresh call with the same
    `logged_at` and pauses: targets always come from the ticket's history, not from "now".
    """
    policy = _POLICY_BY_VALUE.get(priority)
    if policy is None:
        policy = SLA_POLICIES[_choice(Priority, priority, "priority")]
    response_due, resolution_due = (calendar or default_calendar()).due_times(
        logged_at, policy.response, policy.resolution, pauses
    )
    assert response_due is not None  # every policy has a response time
    return SlaTargets(response_due, resolution_due)


def suggest_priority(
    *, impact: Impact | str, urgency: Urgency | str, major_security_or_reputational: bool = False
) -> Priority:
    """The priority the ticket form suggests for these answers (see the matrix above)."""
    impact = _choice(Impact, impact, "impact")
    urgency = _choice(Urgency, urgency, "urgency")
    if major_security_or_reputational:
        return Priority.P1
    return PRIORITY_MATRIX[impact][urgency]
