"""Families of keys in the shared cache that a write can drop all at once.

A cached answer per person (who is signed in, which roles they hold) is dropped by that person's
writes key by key; but some writes change everyone's answers (a unit renamed, an HR import's bulk
update). Redis cannot delete keys by pattern cheaply, so each family's keys carry a generation
stored in the shared cache: `bump()` moves every process onto new keys, and the old ones expire.

Every request reads the generation, so each process keeps it for a second (as
organisations/cache.py keeps licences): a bump is seen at once in the process that made it and
within a second everywhere else. A generation that expires or is evicted is simply replaced by a
new one, which drops the family: the safe direction.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

_LOCAL_SECONDS = 1.0
T = TypeVar("T")


class Generation:
    def __init__(self, name: str):
        self.key = f"generation:v1:{name}"
        self._local: tuple[float, str] | None = None

    def current(self) -> str:
        held = self._local
        if held is not None and held[0] > time.monotonic():
            return held[1]
        value = cache.get(self.key)
        if value is None:
            cache.add(self.key, uuid.uuid4().hex[:12], None)
            value = cache.get(self.key) or uuid.uuid4().hex[:12]
        self._local = (time.monotonic() + _LOCAL_SECONDS, value)
        return value

    def bump(self) -> None:
        """Forget the whole family: at once, and again when the transaction commits (so that a
        request which read the old rows meanwhile cannot keep them)."""
        now_and_on_commit(self._bump)

    def _bump(self) -> None:
        cache.set(self.key, uuid.uuid4().hex[:12], None)
        self._local = None

    def forget_local(self) -> None:
        """This process asks the shared cache again (the test suite, around every test)."""
        self._local = None


def now_and_on_commit(drop: Callable[[], object]) -> None:
    """Run `drop` now and again when the current transaction (if any) commits."""
    drop()
    transaction.on_commit(drop)


def read_through(seconds: int, key: Callable[[], str], read: Callable[[], T]) -> T:
    """`read()`, kept `seconds` in the shared cache under `key()` (0: read every time, and the key
    is not worked out). `read` must not return None (it would be read again each time)."""
    if not seconds:
        return read()
    name = key()
    value = cache.get(name)
    if value is None:
        value = read()
        cache.set(name, value, seconds)
    return value
