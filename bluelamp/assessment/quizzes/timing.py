"""Time on the server: an attempt's deadline is fixed when it starts, answers are refused after
it (a few seconds' grace for the save already on its way), and an attempt past it is finished by
the next request that touches it or by the frequent job (tasks.py), whichever comes first.

- deadline = start + time limit + the person's extra time (a reasonable adjustment), never after
  the quiz closes; with no time limit, the closing time; with neither, no deadline.
- The timer on the page counts down from the seconds the server says are left; it announces only
  at ANNOUNCE_AT seconds left, never every second.
"""

from __future__ import annotations

import datetime as dt

# A save sent just before the deadline may arrive a little after it.
GRACE_SECONDS = 10
# When the timer speaks (seconds left): 30, 10, 5 and 1 minute.
ANNOUNCE_AT = (1800, 600, 300, 60)


def deadline_for(
    *,
    started_at: dt.datetime,
    time_limit: int | None,
    extra_seconds: int = 0,
    close_at: dt.datetime | None = None,
) -> dt.datetime | None:
    limit = None
    if time_limit:
        limit = started_at + dt.timedelta(seconds=int(time_limit) + max(0, int(extra_seconds)))
    if close_at is not None and (limit is None or close_at < limit):
        return close_at
    return limit


def seconds_left(deadline_at: dt.datetime | None, at: dt.datetime) -> int | None:
    """Whole seconds until the deadline (0 once it has passed); None without a deadline."""
    if deadline_at is None:
        return None
    return max(0, int((deadline_at - at).total_seconds()))


def is_past(deadline_at: dt.datetime | None, at: dt.datetime, *, grace: bool = True) -> bool:
    """Past the deadline (with `grace`: past the deadline and the grace after it)."""
    if deadline_at is None:
        return False
    allowed = deadline_at + dt.timedelta(seconds=GRACE_SECONDS if grace else 0)
    return at > allowed


def duration_words(seconds: int | None) -> str:
    """1 hour 5 minutes; 90 seconds → 1 minute 30 seconds; None → no time limit."""
    if not seconds:
        return "No time limit"
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    if secs:
        parts.append(f"{secs} second{'s' if secs != 1 else ''}")
    return " ".join(parts)
