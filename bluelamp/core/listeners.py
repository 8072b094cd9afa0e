"""A registry of listeners that a lower domain tells when people's data changed, so that a domain
above it can react without the lower one knowing it (people: audience facts; learning: learner
record completions). Not a Django signal: the house keeps business logic out of signals, and an
explicit, typed registry is greppable from both ends.

Each listener is called as `fn(person_ids=[...], at=...)` inside the transaction of the change:
its writes commit or roll back with it, and a listener that raises undoes the change.
"""

import datetime as dt
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Protocol

from django.utils import timezone


class PeopleListener(Protocol):
    def __call__(self, *, person_ids: list[int], at: dt.datetime) -> None: ...


class Listeners:
    """One kind of change and the functions told of it, in the order registered."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._listeners: list[PeopleListener] = []

    def listen(self, fn: PeopleListener) -> PeopleListener:
        """Register `fn` (again: kept once). Returns `fn`, so it can be used as a decorator."""
        if fn not in self._listeners:
            self._listeners.append(fn)
        return fn

    def tell(self, *, person_ids: Collection[int], at: dt.datetime | None = None) -> None:
        """Tell every listener: each gets its own sorted list of the distinct ids, and `at` (now,
        if not given). Nothing is called for no one."""
        ids = sorted(set(person_ids))
        if not ids or not self._listeners:
            return
        when = at or timezone.now()
        for fn in list(self._listeners):
            fn(person_ids=list(ids), at=when)

    @contextmanager
    def listening(self, *fns: PeopleListener, alone: bool = False) -> Iterator[None]:
        """Register `fns` for the block only (tests, benchmarks); the registry is as it was
        afterwards. alone=True sets aside those registered before (a domain's, at start-up)."""
        saved = list(self._listeners)
        if alone:
            self._listeners.clear()
        try:
            for fn in fns:
                self.listen(fn)
            yield
        finally:
            self._listeners[:] = saved
