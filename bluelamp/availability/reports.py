"""Month reports as pages and exports read them: a month that is over is worked out once and kept
in the shared cache for a day (its samples cannot change; a maintenance window changed drops it);
the month under way is kept for a minute."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from bluelamp.availability.figures import MonthReport, month_bounds, month_report
from bluelamp.availability.services import windows_changed
from bluelamp.core.sharedcache import read_through


def report_for(month: dt.date, *, at: dt.datetime) -> MonthReport:
    month = month.replace(day=1)
    _, end = month_bounds(month)
    over = end <= at
    moment = "over" if over else at.strftime("%Y%m%d%H%M")
    seconds = settings.AVAILABILITY_CACHE_SECONDS
    return read_through(
        seconds if over else min(seconds, 60),
        lambda: f"availability:v1:{windows_changed.current()}:{month.isoformat()}:{moment}",
        lambda: month_report(month, at=at),
    )


def previous_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
