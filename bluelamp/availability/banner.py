"""The notice on every page for signed-in people as announced maintenance approaches (from
MAINTENANCE_BANNER_DAYS before it starts until it ends).

Every page asks, so the announced windows are kept in this process for a minute
(MAINTENANCE_BANNER_CACHE_SECONDS; 0, as in the test suite and without Redis, reads them on every
page) under the maintenance generation (services.windows_changed): a window announced, moved or cancelled shows
at once in the process that wrote it and within a second or so everywhere else (the generation is
asked again every second); otherwise within the minute. Which window to show is worked out from
the copy on each page, so the banner appears and goes on time.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from bluelamp.availability import selectors
from bluelamp.availability.services import moment, when_text, windows_changed
from bluelamp.core.plugins import Banner, register_banners
from bluelamp.core.sharedcache import LocalCopies

_kept = LocalCopies(4, seconds=60)  # MAINTENANCE_BANNER_CACHE_SECONDS at most


def now() -> dt.datetime:
    """The banner's clock (tests set it)."""
    return timezone.now()


def _announced(at: dt.datetime) -> tuple[tuple[str, str, dt.datetime, dt.datetime], ...]:
    seconds = settings.MAINTENANCE_BANNER_CACHE_SECONDS
    key = windows_changed.current() if seconds else ""
    kept = _kept.get(key) if seconds else None
    if kept is None or any(ends <= at for _, _, _, ends in kept):
        kept = tuple(
            (str(w.uuid), w.title, w.starts_at, w.ends_at) for w in selectors.public_maintenance(at=at)
        )
        if seconds:
            _kept.put(key, kept)
    return kept


def _for_everyone_signed_in(user) -> dict | None:
    at = now()
    ahead = dt.timedelta(days=settings.MAINTENANCE_BANNER_DAYS)
    for _, title, starts_at, ends_at in _announced(at):
        if starts_at - ahead <= at < ends_at:
            return {
                "title": title,
                "when": when_text(starts_at, ends_at),
                "until": moment(ends_at),
                "under_way": starts_at <= at,
            }
    return None


def register() -> None:
    register_banners(
        Banner(template="availability/banners/maintenance.html", order=10, context=_for_everyone_signed_in)
    )
