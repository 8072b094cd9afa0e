"""Telling the domains above people that people's audience facts changed.

People know nothing of the domains built on them (.importlinter), so a domain that needs to
react to a change of someone's organisation, unit, rank, job role, start date, line manager or
leaver status (compliance: who must take which course) registers a listener here, through
`bluelamp.people.api.listen_people_changed`, usually in its AppConfig.ready().

Every write of those facts calls `people_changed` inside its own transaction, right after the
write: a listener's writes commit or roll back with the change, and a listener that raises
undoes the change (the caller sees the error). Listeners run in the order registered. Sign-in
and profile changes (name, e-mail address, password, last sign-in) are not reported.

Not a Django signal: the house style keeps business logic out of signals, and an explicit,
typed registry is greppable from both ends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Protocol

from django.utils import timezone

# The fields whose change is reported: those an audience rule may read. The line manager is
# `line_manager`; leaving is `status` (with `left_on` and `is_active`).
AUDIENCE_FIELDS = (
    "organisation",
    "unit",
    "rank",
    "job_role",
    "employment_start_date",
    "line_manager",
    "status",
    "left_on",
    "is_active",
)


class PeopleChangedListener(Protocol):
    def __call__(self, *, person_ids: list[int], at: dt.datetime) -> None: ...


_listeners: list[PeopleChangedListener] = []


def listen_people_changed(fn: PeopleChangedListener) -> PeopleChangedListener:
    """Call `fn(person_ids=[...], at=...)` whenever people's audience facts change, inside the
    transaction of the change. Registering the same function again keeps one. Returns `fn`, so it
    can be used as a decorator."""
    if fn not in _listeners:
        _listeners.append(fn)
    return fn


def people_changed(*, person_ids: Collection[int], at: dt.datetime | None = None) -> None:
    """Tell every listener that these people changed (for people's own writes only).

    Each listener gets its own sorted list of the distinct ids, and `at` (now, if not given).
    Nothing is called for no one.
    """
    ids = sorted(set(person_ids))
    if not ids or not _listeners:
        return
    when = at or timezone.now()
    for fn in list(_listeners):
        fn(person_ids=list(ids), at=when)


@contextmanager
def listening(*fns: PeopleChangedListener, alone: bool = False) -> Iterator[None]:
    """Register `fns` for the block only (tests); the registry is as it was afterwards.

    alone=True sets aside the listeners registered before (a domain's, at start-up) for the block.
    """
    saved = list(_listeners)
    if alone:
        _listeners.clear()
    try:
        for fn in fns:
            listen_people_changed(fn)
        yield
    finally:
        _listeners[:] = saved
