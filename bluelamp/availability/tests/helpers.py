"""Building availability's data in tests: samples minute by minute, and maintenance through the
services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bluelamp.availability.models import HealthSample
from bluelamp.availability.parts import PART_NAMES, State
from bluelamp.availability.sampling import overall_state
from bluelamp.availability.services import WindowInput, maintenance_create

# Monday 7 December 2026, 10:00 UTC (and London): every test's "now" (tests never read the clock).
AT = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)
REQUIRED = ("database", "cache", "storage")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


def samples(start: dt.datetime, count: int, **broken: Any) -> list[HealthSample]:
    """`count` minute samples from `start`, every part ok but where `broken` says: a part's name
    to a {minute offset: state} mapping, e.g. database={3: "down", 4: "down"}. Offsets listed in
    `skip` get no sample at all."""
    skip = set(broken.pop("skip", ()))
    rows = []
    for i in range(count):
        if i in skip:
            continue
        states = {name: broken.get(name, {}).get(i, State.OK.value) for name in PART_NAMES}
        rows.append(
            HealthSample(
                minute=start + dt.timedelta(minutes=i),
                taken_at=start + dt.timedelta(minutes=i, seconds=3),
                overall=overall_state(states, REQUIRED),
                **states,
            )
        )
    return HealthSample.objects.bulk_create(rows)


def window_input(**changes) -> WindowInput:
    values: dict[str, Any] = {
        "title": "Database upgrade",
        "description": "The database moves to a new version; Bluelamp is unavailable.",
        "starts_at": utc(2026, 12, 12, 22, 0),
        "ends_at": utc(2026, 12, 13, 1, 0),
    }
    values.update(changes)
    return WindowInput(**values)


def make_window(actor=None, at=AT, **changes):
    return maintenance_create(actor=actor, data=window_input(**changes), at=at)
