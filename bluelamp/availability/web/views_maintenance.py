"""Planned maintenance, under /availability/maintenance/: the list, planning a window, one window
(announce, change, cancel). National service-desk staff and CAB members read them; the service's
leads plan them. Anyone else is told "not found"."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bluelamp.availability import selectors, services
from bluelamp.availability.web import clock
from bluelamp.availability.web.forms import CancelForm, WindowForm
from bluelamp.changes.api import approved_changes
from bluelamp.core.forms import add_service_errors

MISSING = "No such maintenance window"
_FIELDS = {"starts_at": "start_day", "ends_at": "end_day"}


def _crumbs(window=None) -> list[dict]:
    crumbs = [
        {"text": "Availability", "href": reverse("availability:report")},
        {"text": "Planned maintenance", "href": reverse("availability:maintenance")},
    ]
    if window is not None:
        crumbs.append({"text": window.title, "href": reverse("availability:window", args=[window.uuid])})
    return crumbs


@login_required
def maintenance_list(request):
    if not selectors.may_see_maintenance(request.user):
        raise Http404("No such page")
    now = clock.now()
    windows = selectors.maintenance_list(request.user)
    return render(
        request,
        "availability/maintenance/list.html",
        {
            "title": "Planned maintenance",
            "coming": windows.filter(status="planned", ends_at__gt=now).order_by("starts_at", "pk"),
            "past": windows.exclude(status="planned", ends_at__gt=now).order_by("-starts_at", "-pk")[:30],
            "now": now,
            "may_plan": selectors.may_manage_maintenance(request.user),
            "banner_days": settings.MAINTENANCE_BANNER_DAYS,
            "breadcrumbs": _crumbs()[:1],
        },
    )


def _changes(user, window=None) -> list:
    changes = list(approved_changes(user))
    if window is not None and window.change_id and window.change not in changes:
        changes.insert(0, window.change)
    return changes


def _input(form: WindowForm) -> services.WindowInput:
    start, end = form.times()
    data = form.cleaned_data
    return services.WindowInput(
        title=data["title"],
        description=data["description"],
        starts_at=start,
        ends_at=end,
        change=data["change"],
    )


def _submitted(form: WindowForm, action):
    if not form.is_valid():
        return None
    try:
        return action()
    except PermissionDenied:
        raise Http404(MISSING) from None
    except ValidationError as error:
        # The service names the times; the form asks for each as a day and a time.
        renamed = {_FIELDS.get(name, name): errors for name, errors in error.message_dict.items()}
        add_service_errors(form, ValidationError(renamed))
        return None


@login_required
def window_new(request):
    if not selectors.may_manage_maintenance(request.user):
        raise Http404("No such page")
    form = WindowForm(request.POST or None, changes=_changes(request.user))
    if request.method == "POST":
        window = _submitted(
            form, lambda: services.maintenance_create(actor=request.user, data=_input(form), at=clock.now())
        )
        if window is not None:
            messages.success(request, f"“{window.title}” is planned. Announce it to tell the licensees.")
            return redirect("availability:window", window_uuid=window.uuid)
    return render(
        request,
        "availability/maintenance/form.html",
        {
            "title": "Plan maintenance",
            "form": form if form.errors else None,
            "window_form": form,
            "breadcrumbs": _crumbs(),
        },
        status=400 if form.errors else 200,
    )


@login_required
def window_detail(request, window_uuid):
    window = selectors.access_maintenance(request.user, window_uuid)
    now = clock.now()
    return render(
        request,
        "availability/maintenance/detail.html",
        {
            "title": window.title,
            "window": window,
            "when": services.when(window),
            "phase": window.phase(now),
            "may_manage": selectors.may_manage_maintenance(request.user),
            "breadcrumbs": _crumbs()[:2],
        },
    )


@login_required
def window_edit(request, window_uuid):
    window = selectors.access_maintenance(request.user, window_uuid)
    if not selectors.may_manage_maintenance(request.user):
        raise Http404(MISSING)
    form = WindowForm(
        request.POST or None, initial=WindowForm.initial_for(window), changes=_changes(request.user, window)
    )
    if request.method == "POST":
        sent = _submitted(
            form,
            lambda: services.maintenance_update(
                actor=request.user, window=window, data=_input(form), at=clock.now()
            ),
        )
        if sent is not None:
            told = f" The key contacts were told it moved ({sent} e-mails)." if sent else ""
            messages.success(request, f"“{form.cleaned_data['title']}” is changed.{told}")
            return redirect("availability:window", window_uuid=window.uuid)
    return render(
        request,
        "availability/maintenance/form.html",
        {
            "title": f"Change “{window.title}”",
            "window": window,
            "form": form if form.errors else None,
            "window_form": form,
            "breadcrumbs": _crumbs(window),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def window_announce(request, window_uuid):
    window = selectors.access_maintenance(request.user, window_uuid)
    if not selectors.may_manage_maintenance(request.user):
        raise Http404(MISSING)
    try:
        sent = services.maintenance_announce(actor=request.user, window=window, at=clock.now())
    except PermissionDenied:
        raise Http404(MISSING) from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Announced to {sent} key contacts. It shows on the status page now.")
    return redirect("availability:window", window_uuid=window.uuid)


@login_required
def window_cancel(request, window_uuid):
    window = selectors.access_maintenance(request.user, window_uuid)
    if not selectors.may_manage_maintenance(request.user):
        raise Http404(MISSING)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.maintenance_cancel(
                actor=request.user, window=window, reason=form.cleaned_data["reason"], at=clock.now()
            )
        except PermissionDenied:
            raise Http404(MISSING) from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            told = f" The key contacts were told ({sent} e-mails)." if sent else ""
            messages.success(request, f"“{window.title}” is cancelled.{told}")
            return redirect("availability:window", window_uuid=window.uuid)
    return render(
        request,
        "availability/maintenance/cancel.html",
        {
            "title": f"Cancel “{window.title}”",
            "window": window,
            "when": services.when(window),
            "form": form if form.errors else None,
            "cancel_form": form,
            "breadcrumbs": _crumbs(window),
        },
        status=400 if form.errors else 200,
    )
