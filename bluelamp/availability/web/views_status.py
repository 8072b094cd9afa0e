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
from bluelamp.availability.parts import PART_LABELS, PART_NAMES, State
from bluelamp.availability.reports import previous_month, report_for
from bluelamp.availability.services import when
from bluelamp.availability.web import clock
from bluelamp.availability.web.views_report import percent
from bluelamp.core.timefmt import london
from bluelamp.operations.api import latest_verification
from bluelamp.servicedesk.api import major_incidents_between

INCIDENTS_SHOWN_FOR = dt.timedelta(days=30)

HEADLINES = {
    State.OK: "All parts of Bluelamp are working",
    State.WARNING: "Bluelamp is working, but some parts are slow or degraded",
    State.DOWN: "Bluelamp is not working",
    State.UNKNOWN: "The state of Bluelamp is not known",
}


def _parts(sample) -> list[dict]:
    rows = []
    for name in PART_NAMES:
        state = getattr(sample, name) if sample else State.UNKNOWN
        if state == State.OFF:
            continue
        rows.append(
            {
                "name": name,
                "label": PART_LABELS[name],
                "state": state,
                "state_label": State(state).label,
                "message": (sample.notes.get(name, "") if sample else "") if state != State.OK else "",
            }
        )
    return rows


def _backup() -> dict | None:
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
    sample = selectors.latest_sample(at=now)
    windows = selectors.public_maintenance(at=now)
    under_way = [w for w in windows if w.starts_at <= now]
    state = State(sample.overall) if sample else State.UNKNOWN
    if under_way and state != State.OK:
        headline = "Planned maintenance is under way"
    else:
        headline = HEADLINES.get(state, HEADLINES[State.UNKNOWN])
    this_month = london(now).date().replace(day=1)
    incidents = [
        record for record in major_incidents_between(now - INCIDENTS_SHOWN_FOR, now) if record.public
    ]
    return render(
        request,
        "availability/status/page.html",
        {
            "title": "Service status",
            "now": now,
            "sample": sample,
            "state": state,
            "headline": headline,
            "parts": _parts(sample),
            "windows": [{"window": w, "when": when(w), "under_way": w.starts_at <= now} for w in windows],
            "incidents": list(reversed(incidents)),
            "months": [report_for(month, at=now) for month in (this_month, previous_month(this_month))],
            "percent": percent,
            "backup": _backup(),
            "may_see_reports": selectors.may_see_availability(request.user),
        },
    )
