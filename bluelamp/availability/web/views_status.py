"""The public status page, /status: how each part of the service is now (the latest minute
sample), announced planned maintenance, the major incidents of the last 30 days that licensees
were sent notices about, the availability of this month and the last, and when a backup was last
restored and checked. Anyone may read it, signed in or not; nothing on it is a force's."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from bluelamp.availability import selectors
from bluelamp.availability.reports import previous_month, report_for
from bluelamp.availability.services import when
from bluelamp.availability.status import status_now
from bluelamp.availability.web import clock
from bluelamp.availability.web.views_report import percent
from bluelamp.core.timefmt import london
from bluelamp.operations.api import latest_verification


def backup_check() -> dict | None:
    report = latest_verification()
    if not report:
        return None

    def moment(key: str) -> dt.datetime | None:
        try:
            return dt.datetime.fromisoformat(str(report.get(key) or ""))
        except ValueError:
            return None

    return {"at": moment("time"), "of": moment("backup_time"), "ok": bool(report.get("ok"))}


@never_cache
@require_safe
def status(request):
    now = clock.now()
    summary = status_now(at=now)
    this_month = london(now).date().replace(day=1)
    return render(
        request,
        "availability/status/page.html",
        {
            "title": "Service status",
            "status": summary,
            "windows": [
                {"window": w, "when": when(w), "under_way": w.starts_at <= now} for w in summary.maintenance
            ],
            "months": [report_for(month, at=now) for month in (this_month, previous_month(this_month))],
            "percent": percent,
            "backup": backup_check(),
            "may_see_reports": selectors.may_see_availability(request.user),
        },
    )
