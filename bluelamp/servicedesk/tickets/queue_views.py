"""Staff pages for working the queue faster: saved filters, bulk actions, canned responses.
Staff only (404 to everyone else); personal records of another person are 404 too."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bluelamp.core.forms import add_service_errors
from bluelamp.people.api import Person
from bluelamp.servicedesk.staff import desk_staff_choices, is_desk_staff
from bluelamp.servicedesk.tickets import selectors, services
from bluelamp.servicedesk.tickets.forms import BulkForm, CannedResponseForm, SavedFilterForm
from bluelamp.servicedesk.tickets.models import CannedResponse

# The queue's own parameters; anything else in a saved query string is dropped.
_FILTER_KEYS = ("q", "status", "priority", "tier", "mine", "review_due")


def _require_staff(person) -> None:
    if not is_desk_staff(person):
        raise Http404("No such page")


def _queue_url(query: str) -> str:
    return reverse("servicedesk:queue") + (f"?{query}" if query else "")


@login_required
@require_POST
def queue_filter_save(request):
    _require_staff(request.user)
    form = SavedFilterForm(request.POST)
    query = urlencode([(k, v) for k, v in request.POST.items() if k in _FILTER_KEYS and v])
    if form.is_valid():
        try:
            saved = services.saved_filter_create(
                actor=request.user, name=form.cleaned_data["name"], query=query
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Filter “{saved.name}” saved.")
            return redirect(_queue_url(query))
    for error in form.errors.get("name", []):
        messages.error(request, error)
    return redirect(_queue_url(query))


@login_required
def queue_filter_open(request, filter_id):
    saved = selectors.access_saved_filter(request.user, filter_id)
    return redirect(_queue_url(saved.query))


@login_required
@require_POST
def queue_filter_delete(request, filter_id):
    saved = selectors.access_saved_filter(request.user, filter_id)
    services.saved_filter_delete(actor=request.user, saved=saved)
    messages.success(request, f"Filter “{saved.name}” deleted.")
    return redirect("servicedesk:queue")


@login_required
@require_POST
def queue_bulk(request):
    _require_staff(request.user)
    form = BulkForm(request.POST, staff=desk_staff_choices())
    outcomes = []
    if form.is_valid():
        data = form.cleaned_data
        assignee = None
        if data["action"] == "assign" and data["assignee"] is not None:
            assignee = Person.objects.filter(pk=data["assignee"]).first()
        try:
            outcomes = services.ticket_bulk_apply(
                actor=request.user,
                references=data["tickets"],
                action=data["action"],
                assignee=assignee,
                status=data["status"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "servicedesk/tickets/bulk_result.html",
        {
            "title": "Bulk action",
            "form": form if form.errors else None,
            "outcomes": outcomes,
            "done": [o for o in outcomes if o.ok],
            "failed": [o for o in outcomes if not o.ok],
            "back": request.POST.get("back") or reverse("servicedesk:queue"),
            "breadcrumbs": [{"text": "Queue", "href": reverse("servicedesk:queue")}],
        },
        status=400 if form.errors else 200,
    )


@login_required
def canned_list(request):
    _require_staff(request.user)
    form = CannedResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            response = services.canned_response_save(
                actor=request.user,
                title=data["title"],
                body=data["body"],
                shared=data["shared"],
                is_active=data["is_active"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Canned response “{response.title}” added.")
            return redirect("servicedesk:canned_responses")
    return render(
        request,
        "servicedesk/tickets/canned_list.html",
        {
            "title": "Canned responses",
            "responses": selectors.canned_responses_for(request.user, active_only=False).select_related(
                "owner"
            ),
            "form": form,
            "placeholders": CannedResponse.PLACEHOLDERS,
            "breadcrumbs": [{"text": "Queue", "href": reverse("servicedesk:queue")}],
        },
        status=400 if form.errors else 200,
    )


@login_required
def canned_edit(request, response_id):
    response = selectors.access_canned_response(request.user, response_id)
    initial = {
        "title": response.title,
        "body": response.body,
        "shared": response.is_shared,
        "is_active": response.is_active,
    }
    form = CannedResponseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.canned_response_save(actor=request.user, response=response, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Canned response “{data['title']}” saved.")
            return redirect("servicedesk:canned_responses")
    return render(
        request,
        "servicedesk/tickets/canned_edit.html",
        {
            "title": f"Edit “{response.title}”",
            "response": response,
            "form": form,
            "placeholders": CannedResponse.PLACEHOLDERS,
            "breadcrumbs": [{"text": "Canned responses", "href": reverse("servicedesk:canned_responses")}],
        },
        status=400 if form.errors else 200,
    )
