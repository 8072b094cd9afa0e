"""The administrators' reports, under /events/manage/reports/: every event they run over a
period (fill rate, no-shows, late cancellations, feedback; bookings by organisation), one
event's sessions and its feedback per trainer, and the same as CSV."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from bluelamp.core.exports import csv_download, dataset, dataset_download
from bluelamp.core.timefmt import LONDON, london
from bluelamp.events import reports, selectors
from bluelamp.events.finance import HEADER
from bluelamp.events.finance import lines as finance_lines
from bluelamp.events.finance import totals as finance_totals
from bluelamp.events.web import clock


def _month(typed: str, default: dt.date) -> tuple[dt.date, bool]:
    """The first day of the month typed as year-month (2027-01), or `default` and False when
    nothing or something else was typed (True when nothing was: not an error)."""
    if not typed:
        return default, True
    try:
        year, month = (int(part) for part in typed.split("-"))
        return dt.date(year, month, 1), True
    except ValueError:
        return default, False


def _period(request) -> tuple[dt.date, dt.date, dt.datetime, dt.datetime, str]:
    """The months chosen (from, to inclusive; default the 12 months to this one), as UK dates and
    the instants they run between; and an error if the months were not understood."""
    this_month = london(clock.now()).date().replace(day=1)
    default_from = (this_month.replace(year=this_month.year - 1) + dt.timedelta(days=32)).replace(day=1)
    first, first_ok = _month(request.GET.get("from", ""), default_from)
    last, last_ok = _month(request.GET.get("to", ""), this_month)
    error = (
        ""
        if first_ok and last_ok
        else "Give the months as year-month, for example 2027-01: the default period is shown"
    )
    if last < first:
        first, last = last, first
    after_last = (last + dt.timedelta(days=32)).replace(day=1)
    start = dt.datetime(first.year, first.month, 1, tzinfo=LONDON)
    end = dt.datetime(after_last.year, after_last.month, 1, tzinfo=LONDON)
    return first, last, start, end, error


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}%"


@login_required
def report(request):
    if not selectors.may_administer_any(request.user):
        raise Http404("No such page")
    first, last, start, end, error = _period(request)
    events = selectors.events_administered(request.user)
    sessions = reports.sessions_in(events, start, end)
    rows = reports.by_event(events, start, end)
    if request.GET.get("format") == "csv":
        return csv_download(
            filename=f"events-{first:%Y-%m}-to-{last:%Y-%m}.csv",
            header=["Event", "Organisation", "Sessions", "Cancelled sessions", "Places", "Confirmed", "Fill rate %",
                    "Attended", "Partly attended", "Did not attend", "No-show rate %", "Late cancellations",
                    "Feedback given", "Average rating", "Would recommend %", "Revenue before VAT £"],
            rows=(
                [event.title, event.owner.name, f.sessions, f.cancelled_sessions, f.capacity, f.confirmed,
                 _round(f.fill_rate), f.attended, f.partial, f.no_show, _round(f.no_show_rate), f.late_cancel,
                 f.ratings, _round(f.rating, 2), _round(f.recommend_rate), f.revenue_pence / 100]
                for event, f in rows
            ),
        )  # fmt: skip
    return render(
        request,
        "events/manage/report.html",
        {
            "title": "Events report",
            "first": first,
            "last": last,
            "period": f"Sessions starting from {first:%B %Y} to the end of {last:%B %Y}",
            "error": error,
            "total": reports.figures(sessions),
            "rows": rows,
            "organisations": reports.by_organisation(sessions),
            "characteristics": reports.by_characteristic(sessions),
            "pct": _pct,
            "breadcrumbs": [
                {"text": "Events", "href": reverse("events:sessions")},
                {"text": "Manage events", "href": reverse("events:manage")},
            ],
        },
    )


def _round(value: float | None, places: int = 1):
    return "" if value is None else round(value, places)


@login_required
def report_event(request, event_uuid):
    event = selectors.access_managed_event(request.user, event_uuid)
    sessions = event.sessions.all()
    per_session = reports.by_session(sessions)
    return render(
        request,
        "events/manage/report_event.html",
        {
            "title": f"Report: {event.title}",
            "event": event,
            "total": reports.figures(sessions),
            "per_session": per_session,
            "trainers": reports.by_trainer(sessions),
            "comments": reports.comments(sessions),
            "organisations": reports.by_organisation(sessions),
            "characteristics": reports.by_characteristic(sessions),
            "pct": _pct,
            "breadcrumbs": [
                {"text": "Events", "href": reverse("events:sessions")},
                {"text": "Manage events", "href": reverse("events:manage")},
                {"text": event.title, "href": reverse("events:manage_event", args=[event.uuid])},
            ],
        },
    )


@login_required
def finance(request):
    """The month's money (card payments, refunds, invoices, credit notes, charges to forces), as a
    page and as CSV or XLSX for finance."""
    if not selectors.may_administer_any(request.user):
        raise Http404("No such page")
    this_month = london(clock.now()).date().replace(day=1)
    month, understood = _month(request.GET.get("month", ""), this_month)
    error = "" if understood else "Give the month as year-month, for example 2027-01"
    lines = finance_lines(selectors.events_administered(request.user), month)
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        data = dataset(headers=HEADER, title=f"Events {month:%Y-%m}")
        for line in lines:
            data.append(line.row())
        return dataset_download(data, fmt=fmt, filename=f"events-finance-{month:%Y-%m}.{fmt}")
    return render(
        request,
        "events/manage/finance.html",
        {
            "title": f"Finance: {month:%B %Y}",
            "month": month,
            "error": error,
            "lines": lines,
            "totals": finance_totals(lines),
            "breadcrumbs": [
                {"text": "Events", "href": reverse("events:sessions")},
                {"text": "Manage events", "href": reverse("events:manage")},
            ],
        },
    )


@login_required
def planning(request):
    """Planning from demand: recertifications due per month (per requirement and per unit) beside
    the seats scheduled, so a force sees where it must add sessions."""
    if not selectors.may_administer_any(request.user):
        raise Http404("No such page")
    owners = [o for o in selectors.owner_organisations(request.user) if not o.is_national_body]
    if not owners:
        raise Http404("No such page")
    chosen = next((o for o in owners if str(o.pk) == request.GET.get("organisation", "")), owners[0])
    start = london(clock.now()).date().replace(day=1)
    months, rows, units = reports.plan(chosen, start=start)
    return render(
        request,
        "events/manage/planning.html",
        {
            "title": f"Planning: {chosen.name}",
            "organisation": chosen,
            "owners": owners,
            "months": months,
            "rows": rows,
            "units": units,
            "breadcrumbs": [
                {"text": "Events", "href": reverse("events:sessions")},
                {"text": "Manage events", "href": reverse("events:manage")},
            ],
        },
    )
