"""Requests for change, under /changes/: the list, raising one, and one RFC (its plans, what it
fixes, the decision). For national service-desk staff and CAB members; anyone else is told "not
found"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bluelamp.changes import selectors, services
from bluelamp.changes.guidance import CHANGE_MANAGEMENT, PRIORITY_GUIDANCE, ChangePriority
from bluelamp.changes.models import ChangeRequest
from bluelamp.changes.web import clock
from bluelamp.changes.web.forms import (
    EmergencyDecisionForm,
    LinkProblemForm,
    LinkTicketForm,
    ReviewChangeForm,
    RfcForm,
)
from bluelamp.changes.web.submit import through_service
from bluelamp.core.forms import add_service_errors
from bluelamp.servicedesk.api import access_ticket_for_staff

PAGE_SIZE = 50
MISSING = "No such request for change"


def _require_reader(person) -> None:
    if not selectors.may_see_changes(person):
        raise Http404("No such page")


def _crumbs(*more: tuple[str, str]) -> list[dict]:
    return [{"text": "Changes", "href": reverse("changes:rfcs")}, *({"text": t, "href": h} for t, h in more)]


@login_required
def rfc_list(request):
    _require_reader(request.user)
    status = request.GET.get("status", "")
    if status not in ChangeRequest.Status.values:
        status = ""
    page = Paginator(selectors.rfc_list(request.user, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "changes/rfcs/list.html",
        {
            "title": "Requests for change",
            "page": page,
            "status": status,
            "statuses": ChangeRequest.Status.choices,
            "guidance": CHANGE_MANAGEMENT,
        },
    )


def _ticket_asked_for(request):
    """The desk ticket a change is raised from (?ticket=BL-…, the "Raise a request for change"
    link on a ticket's work page), if the person may see it."""
    reference = request.GET.get("ticket", "")
    if not reference:
        return None
    try:
        return access_ticket_for_staff(request.user, reference)
    except Http404:
        return None


@login_required
def rfc_new(request):
    _require_reader(request.user)
    ticket = _ticket_asked_for(request)
    initial = None
    if ticket is not None:
        initial = {
            "title": ticket.subject,
            "description": f"The work {ticket.reference} asks for:\n\n{ticket.description}",
            "category": "enhancements",
            "priority": "4" if ticket.priority == "P4" else "3",
        }
    form = RfcForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        start, end = form.planned()
        data = form.cleaned_data
        try:
            with transaction.atomic():
                rfc = _create(request, data, start, end)
                if ticket is not None:
                    services.rfc_link_ticket(
                        actor=request.user, rfc=rfc, ticket_reference=ticket.reference, at=clock.now()
                    )
        except PermissionDenied:
            raise Http404("No such page") from None
        except ValidationError as error:
            add_service_errors(form, _on_form_fields(error))
        else:
            messages.success(request, f"{rfc.reference} is raised and awaits the CAB.")
            return redirect("changes:rfc", reference=rfc.reference)
    return render(
        request,
        "changes/rfcs/form.html",
        {
            "title": "Raise a request for change",
            "form": form if form.errors else None,
            "rfc_form": form,
            "ticket": ticket,
            "breadcrumbs": _crumbs(),
            "guidance": CHANGE_MANAGEMENT,
        },
        status=400 if form.errors else 200,
    )


def _create(request, data, start, end) -> ChangeRequest:
    return services.rfc_create(
        actor=request.user,
        data=services.RfcInput(
            title=data["title"],
            description=data["description"],
            category=data["category"],
            priority=int(data["priority"]),
            risk=data["risk"],
            impact=data["impact"],
            service=data["service"],
            implementation_plan=data["implementation_plan"],
            test_plan=data["test_plan"],
            backout_plan=data["backout_plan"],
            planned_start=start,
            planned_end=end,
        ),
        at=clock.now(),
    )


def _on_form_fields(error: ValidationError) -> ValidationError:
    """The service names the planned start and end; the form asks for each as a day and a time."""
    if not hasattr(error, "error_dict"):
        return error
    renamed = {
        {"planned_start": "start_day", "planned_end": "end_day"}.get(k, k): v
        for k, v in error.error_dict.items()
    }
    return ValidationError(renamed)


def _detail(
    request, rfc, *, link_form=None, ticket_form=None, decision_form=None, review_form=None, status=200
):
    decision_form = decision_form or EmergencyDecisionForm()
    link_form = link_form or LinkProblemForm()
    ticket_form = ticket_form or LinkTicketForm()
    review_form = review_form or ReviewChangeForm()
    failed = next((f for f in (link_form, ticket_form, decision_form, review_form) if f.errors), None)
    return render(
        request,
        "changes/rfcs/detail.html",
        {
            "title": f"{rfc.reference}: {rfc.title}",
            "rfc": rfc,
            "problems": rfc.problems.order_by("reference"),
            "tickets": rfc.tickets.order_by("reference"),
            "ticket_form": ticket_form,
            "releases": rfc.releases.order_by("planned_for"),
            "priority_guidance": PRIORITY_GUIDANCE[ChangePriority(rfc.priority)],
            "form": failed,
            "link_form": link_form,
            "decision_form": decision_form,
            "review_form": review_form,
            "may_decide_now": selectors.may_decide_changes(request.user)
            and rfc.priority == ChangePriority.EMERGENCY
            and rfc.status in (ChangeRequest.Status.SUBMITTED, ChangeRequest.Status.DEFERRED),
            "breadcrumbs": _crumbs(),
        },
        status=status,
    )


@login_required
def rfc_detail(request, reference):
    rfc = selectors.access_rfc(request.user, reference)
    return _detail(request, rfc)


def _link(request, reference, *, form_class, field: str, service, form_name: str):
    """Link the desk's record named on the posted form (a problem, a ticket) to the change."""
    rfc = selectors.access_rfc(request.user, reference)
    form = form_class(request.POST)
    linked = through_service(
        form,
        lambda: service(
            actor=request.user, rfc=rfc, at=clock.now(), **{f"{field}_reference": form.cleaned_data[field]}
        ),
        missing=MISSING,
    )
    if linked is None:
        return _detail(request, rfc, status=400, **{form_name: form})
    messages.success(request, f"{linked.reference} is linked to {rfc.reference}.")
    return redirect("changes:rfc", reference=rfc.reference)


@login_required
@require_POST
def rfc_link_problem(request, reference):
    return _link(
        request, reference, form_class=LinkProblemForm, field="problem", service=services.rfc_link_problem,
        form_name="link_form",
    )  # fmt: skip


@login_required
@require_POST
def rfc_link_ticket(request, reference):
    return _link(
        request, reference, form_class=LinkTicketForm, field="ticket", service=services.rfc_link_ticket,
        form_name="ticket_form",
    )  # fmt: skip


@login_required
@require_POST
def rfc_decide(request, reference):
    rfc = selectors.access_rfc(request.user, reference)
    if not selectors.may_decide_changes(request.user):
        raise Http404(MISSING)
    form = EmergencyDecisionForm(request.POST)
    decided = through_service(
        form,
        lambda: services.rfc_decide_emergency(
            actor=request.user, rfc=rfc, at=clock.now(), **form.cleaned_data
        ),
        missing=MISSING,
    )
    if decided is None:
        return _detail(request, rfc, decision_form=form, status=400)
    messages.success(request, f"{decided.reference} is {decided.get_status_display().lower()}.")
    return redirect("changes:rfc", reference=rfc.reference)


@login_required
@require_POST
def rfc_review(request, reference):
    rfc = selectors.access_rfc(request.user, reference)
    form = ReviewChangeForm(request.POST)
    reviewed = through_service(
        form,
        lambda: services.rfc_review(actor=request.user, rfc=rfc, at=clock.now(), **form.cleaned_data),
        missing=MISSING,
    )
    if reviewed is None:
        return _detail(request, rfc, review_form=form, status=400)
    messages.success(request, f"The review of {rfc.reference} is recorded.")
    return redirect("changes:rfc", reference=rfc.reference)
