"""Telling the domains above learning that people's learner records changed.

Learning knows nothing of the domains built on it (.importlinter), so a domain that needs to
react when a line of someone's learner record (a `Completion`) is added or removed (compliance:
has this person done what they must?) registers a listener here, through
`bluelamp.learning.api.listen_completions_changed`, usually in its AppConfig.ready().

Every write of completions calls `completions_changed` inside its own transaction, right after
the write: completing a course on Bluelamp (progress.evaluate_completion), an external or CPD
record (records.record_external), its removal (records.record_remove) and an imported history
(records.import_history, one call for the whole file). A listener's writes commit or roll back
with the change, and a listener that raises undoes it (the caller sees the error). Listeners run
in the order registered.

Not a Django signal: the house style keeps business logic out of signals, and an explicit,
typed registry is greppable from both ends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Protocol

from django.utils import timezone


class CompletionsChangedListener(Protocol):
    def __call__(self, *, person_ids: list[int], at: dt.datetime) -> None: ...


_listeners: list[CompletionsChangedListener] = []


def listen_completions_changed(fn: CompletionsChangedListener) -> CompletionsChangedListener:
    """Call `fn(person_ids=[...], at=...)` whenever completions on these people's learner records
    are added or removed, inside the transaction of the change. Registering the same function
    again keeps one. Returns `fn`, so it can be used as a decorator."""
    if fn not in _listeners:
        _listeners.append(fn)
    return fn


def completions_changed(*, person_ids: Collection[int], at: dt.datetime | None = None) -> None:
    """Tell every listener that these people's records changed (for learning's own writes only).

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
def listening(*fns: CompletionsChangedListener, alone: bool = False) -> Iterator[None]:
    """Register `fns` for the block only (tests); the registry is as it was afterwards.

    alone=True sets aside the listeners registered before (a domain's, at start-up) for the block.
    """
    saved = list(_listeners)
    if alone:
        _listeners.clear()
    try:
        for fn in fns:
            listen_completions_changed(fn)
        yield
    finally:
        _listeners[:] = saved
