"""Sessions: Django's cached-database store (SESSION_ENGINE), able to read a session and other
entries of the same cache in one round trip.

Every signed-in request reads its session from the shared cache, then the person it names (with
their roles and access version: signed_in.py). Those are two round trips to Redis, one after
the other, because the person's keys hold their id, which is in the session. Each process
remembers which person a session was last signed in as (a digest of the session key, never the
key itself), so the next request of that session asks for both at once: the session is still
read from the shared cache on every request (signing out anywhere is seen at once), and the
person's entries are used only if the session names that person.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbSessionStore
from django.core.cache import DEFAULT_CACHE_ALIAS

from bluelamp.core.sharedcache import LocalCopies

# Who each session was last signed in as, in this process: a guess of which keys to read with it.
_signed_in_as = LocalCopies(50_000, seconds=3600)


class SessionStore(CachedDbSessionStore):
    def load_with(self, keys: list[str]) -> dict | None:
        """Load the session (as reading it first would) and, in the same round trip, these keys
        of the default cache: what they hold. None, and nothing read, where that cannot be done
        (the session is loaded already, has no key, or lives in another cache)."""
        if (
            hasattr(self, "_session_cache")
            or self.session_key is None
            or settings.SESSION_CACHE_ALIAS != DEFAULT_CACHE_ALIAS
        ):
            return None
        cache_key = self.cache_key
        try:
            found = self._cache.get_many([cache_key, *keys])  # type: ignore[attr-defined]
        except Exception:  # as load(): a cache that refuses the key leaves it to the database
            return None
        data = found.pop(cache_key, None)
        self.accessed = True
        # What SessionBase._get_session keeps; from the database (and back into the cache) if
        # the cache no longer has the session, as load() does.
        self._session_cache = data if data is not None else self.load()
        return found


def signed_in_as(session) -> int | None:
    """The person this session was last seen signed in as, in this process (a guess)."""
    key = getattr(session, "session_key", None)
    return _signed_in_as.get(_digest(key)) if key else None


def remember_signed_in_as(session, person_pk: int) -> None:
    key = getattr(session, "session_key", None)
    if key:
        _signed_in_as.put(_digest(key), person_pk)


def _digest(session_key: str) -> str:
    return hashlib.blake2b(session_key.encode(), digest_size=12).hexdigest()
