"""SLA due times from a ticket's history. The arithmetic is bluelamp.servicedesk.sla and bluelamp.workingtime;
this module only decides which spans of the ticket's life stop the resolution clock.

The resolution clock stops
  * while the ticket awaits the customer (from the status change until it leaves that status;
    still stopped if it is awaiting the customer now), and
  * while it sat resolved or closed before being reopened: a reopened ticket is not charged for
    the days it was believed fixed.
A ticket resolved or closed *now* keeps the target it had when it was resolved, so that SLA
attainment (resolved by the target?) can be read from the stored fields.

Targets are always recomputed from the start (the time logged, the current priority, every
pause): the same history gives the same due times however many changes led to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bluelamp.servicedesk.sla import SLA_POLICIES, Priority, SlaTargets, sla_targets
from bluelamp.workingtime.api import Pause, due_with_pauses

AWAITING_CUSTOMER = "awaiting_customer"
FINISHED = frozenset({"resolved", "closed"})


def pauses_from_status_changes(changes: Sequence[tuple[dt.datetime, str]]) -> list[Pause]:
    """The spans that stop the resolution clock, from the (time, new status) changes in order."""
    # Resolved or closed spans count only once the ticket was reopened after them.
    last_unfinished = max((i for i, (_, status) in enumerate(changes) if status not in FINISHED), default=-1)
    pauses: list[Pause] = []
    for index, (start, status) in enumerate(changes):
        end = changes[index + 1][0] if index + 1 < len(changes) else None
        if status == AWAITING_CUSTOMER or (status in FINISHED and index < last_unfinished):
            pauses.append((start, end))
    return pauses


def due_times_from_history(
    *, priority: str, logged_at: dt.datetime, status_changes: Sequence[tuple[dt.datetime, str]]
) -> SlaTargets:
    return sla_targets(priority, logged_at, pauses_from_status_changes(status_changes))


def warning_time_from_history(
    *, priority: str, logged_at: dt.datetime, status_changes: Sequence[tuple[dt.datetime, str]], share: float
) -> dt.datetime | None:
    """When `share` of the resolution budget will have passed, counted like the target itself
    (working time from logging, pauses excluded). None without a resolution clock (P4) or while
    an open pause stops it."""
    budget = SLA_POLICIES[Priority(priority)].resolution
    if budget is None:
        return None
    return due_with_pauses(logged_at, budget * share, pauses_from_status_changes(status_changes))
