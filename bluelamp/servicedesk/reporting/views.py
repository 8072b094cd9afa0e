"""The team leader's dashboard and its downloads: service-desk leads (national) only.

To anyone else, advisers included, the pages do not exist (404), as for tickets. Works without
JavaScript: the week picker is a GET form, the charts are SVG drawn on the server.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from bluelamp.core.exports import CONTENT_TYPES, dataset_download
from bluelamp.servicedesk.reporting import charts, exports, selectors
from bluelamp.servicedesk.staff import is_desk_lead
from bluelamp.servicedesk.tickets import selectors as ticket_selectors
from bluelamp.servicedesk.tickets.models import Ticket
from bluelamp.servicedesk.tickets.selectors import ACTIVE_STATUSES, AT_RISK_SHARE

LIST_LIMIT = 25
TREND_WEEKS = 12
PICKER_WEEKS = 52


def _require_lead(person) -> None:
    if not is_desk_lead(person):
        raise Http404("No such page")


class WeekForm(forms.Form):
    week = forms.ChoiceField(label="Week", required=False)

    def __init__(self, *args, now: dt.datetime, **kwargs):
        super().__init__(*args, **kwargs)
        current = selectors.week_start_of(now)
        choices = [(current.isoformat(), f"Week of {current.day} {current:%B %Y} (so far)")]
        for n in range(1, PICKER_WEEKS + 1):
            week = current - dt.timedelta(weeks=n)
            choices.append((week.isoformat(), f"Week of {week.day} {week:%B %Y}"))
        week_field = self.fields["week"]
        assert isinstance(week_field, forms.ChoiceField)
        week_field.choices = choices
        self.fields["week"].error_messages["invalid_choice"] = (
            "Choose a week from the list: the weeks of the past year, each starting on a Monday"
        )

    def week_start(self) -> dt.date:
        value = self.cleaned_data.get("week") if self.is_valid() else ""
        return dt.date.fromisoformat(value) if value else selectors.last_complete_week()


def _chosen_week(request, now) -> tuple[WeekForm, dt.date]:
    form = WeekForm(request.GET or None, now=now)
    week = form.week_start()
    if not form.is_bound:
        form = WeekForm(initial={"week": week.isoformat()}, now=now)
    return form, week


def _review_due(now: dt.datetime):
    """Active tickets idle for 5 working days, as SLA monitoring defines "review due"
    (`tickets.selectors.review_due_before`). That work lands separately: until it has, the
    dashboard leaves the list out rather than guess at the rule."""
    review_due_before = getattr(ticket_selectors, "review_due_before", None)
    if review_due_before is None:
        return None
    return Ticket.objects.filter(status__in=ACTIVE_STATUSES, last_activity_at__lte=review_due_before(now))


def _live(now: dt.datetime) -> dict:
    active = Ticket.objects.filter(status__in=ACTIVE_STATUSES)
    tier_counts = dict(active.values_list("tier").annotate(n=Count("pk")).order_by())
    tiers = [(value, label, tier_counts.get(value, 0)) for value, label in Ticket.Tier.choices]
    running = active.exclude(status=Ticket.Status.AWAITING_CUSTOMER)
    breached = active.filter(
        Q(first_response_at__isnull=True, response_due__lte=now)
        # Awaiting the customer, a ticket has no resolution due time (its clock is stopped).
        | Q(resolution_due__lte=now)
    )
    at_risk_q = Q(pk__in=[])
    for priority in selectors.PRIORITIES:
        threshold = selectors.at_risk_threshold(priority, now, share=AT_RISK_SHARE)
        if threshold is not None:
            at_risk_q |= Q(priority=priority, resolution_due__gt=now, resolution_due__lte=threshold)
    at_risk = running.filter(at_risk_q)
    ordered = ("resolution_due", "response_due", "pk")
    related = ("assignee",)
    review = _review_due(now)
    return {
        "tiers": tiers,
        "active_total": sum(tier_counts.values()),
        "breached": list(breached.select_related(*related).order_by(*ordered)[:LIST_LIMIT]),
        "breached_count": breached.count(),
        "at_risk": list(at_risk.select_related(*related).order_by(*ordered)[:LIST_LIMIT]),
        "at_risk_count": at_risk.count(),
        "review_supported": review is not None,
        "review_due": list(review.select_related(*related).order_by("last_activity_at", "pk")[:LIST_LIMIT])
        if review is not None
        else [],
        "review_due_count": review.count() if review is not None else 0,
    }


def dashboard(request):
    _require_lead(request.user)
    now = timezone.now()
    form, week = _chosen_week(request, now)
    week_kpis = selectors.week_kpis(week, now=now)
    volumes = selectors.weekly_volumes(selectors.last_complete_week(now), weeks=TREND_WEEKS)
    context = {
        "title": "Service desk dashboard",
        "now": now,
        "form": form,
        "week": week,
        "week_end": week + dt.timedelta(days=6),
        "week_is_current": week == selectors.week_start_of(now),
        "kpis": week_kpis,
        "kpi_rows": exports.kpi_rows(week_kpis),
        "target_percent": round(selectors.TARGET_SHARE * 100),
        "priorities": selectors.PRIORITIES,
        "resolution_priorities": exports.RESOLUTION_PRIORITIES,
        "volumes": volumes,
        "category_chart": charts.stacked_bar_chart(
            id="chart-category",
            title="Tickets logged per week by category",
            what="category",
            weeks=volumes.weeks,
            series=volumes.by_category,
        ),
        "priority_chart": charts.stacked_bar_chart(
            id="chart-priority",
            title="Tickets logged per week by priority",
            what="priority",
            weeks=volumes.weeks,
            series=volumes.by_priority,
            colours=charts.PRIORITY_COLOURS,
        ),
        "short_week": charts.short_week,
        **_live(now),
    }
    return render(request, "servicedesk/reporting/dashboard.html", context)


def export(request, dataset: str, fmt: str):
    """The week's KPI table (`kpis`) or the 12 weeks' volumes (`volumes`) as CSV or XLSX."""
    _require_lead(request.user)
    if fmt not in CONTENT_TYPES or dataset not in ("kpis", "volumes"):
        raise Http404("No such download")
    now = timezone.now()
    if dataset == "kpis":
        _, week = _chosen_week(request, now)
        data = exports.kpi_dataset(selectors.week_kpis(week, now=now))
        filename = f"service-desk-kpis-{week.isoformat()}.{fmt}"
    else:
        end = selectors.last_complete_week(now)
        data = exports.volumes_dataset(selectors.weekly_volumes(end, weeks=TREND_WEEKS))
        filename = f"service-desk-volumes-to-{end.isoformat()}.{fmt}"
    return dataset_download(data, fmt=fmt, filename=filename)
