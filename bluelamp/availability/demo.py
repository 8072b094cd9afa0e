"""Demo availability: the minute samples of last month and this month so far (a database outage
of 25 minutes last month, a slow e-mail queue one afternoon, and a database upgrade done inside
its announced maintenance window), and maintenance to come: a window announced for two days
from now (so the banner shows on every page) and one planned but not yet announced. Times count
from when the demo is loaded; loading again changes nothing (the first window says the demo is
there). Registered by `register()` (plugins.py runs it), after changes' demo data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from bluelamp.availability.figures import month_bounds
from bluelamp.availability.models import HealthSample, MaintenanceWindow
from bluelamp.availability.parts import PART_NAMES, State
from bluelamp.availability.reports import previous_month
from bluelamp.availability.services import WindowInput, maintenance_announce, maintenance_create
from bluelamp.core.plugins import DemoCast, DemoLoader, register_demo_loaders
from bluelamp.core.timefmt import LONDON, london

DEMO_TITLE = "Database upgrade to PostgreSQL 17"


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON).astimezone(dt.UTC)


def _samples(
    start: dt.datetime, end: dt.datetime, incidents: list[tuple[dt.datetime, dt.datetime, dict]]
) -> int:
    rows = []
    minute = start
    made = 0
    while minute < end:
        states = dict.fromkeys(PART_NAMES, State.OK.value)
        notes: dict[str, str] = {}
        for begins, ends, broken in incidents:
            if begins <= minute < ends:
                states.update(broken["states"])
                notes.update(broken["notes"])
        down = states["web"] == State.DOWN or any(
            states[p] == State.DOWN for p in ("database", "cache", "storage")
        )
        overall = (
            State.DOWN if down else State.WARNING if any(s != State.OK for s in states.values()) else State.OK
        )
        rows.append(
            HealthSample(
                minute=minute,
                taken_at=minute + dt.timedelta(seconds=4),
                overall=overall,
                notes=notes,
                **states,
            )
        )
        minute += dt.timedelta(minutes=1)
        if len(rows) == 5000:
            HealthSample.objects.bulk_create(rows, ignore_conflicts=True)
            made += len(rows)
            rows = []
    HealthSample.objects.bulk_create(rows, ignore_conflicts=True)
    return made + len(rows)


def load_demo(cast: DemoCast, log: Callable[[str], None]) -> None:
    if MaintenanceWindow.objects.filter(title=DEMO_TITLE).exists():
        return
    lead = cast.people["servicemanager@national.example"]
    now = timezone.now()
    today = london(now).date()
    last_month = previous_month(today)
    start, _ = month_bounds(last_month)
    end = now.replace(second=0, microsecond=0)
    # Last month: the upgrade on its second Saturday night, inside its window; an outage on the 9th.
    upgrade_day = last_month.replace(day=8) + dt.timedelta(days=(5 - last_month.replace(day=8).weekday()) % 7)
    upgrade = (_at(upgrade_day, 22), _at(upgrade_day + dt.timedelta(days=1), 1))
    outage = (_at(last_month.replace(day=9), 10, 40), _at(last_month.replace(day=9), 11, 5))
    slow_mail = (_at(last_month.replace(day=14), 14), _at(last_month.replace(day=14), 15, 30))
    broken = [
        (
            upgrade[0] + dt.timedelta(minutes=15),
            upgrade[1] - dt.timedelta(minutes=40),
            {
                "states": {"database": State.DOWN.value, "web": State.DOWN.value},
                "notes": {
                    "database": "the database does not answer (details in the log)",
                    "web": "the pages answered 503",
                },
            },
        ),
        (
            outage[0],
            outage[1],
            {
                "states": {"database": State.DOWN.value, "web": State.DOWN.value},
                "notes": {
                    "database": "the database does not answer (details in the log)",
                    "web": "the pages answered 503",
                },
            },
        ),
        (
            slow_mail[0],
            slow_mail[1],
            {
                "states": {"email": State.DOWN.value},
                "notes": {"email": "212 e-mails waiting, the oldest for 1260 s, more than the 900 s allowed"},
            },
        ),
    ]
    with transaction.atomic():
        # Planned through the service, as a lead would (the days have passed: written as the system).
        window = MaintenanceWindow.objects.create(
            title=DEMO_TITLE,
            description="The database moves to PostgreSQL 17. Bluelamp is unavailable for up to two hours; "
            "learning progress saved before the window is kept.",
            starts_at=upgrade[0],
            ends_at=upgrade[1],
            created_at=upgrade[0] - dt.timedelta(days=10),
            announced_at=upgrade[0] - dt.timedelta(days=9),
        )
        made = _samples(start, end, broken)
        coming = maintenance_create(
            actor=lead,
            data=WindowInput(
                title="Storage migration to the new object store",
                description="Uploaded files (SCORM packages, evidence, attachments) move to the new object "
                "store. Pages stay up; uploads and SCORM launches may fail for up to 30 minutes.",
                starts_at=_at(today + dt.timedelta(days=2), 21),
                ends_at=_at(today + dt.timedelta(days=2), 23),
            ),
            at=now,
        )
        maintenance_announce(actor=lead, window=coming, at=now)
        maintenance_create(
            actor=lead,
            data=WindowInput(
                title="Operating system patching",
                description="The app servers are patched and restarted one by one. No interruption is expected.",
                starts_at=_at(today + dt.timedelta(days=16), 20),
                ends_at=_at(today + dt.timedelta(days=16), 22),
            ),
            at=now,
        )
    log(
        f"Availability: {made:,} minute samples since {last_month:%B %Y}; maintenance: '{window.title}' (done), "
        f"'{coming.title}' (announced, in 2 days), one more planned"
    )


def register() -> None:
    register_demo_loaders(DemoLoader("availability", order=85, load=load_demo))
