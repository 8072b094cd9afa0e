"""The forward schedule of change, under /changes/schedule/: six weeks as a calendar and a list,
with clashes (two changes to one part of the service at once, a change or release inside a
freeze), the change success rate, and the freezes (recorded by the service's leads)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bluelamp.changes import schedule, selectors, services
from bluelamp.changes.models import ChangeFreeze
from bluelamp.changes.web import clock
from bluelamp.changes.web.forms import FreezeForm
from bluelamp.core.forms import add_service_errors

WEEKS = 6


def _start(request) -> dt.date:
    """The Monday of the week asked for (?from=YYYY-MM-DD), else of this week."""
    try:
        day = dt.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        day = clock.today()
    return day - dt.timedelta(days=day.weekday())


def _page(request, *, form=None, status=200):
    if not selectors.may_see_changes(request.user):
        raise Http404("No such page")
    start = _start(request)
    days, clashes = schedule.forward_schedule(start=start, days=WEEKS * 7)
    form = form or FreezeForm()
    return render(
        request,
        "changes/schedule.html",
        {
            "title": "Forward schedule of change",
            "weeks": [days[n : n + 7] for n in range(0, len(days), 7)],
            "busy": [d for d in days if d.changes or d.releases or d.freezes],
            "clashes": clashes,
            "today": clock.today(),
            "earlier": start - dt.timedelta(days=WEEKS * 7),
            "later": start + dt.timedelta(days=WEEKS * 7),
            "rate": schedule.success_rate(),
            "freezes": ChangeFreeze.objects.filter(ends_on__gte=clock.today()).order_by("starts_on"),
            "may_freeze": selectors.may_manage_releases(request.user),
            "form": form if form.errors else None,
            "freeze_form": form,
            "breadcrumbs": [{"text": "Changes", "href": reverse("changes:rfcs")}],
        },
        status=status,
    )


@login_required
def forward_schedule(request):
    return _page(request)


@login_required
@require_POST
def freeze_new(request):
    if not selectors.may_manage_releases(request.user):
        raise Http404("No such page")
    form = FreezeForm(request.POST)
    if form.is_valid():
        try:
            services.freeze_create(actor=request.user, at=clock.now(), **form.cleaned_data)
        except PermissionDenied:
            raise Http404("No such page") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The freeze is recorded.")
            return redirect("changes:schedule")
    return _page(request, form=form, status=400)


@login_required
@require_POST
def freeze_delete(request, freeze_id):
    if not selectors.may_manage_releases(request.user):
        raise Http404("No such freeze")
    freeze = get_object_or_404(ChangeFreeze, pk=freeze_id)
    try:
        services.freeze_delete(actor=request.user, freeze=freeze)
    except PermissionDenied:
        raise Http404("No such freeze") from None
    messages.success(request, "The freeze is removed.")
    return redirect("changes:schedule")
