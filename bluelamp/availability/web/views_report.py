"""The monthly availability report, /availability/: each part's and the service's availability
against the target, with planned maintenance shown apart; a chart of each day's downtime; the
outages with the maintenance and major incidents they fall in; exports (CSV, XLSX). For national
service-desk staff, CAB members and those who read an organisation's reports; "not found" to
anyone else."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from bluelamp.availability import selectors
from bluelamp.availability.figures import MonthReport, Tally
from bluelamp.availability.reports import next_month, previous_month, report_for
from bluelamp.availability.web import clock
from bluelamp.availability.web.forms import MonthForm
from bluelamp.core import charts
from bluelamp.core.exports import CONTENT_TYPES, dataset, dataset_download
from bluelamp.core.timefmt import format_datetime, london

TABLES = ("parts", "days", "outages")
COLOURS = {"Unplanned downtime": "#d4351c", "Planned maintenance": "#1d70b8"}


def percent(value: float | None) -> str:
    """ "99.982%"; "–" where nothing was counted. Three places: one minute in a month is 0.002%."""
    return "–" if value is None else f"{value:.3f}%"


def minutes(value: int) -> str:
    hours, rest = divmod(value, 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"


def _month(request, today: dt.date) -> dt.date:
    raw = request.GET.get("month")
    if raw is None:
        return today.replace(day=1)
    form = MonthForm({"month": raw})
    if not form.is_valid():
        raise Http404("No such month")
    year, month = (int(part) for part in raw.split("-"))
    return dt.date(year, month, 1)


def _chart(report: MonthReport) -> charts.Chart:
    slots = [charts.Slot(f"{day.day:d}", f"{day.day} {day:%B %Y}") for day in (d.day for d in report.days)]
    return charts.stacked_bars(
        id="downtime-by-day",
        title=f"Downtime each day, {report.month:%B %Y} (minutes)",
        slots=slots,
        series={
            "Unplanned downtime": [d.tally.unavailable for d in report.days],
            "Planned maintenance": [d.tally.maintenance_unavailable for d in report.days],
        },
        colours=COLOURS,
        what="minutes the service was down or not checked",
        slots_name="days",
        stacked_by="whether it was planned maintenance",
    )


@login_required
def report(request):
    if not selectors.may_see_availability(request.user):
        raise Http404("No such page")
    now = clock.now()
    today = london(now).date()
    month = _month(request, today)
    if month > today:
        raise Http404("No such month")
    figures = report_for(month, at=now)
    fmt = request.GET.get("download")
    if fmt is not None:
        return _download(figures, fmt=fmt, table=request.GET.get("table", "parts"))
    return render(
        request,
        "availability/report/month.html",
        {
            "title": f"Availability, {month:%B %Y}",
            "report": figures,
            "chart": _chart(figures) if figures.days else None,
            "previous": previous_month(month),
            "next": next_month(month) if next_month(month) <= today else None,
            "percent": percent,
            "minutes": minutes,
            "may_see_maintenance": selectors.may_see_maintenance(request.user),
        },
    )


def _tally_cells(tally: Tally) -> list:
    return [
        tally.counted,
        tally.available,
        tally.down,
        tally.unchecked,
        tally.maintenance,
        tally.maintenance_unavailable,
        None if tally.percent is None else round(tally.percent, 3),
    ]


TALLY_HEADERS = [
    "Minutes counted",
    "Minutes available",
    "Minutes down",
    "Minutes not checked",
    "Minutes of planned maintenance (left out)",
    "Of which down",
    "Availability (%)",
]


def _download(report: MonthReport, *, fmt: str, table: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES or table not in TABLES:
        raise Http404("No such download")
    month = f"{report.month:%Y-%m}"
    if table == "parts":
        data = dataset(headers=["Month", "Part", "Monitored", *TALLY_HEADERS, "Target (%)", "Target met"])
        for row in (report.service, *report.parts):
            data.append(
                [
                    month,
                    row.label,
                    "yes" if row.monitored else "no",
                    *_tally_cells(row.tally),
                    report.target,
                    "" if row.met is None else ("yes" if row.met else "no"),
                ]
            )
    elif table == "days":
        data = dataset(headers=["Day", *TALLY_HEADERS])
        for day in report.days:
            data.append([day.day.isoformat(), *_tally_cells(day.tally)])
    else:
        data = dataset(
            headers=[
                "Started (UK)",
                "Ended (UK)",
                "Minutes down",
                "Minutes not checked",
                "Planned maintenance",
                "Maintenance windows",
                "Major incidents",
            ]
        )
        for outage in report.outages:
            data.append(
                [
                    format_datetime(outage.starts_at),
                    format_datetime(outage.ends_at),
                    outage.down,
                    outage.unchecked,
                    "yes" if outage.planned else "no",
                    "; ".join(w.title for w in outage.windows),
                    "; ".join(i.reference for i in outage.incidents),
                ]
            )
    return dataset_download(data, fmt=fmt, filename=f"availability-{month}-{table}.{fmt}")
