"""Major incident pages (desk staff), and declaring one from the ticket work page. To anyone who
is not desk staff, every page here is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from bluelamp.core.forms import add_service_errors
from bluelamp.servicedesk.incidents import selectors, services
from bluelamp.servicedesk.incidents.forms import ConveneForm, DeclareForm, EntryForm, NoticeForm, ResolveForm
from bluelamp.servicedesk.staff import is_desk_staff
from bluelamp.servicedesk.tickets.selectors import access_ticket_for_staff


def _people(addresses, form, field):
    people, missing = selectors.national_people_by_email(addresses)
    if missing:
        form.add_error(field, f"No active person of the national body has the address: {', '.join(missing)}")
        return None
    return people


# --- major incidents ----------------------------------------------------------------------------


@login_required
def major_incident_declare(request, reference):
    ticket = access_ticket_for_staff(request.user, reference)
    if not selectors.may_lead_incidents(request.user):
        raise Http404("No such page")
    form = DeclareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        members = _people(data["gold_members"], form, "gold_members") if data["convene_gold"] else []
        if members is not None:
            try:
                incident = services.major_incident_declare(
                    actor=request.user,
                    ticket=ticket,
                    summary=data["summary"],
                    convene_gold=data["convene_gold"],
                    gold_members=members,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    "Major incident declared. The lead engineers and IT service managers have been e-mailed.",
                )
                return redirect("servicedesk:major_incident", incident.uuid)
    return render(
        request,
        "servicedesk/incidents/declare.html",
        {
            "title": f"Declare {ticket.reference} a major incident",
            "ticket": ticket,
            "form": form,
            "breadcrumbs": [
                {"text": ticket.reference, "href": reverse("servicedesk:ticket", args=[ticket.reference])}
            ],
        },
        status=400 if form.errors else 200,
    )


@login_required
def major_incident_list(request):
    if not is_desk_staff(request.user):
        raise Http404("No such page")
    return render(
        request,
        "servicedesk/incidents/list.html",
        {
            "title": "Open major incidents",
            "incidents": list(selectors.major_incidents_open(request.user)),
            "breadcrumbs": [{"text": "Queue", "href": reverse("servicedesk:queue")}],
        },
    )


_INCIDENT_ACTIONS = {"entry", "convene", "notice", "resolve"}


@login_required
def major_incident(request, incident_uuid, action=None):
    incident = selectors.access_major_incident(request.user, incident_uuid)
    if action is not None and (action not in _INCIDENT_ACTIONS or request.method != "POST"):
        raise Http404("No such page")
    data = request.POST if action else None
    forms = {
        "entry": EntryForm(data if action == "entry" else None, prefix="entry"),
        "convene": ConveneForm(data if action == "convene" else None, prefix="convene"),
        "notice": NoticeForm(data if action == "notice" else None, prefix="notice"),
        "resolve": ResolveForm(data if action == "resolve" else None, prefix="resolve"),
    }
    failed = None
    if action is not None:
        form = forms[action]
        if form.is_valid():
            try:
                message = _incident_apply(request, incident, action, form)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                if message:
                    messages.success(request, message)
                    return redirect("servicedesk:major_incident", incident.uuid)
        failed = form
    return render(
        request,
        "servicedesk/incidents/detail.html",
        {
            "title": f"Major incident: {incident.ticket.reference}",
            "incident": incident,
            "ticket": incident.ticket,
            "timeline": selectors.incident_timeline(incident),
            "gold_members": list(incident.gold_members.order_by("last_name", "first_name")),
            "notices": list(incident.notices.select_related("posted_by")),
            "may_lead": selectors.may_lead_incidents(request.user),
            "forms": forms,
            "form": failed,
            "breadcrumbs": [
                {"text": "Queue", "href": reverse("servicedesk:queue")},
                {"text": "Major incidents", "href": reverse("servicedesk:major_incidents")},
            ],
        },
        status=400 if failed is not None else 200,
    )


def _incident_apply(request, incident, action, form) -> str:
    data = form.cleaned_data
    actor = request.user
    if action == "entry":
        entry = services.incident_entry_add(
            actor=actor, incident=incident, kind=data["kind"], text=data["text"]
        )
        return f"{entry.get_kind_display()} added to the timeline."
    if action == "convene":
        members = _people(data["members"], form, "members")
        if members is None:
            return ""
        services.gold_group_convene(actor=actor, incident=incident, members=members)
        return "Gold incident group convened; its new members have been e-mailed."
    if action == "notice":
        notice = services.service_notice_post(
            actor=actor, incident=incident, subject=data["subject"], body=data["body"]
        )
        return f"Service notice sent to {notice.recipients_count} key contacts."
    services.major_incident_resolve(actor=actor, incident=incident, resolution=data["resolution"])
    return "Major incident resolved. Resolve the ticket itself on its page to tell the requester."
