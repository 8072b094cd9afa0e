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

import threading
import time
import uuid
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

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


class LocalCopies:
    """This process's copies of shared-cache entries whose key names everything the value depends
    on (generations, versions, the whole query): under such a key the value never changes, and
    the generations are asked for again every second, so a copy saves a round trip to the shared
    cache and unpickling on nearly every request. Copies are held for `seconds` only (what no
    write reports lasts little longer than in the shared cache), the oldest dropped past `size`.
    Callers share a copy: it must not be changed (strings, numbers, tuples, frozensets)."""

    def __init__(self, size: int, seconds: float = 10.0):
        self._size = size
        self._seconds = seconds
        self._items: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()
        _every_local_copies.add(self)

    def get(self, key: str) -> Any:
        held = self._items.get(key)
        if held is not None and held[0] > time.monotonic():
            return held[1]
        return None

    def put(self, key: str, value: Any) -> None:
        with self._lock:
            self._items.pop(key, None)
            self._items[key] = (time.monotonic() + self._seconds, value)
            while len(self._items) > self._size:
                self._items.pop(next(iter(self._items)))

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def get_many(self, keys: list[str]) -> dict[str, Any]:
        """The entries held here, and the others from the shared cache in one round trip (then
        held here too); a key found in neither is left out."""
        found = {key: value for key in keys if (value := self.get(key)) is not None}
        missing = [key for key in keys if key not in found]
        if missing:
            fetched = cache.get_many(missing)
            for key, value in fetched.items():
                self.put(key, value)
            found.update(fetched)
        return found

    def keep_many(self, values: dict[str, Any], seconds: int) -> None:
        """Store these entries in the shared cache for `seconds`, and hold them here."""
        cache.set_many(values, seconds)
        for key, value in values.items():
            self.put(key, value)


_every_local_copies: weakref.WeakSet[LocalCopies] = weakref.WeakSet()


def forget_local_copies() -> None:
    """Every process-local copy dropped (the test suite, around every test)."""
    for copies in list(_every_local_copies):
        copies.clear()


def read_through(
    seconds: int, key: Callable[[], str], read: Callable[[], T], *, local: LocalCopies | None = None
) -> T:
    """`read()`, kept `seconds` in the shared cache under `key()` (0: read every time, and the key
    is not worked out), and in `local` too where given (the key must then name everything the
    value depends on). `read` must not return None (it would be read again each time)."""
    if not seconds:
        return read()
    name = key()
    if local is None:
        value = cache.get(name)
        if value is None:
            value = read()
            cache.set(name, value, seconds)
        return value
    value = local.get_many([name]).get(name)
    if value is None:
        value = read()
        local.keep_many({name: value}, seconds)
    return value
