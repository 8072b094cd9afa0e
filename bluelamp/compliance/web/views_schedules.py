"""Scheduled e-mailed reports, under /compliance/schedules/: the list, create, change and delete.
For those who manage an organisation's mandatory training; anyone else is told "not found"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from bluelamp.compliance import schedules
from bluelamp.compliance.models import ReportSchedule, Requirement
from bluelamp.compliance.selectors import organisations_managed
from bluelamp.compliance.web.forms_schedules import ScheduleForm
from bluelamp.core.forms import add_service_errors
from bluelamp.organisations.api import Unit

PAGE_SIZE = 50


def _managed(actor):
    organisations = organisations_managed(actor)
    if not organisations:
        raise Http404("No such page")
    return organisations


def _choices(organisations):
    units = (
        Unit.objects.filter(organisation__in=organisations)
        .select_related("organisation")
        .order_by("organisation__name", "full_path")
    )
    owners = Q(pk__in=[])
    for organisation in organisations:
        owners |= Q(pk__in=schedules.requirements_for(organisation).values("pk"))
    requirements = Requirement.objects.filter(owners).order_by("code", "pk")
    return units, requirements


def _section_href() -> str:
    """The section's front page: the dashboard once it is there, the requirements until then."""
    try:
        return reverse("compliance:dashboard")
    except NoReverseMatch:
        return reverse("compliance:requirements")


def _crumbs(current: str | None = None) -> list[dict]:
    trail = [{"text": "Mandatory training", "href": _section_href()}]
    if current is not None:
        trail.append({"text": "Report schedules", "href": reverse("compliance:schedules")})
    return trail


def _form_page(request, form, *, title: str, schedule: ReportSchedule | None, organisation=None):
    return render(
        request,
        "compliance/schedules/form.html",
        {
            "title": title,
            "form": form if form.errors else None,
            "schedule_form": form,
            "schedule": schedule,
            "organisation": organisation,
            "breadcrumbs": _crumbs(title),
        },
        status=400 if form.errors else 200,
    )


def _input(data: dict) -> schedules.ScheduleInput:
    return schedules.ScheduleInput(
        frequency=data["frequency"],
        format=data["format"],
        recipients=data["recipients"],
        unit=data.get("unit"),
        requirement=data.get("requirement"),
        active=data.get("active", True),
    )


@login_required
def schedule_list(request):
    organisations = _managed(request.user)
    rows = schedules.schedules_visible(request.user).order_by("organisation__name", "created_at", "pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "compliance/schedules/list.html",
        {
            "title": "Report schedules",
            "page": page,
            "several": len(organisations) > 1,
            "breadcrumbs": _crumbs(),
        },
    )


@login_required
def schedule_new(request):
    organisations = _managed(request.user)
    units, requirements = _choices(organisations)
    form = ScheduleForm(
        request.POST or None,
        organisations=organisations,
        units=units,
        requirements=requirements,
        initial={"frequency": ReportSchedule.Frequency.WEEKLY, "format": ReportSchedule.Format.CSV},
    )
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data.get("organisation") or organisations[0]
        try:
            schedule = schedules.report_schedule_save(
                actor=request.user, organisation=organisation, data=_input(form.cleaned_data)
            )
        except PermissionDenied:
            raise Http404("No such page") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Scheduled: the {schedules.describe(schedule)}. The first goes on the next "
                f"{'Monday' if schedule.frequency == ReportSchedule.Frequency.WEEKLY else '1st of the month'}.",
            )
            return redirect("compliance:schedules")
    return _form_page(
        request,
        form,
        title="Schedule a report",
        schedule=None,
        organisation=organisations[0] if len(organisations) == 1 else None,
    )


@login_required
def schedule_edit(request, schedule_uuid):
    schedule = schedules.access_schedule(request.user, schedule_uuid)
    units, requirements = _choices([schedule.organisation])
    initial = {
        "frequency": schedule.frequency,
        "format": schedule.format,
        "recipients": "\n".join(schedule.recipients),
        "unit": str(schedule.unit_id or ""),
        "requirement": str(schedule.requirement_id or ""),
        "active": schedule.active,
    }
    form = ScheduleForm(
        request.POST or None,
        organisations=[schedule.organisation],
        units=units,
        requirements=requirements,
        editing=True,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            schedules.report_schedule_save(
                actor=request.user,
                organisation=schedule.organisation,
                data=_input(form.cleaned_data),
                schedule=schedule,
            )
        except PermissionDenied:
            raise Http404("No such schedule") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved: the {schedules.describe(schedule)}.")
            return redirect("compliance:schedules")
    return _form_page(
        request,
        form,
        title="Change a scheduled report",
        schedule=schedule,
        organisation=schedule.organisation,
    )


@login_required
def schedule_delete(request, schedule_uuid):
    schedule = schedules.access_schedule(request.user, schedule_uuid)
    if request.method == "POST":
        description = schedules.describe(schedule)
        try:
            schedules.report_schedule_delete(actor=request.user, schedule=schedule)
        except PermissionDenied:
            raise Http404("No such schedule") from None
        messages.success(request, f"Deleted: the {description}. No more will be sent.")
        return redirect("compliance:schedules")
    return render(
        request,
        "compliance/schedules/delete.html",
        {
            "title": "Delete this scheduled report?",
            "schedule": schedule,
            "description": schedules.describe(schedule),
            "breadcrumbs": _crumbs("Delete"),
        },
    )
