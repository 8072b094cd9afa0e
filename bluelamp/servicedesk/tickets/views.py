"""Ticket pages: the support page (everyone), My tickets (requesters and key contacts), and the
desk's queue, work page and phone-call log (staff). Every ticket is fetched through an
`access_*` helper: to anyone who may not see it, it does not exist (404)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from markupsafe import Markup

from bluelamp.core.forms import add_service_errors
from bluelamp.core.fragments import cached_html, csrf_mark, fill_csrf, render_part
from bluelamp.core.links import LinkPattern
from bluelamp.core.plugins import panels
from bluelamp.organisations.api import Perm, access_for
from bluelamp.people.api import Person
from bluelamp.servicedesk.sla import PRIORITY_MATRIX, SLA_POLICIES, Priority
from bluelamp.servicedesk.staff import desk_staff_choices, is_desk_staff, staff_generation
from bluelamp.servicedesk.tickets import extensions, queue_cache, selectors, services
from bluelamp.servicedesk.tickets.attachments import ACCEPT_ATTRIBUTE, human_size
from bluelamp.servicedesk.tickets.forms import (
    AssignForm,
    BulkForm,
    ContactForm,
    NoteForm,
    PriorityForm,
    PublicEnquiryForm,
    QueueFilterForm,
    ReplyForm,
    SavedFilterForm,
    StaffReplyForm,
    StatusForm,
    SupportForm,
    TierForm,
    TypeForm,
)
from bluelamp.servicedesk.tickets.models import Attachment, Ticket
from bluelamp.servicedesk.tickets.priority_hint import priority_hint_for_form

_LOGGED_KEY = "servicedesk_logged_reference"
QUEUE_PAGE_SIZE = 50


def _require_staff(person) -> None:
    if not is_desk_staff(person):
        raise Http404("No such page")


def desk_home(request):
    """/service-desk/ itself: the queue for the desk's staff, the support page for everyone else."""
    if is_desk_staff(request.user):
        return redirect("servicedesk:queue")
    return redirect("servicedesk:support")


def _timeline(ticket: Ticket, *, public_only: bool) -> dict:
    return {
        "timeline": selectors.ticket_timeline(ticket, public_only=public_only),
        "status_labels": dict(Ticket.Status.choices),
        "tier_labels": dict(Ticket.Tier.choices),
        "type_labels": dict(Ticket.Type.choices),
        "human_size": human_size,
    }


def ticket_action_form_page(request, ticket, form, *, title, action, button, status=400):
    """A failed form from the ticket work page, shown on its own with its errors (for the actions
    the applets above tickets add to the page: a complaint's outcome, an identity check)."""
    return render(
        request,
        "servicedesk/tickets/action_form.html",
        {
            "title": title,
            "ticket": ticket,
            "form": form,
            "action": action,
            "button": button,
            "breadcrumbs": [
                {"text": ticket.reference, "href": reverse("servicedesk:ticket", args=[ticket.reference])}
            ],
        },
        status=status,
    )


# --- everyone -----------------------------------------------------------------------------------


def support(request):
    signed_in = request.user.is_authenticated
    if signed_in:
        form = SupportForm(
            request.POST or None, request.FILES or None, categories=selectors.active_categories()
        )
    else:
        form = PublicEnquiryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if signed_in:
                ticket = services.ticket_create(
                    actor=request.user,
                    requester=request.user,
                    type=data["type"],
                    category=data["category"],
                    subject=data["subject"],
                    description=data["description"],
                    impact=data["impact"],
                    urgency=data["urgency"],
                    attachments=data["attachments"],
                )
            else:
                ticket = services.ticket_create(
                    actor=None,
                    type=Ticket.Type.GENERAL_ENQUIRY,
                    subject=data["subject"],
                    description=data["description"],
                    requester_name=data["name"],
                    requester_email=data["email"],
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session[_LOGGED_KEY] = ticket.reference
            return redirect("servicedesk:support_sent")
    return render(
        request,
        "servicedesk/tickets/support.html",
        {
            "title": "Get support",
            "form": form,
            "signed_in": signed_in,
            "accept": ACCEPT_ATTRIBUTE,
            "policies": [SLA_POLICIES[p] for p in Priority],
            "matrix": PRIORITY_MATRIX,
            "priority_hint": priority_hint_for_form(form) if signed_in else None,
        },
    )


def support_sent(request):
    # Only the browser that logged the ticket sees its confirmation (the public have no account).
    reference = request.session.get(_LOGGED_KEY)
    ticket = Ticket.objects.filter(reference=reference).first() if reference else None
    if ticket is None:
        return redirect("servicedesk:support")
    return render(
        request,
        "servicedesk/tickets/support_sent.html",
        {
            "title": "Request sent",
            "ticket": ticket,
            "policy": SLA_POLICIES[Priority(ticket.priority)],
            # Help pages that may answer it while the desk gets to it (the no-JavaScript path).
            **extensions.panels("logged", request.user, ticket),
        },
    )


@login_required
def my_tickets(request):
    page = Paginator(selectors.tickets_for_requester(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "servicedesk/tickets/my_tickets.html", {"title": "My tickets", "page": page})


@login_required
def my_ticket(request, reference):
    ticket = selectors.access_ticket(request.user, reference)
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.ticket_reply(
                actor=request.user,
                ticket=ticket,
                body=form.cleaned_data["body"],
                attachments=form.cleaned_data["attachments"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            raise Http404("No such ticket") from None
        else:
            messages.success(request, "Your reply has been added. We will be in touch.")
            return redirect("servicedesk:my_ticket", reference=ticket.reference)
    return render(
        request,
        "servicedesk/tickets/my_ticket.html",
        {
            "title": f"{ticket.reference}: {ticket.subject}",
            "ticket": ticket,
            **_timeline(ticket, public_only=True),
            "form": form,
            "accept": ACCEPT_ATTRIBUTE,
            # The satisfaction survey, for the requester themself once it is resolved.
            **extensions.panels("requester", request.user, ticket),
            "breadcrumbs": [{"text": "My tickets", "href": reverse("servicedesk:my_tickets")}],
        },
    )


@login_required
def attachment_download(request, reference, attachment_id):
    staff = is_desk_staff(request.user)
    ticket = (
        selectors.access_ticket_for_staff(request.user, reference)
        if staff
        else selectors.access_ticket(request.user, reference)
    )
    attachment = Attachment.objects.select_related("event").filter(pk=attachment_id, ticket=ticket).first()
    if attachment is None or (not staff and not attachment.event.is_public):
        raise Http404("No such attachment")
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


# --- staff --------------------------------------------------------------------------------------


_ROW_END = Markup("<!--row-end-->")  # a comment: escaped text can never hold one


def _draw_rows(rows: list[queue_cache.QueueRow]) -> list[str]:
    """Each row's HTML up to its SLA flags (parts/queue_rows.html), drawn in one go."""
    html = render_part(
        "servicedesk/tickets/parts/queue_rows.html",
        {
            "rows": rows,
            "status_labels": dict(Ticket.Status.choices),
            "tier_labels": dict(Ticket.Tier.choices),
            "ticket_url": LinkPattern("servicedesk:ticket", None, mark="BL-0000-MARK"),
            "row_end": _ROW_END,
        },
    )
    return html.split(_ROW_END)[:-1]


@login_required
def queue(request):
    _require_staff(request.user)
    # The unfiltered queue (most requests) needs the form only to draw it.
    form = QueueFilterForm(request.GET) if request.GET.keys() - {"page"} else None
    filters = form.cleaned_data if form is not None and form.is_valid() else {}
    # The count and rows come from the shared cache, the same for every adviser (queue_cache).
    page = queue_cache.queue_page(
        request.user,
        page=request.GET.get("page"),
        per_page=QUEUE_PAGE_SIZE,
        status=filters.get("status", ""),
        priority=filters.get("priority", ""),
        tier=filters.get("tier", ""),
        mine=filters.get("mine", False),
        text=filters.get("q", ""),
        review_due=filters.get("review_due", False),
    )
    # Worked out on every request: they change with the clock, not with the tickets.
    now = timezone.now()
    rows = [(row, selectors.sla_flags(row, now)) for row in page]
    saved = queue_cache.saved_filters(request.user)
    show_dashboard_link = access_for(request.user, Perm.SERVICE_DESK_LEAD).national

    seconds = settings.DESK_CACHE_SECONDS
    filter_params = [(k, v) for k, v in request.GET.items() if k != "page" and v]
    filter_lists = [(k, v) for k, v in request.GET.lists() if k != "page"]

    def filters_html() -> Markup:
        # The filter form (its values and errors) and the saved filters: not the tickets.
        return cached_html(
            ("servicedesk:queue-filters", sorted(filter_lists), saved),
            seconds,
            lambda: render_part(
                "servicedesk/tickets/parts/queue_filters.html",
                {
                    "filter_form": form or QueueFilterForm(),
                    "saved_filters": saved,
                    "save_filter_form": SavedFilterForm(),
                    "filter_params": filter_params,
                    "csrf_input": csrf_mark(),
                },
            ),
        )

    def bulk_html() -> Markup:
        return cached_html(
            ("servicedesk:queue-bulk", staff_generation()),
            seconds,
            lambda: render_part(
                "servicedesk/tickets/parts/queue_bulk.html",
                {"bulk_form": BulkForm(staff=desk_staff_choices())},
            ),
        )

    def draw() -> str:
        drawn = queue_cache.rows_html([row for row, _ in rows], seconds, _draw_rows)
        return render_part(
            "servicedesk/tickets/parts/queue_main.html",
            {
                "request": request,  # the query string: the back link, the pages' links
                "page": page,
                "rows": [(html, flags) for html, (_, flags) in zip(drawn, rows, strict=True)],
                "show_dashboard_link": show_dashboard_link,
                "filters_html": filters_html,
                "bulk_html": bulk_html,
                "csrf_input": csrf_mark(),
            },
        )

    # Everything the HTML shows: the page's rows (their version), the query string (the filter
    # form, its errors, the links), the flags, the person's saved filters and lead link, and the
    # staff list of the bulk form.
    main_html = cached_html(
        (
            "servicedesk:queue-main",
            page.version,
            request.get_full_path(),
            [flags for _, flags in rows],
            saved,
            show_dashboard_link,
            staff_generation(),
        ),
        seconds,
        draw,
    )
    return render(
        request,
        "servicedesk/tickets/queue.html",
        {
            "title": "Service desk queue",
            "main_html": fill_csrf(main_html, request),
            # What other domains show the desk here (changes: the coming releases' call impact).
            "panels": panels("servicedesk.queue", request.user),
        },
    )


_ACTIONS = {"reply", "note", "status", "priority", "tier", "assign", "type"}


def _work_forms(request, ticket, action):
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    staff = desk_staff_choices()

    def bound(name):
        return (data, files) if action == name else (None, None)

    return {
        "reply": StaffReplyForm(*bound("reply"), prefix="reply"),
        "note": NoteForm(*bound("note"), prefix="note"),
        "status": StatusForm(bound("status")[0], prefix="status", initial={"status": ticket.status}),
        "priority": PriorityForm(
            bound("priority")[0], prefix="priority", initial={"priority": ticket.priority}
        ),
        "tier": TierForm(bound("tier")[0], prefix="tier"),
        "type": TypeForm(bound("type")[0], prefix="type", initial={"type": ticket.type}),
        "assign": AssignForm(
            bound("assign")[0], prefix="assign", staff=staff, initial={"assignee": ticket.assignee_id}
        ),
    }


def _apply(request, ticket, action, form) -> str:
    """Run the action's service; the message to show."""
    data = form.cleaned_data
    actor = request.user
    if action == "reply":
        services.ticket_reply(
            actor=actor,
            ticket=ticket,
            body=data["body"],
            attachments=data["attachments"],
            await_customer=data["await_customer"],
        )
        return "Your reply has been sent to the requester."
    if action == "note":
        services.ticket_add_note(
            actor=actor, ticket=ticket, body=data["body"], attachments=data["attachments"]
        )
        return "Internal note added."
    if action == "status":
        ticket = services.ticket_set_status(
            actor=actor, ticket=ticket, status=data["status"], reason=data["reason"]
        )
        return f"Status is now {ticket.get_status_display().lower()}."
    if action == "priority":
        ticket = services.ticket_set_priority(
            actor=actor, ticket=ticket, priority=data["priority"], reason=data["reason"]
        )
        return f"Priority is now {ticket.priority}; the targets are worked out again."
    if action == "tier":
        direction = request.POST.get("direction")
        if direction not in ("up", "down"):
            raise ValidationError("Choose Escalate or De-escalate")
        move = services.ticket_escalate if direction == "up" else services.ticket_deescalate
        ticket = move(actor=actor, ticket=ticket, reason=data["reason"])
        return f"The ticket is now with {ticket.get_tier_display()}."
    if action == "type":
        ticket = services.ticket_change_type(
            actor=actor, ticket=ticket, type=data["type"], reason=data["reason"]
        )
        return f"The type is now {ticket.get_type_display().lower()}."
    if action == "assign":
        assignee = None
        if data["assignee"] is not None:
            assignee = Person.objects.filter(pk=data["assignee"]).first()
            if assignee is None:
                raise ValidationError({"assignee": "Choose someone from the list"})
        ticket = services.ticket_assign(actor=actor, ticket=ticket, assignee=assignee)
        return (
            f"Assigned to {assignee.get_full_name()}."
            if assignee
            else "The ticket is back in the tier's queue."
        )
    raise Http404("No such action")


@login_required
def ticket_work(request, reference, action=None):
    ticket = selectors.access_ticket_for_staff(request.user, reference)
    if action is not None and (action not in _ACTIONS or request.method != "POST"):
        raise Http404("No such page")
    forms = _work_forms(request, ticket, action)
    canned = list(selectors.canned_responses_for(request.user))
    if action is None and request.GET.get("canned"):
        # "Use" on the canned-response picker: the reply box, pre-filled for this ticket.
        chosen = selectors.access_canned_response(request.user, request.GET["canned"])
        forms["reply"].initial = {
            "body": selectors.canned_response_fill(chosen, ticket=ticket, adviser=request.user)
        }
    failed = None
    if action is not None:
        form = forms[action]
        if form.is_valid():
            try:
                message = _apply(request, ticket, action, form)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, message)
                return redirect("servicedesk:ticket", reference=ticket.reference)
        failed = form
    return render(
        request,
        "servicedesk/tickets/work.html",
        {
            "title": f"{ticket.reference}: {ticket.subject}",
            "ticket": ticket,
            **_timeline(ticket, public_only=False),
            "forms": forms,
            # The layout's error summary shows the form that failed.
            "form": failed,
            "accept": ACCEPT_ATTRIBUTE,
            "flags": selectors.sla_flags(ticket, timezone.now()),
            "canned_responses": canned,
            # Problems, the major incident, the complaint, identity, the survey (tickets.extensions).
            **extensions.panels("work", request.user, ticket),
            "breadcrumbs": [{"text": "Queue", "href": reverse("servicedesk:queue")}],
        },
        status=400 if failed is not None else 200,
    )


@login_required
def contact_new(request):
    _require_staff(request.user)
    form = ContactForm(request.POST or None, categories=selectors.active_categories())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contact = _log_contact(request.user, data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if contact.ticket is not None:
                verb = "raised" if contact.created_ticket else "added to"
                messages.success(request, f"Call logged and {verb} {contact.ticket.reference}.")
                return redirect("servicedesk:ticket", reference=contact.ticket.reference)
            messages.success(request, "Call logged (not as a ticket).")
            return redirect("servicedesk:contact_new")
    return render(
        request,
        "servicedesk/tickets/contact.html",
        {"title": "Log a phone call", "form": form, "priority_hint": priority_hint_for_form(form)},
        status=400 if form.errors else 200,
    )


def _log_contact(actor, data):
    person = None
    if data["person_email"]:
        person = Person.objects.filter(email__iexact=data["person_email"]).first()
        if person is None:
            raise ValidationError(
                {"person_email": f"No one has a Bluelamp account with the address {data['person_email']}"}
            )
    kwargs = {
        "actor": actor,
        "caller_name": data["caller_name"],
        "caller_phone": data["caller_phone"],
        "caller_email": data["caller_email"],
        "person": person,
        "outcome": data["outcome"],
    }
    how = data["logged_as"]
    if how == "existing":
        ticket = Ticket.objects.filter(reference=data["reference"].strip().upper()).first()
        if ticket is None:
            raise ValidationError({"reference": f"There is no ticket {data['reference']}"})
        return services.contact_log(ticket=ticket, **kwargs)
    if how == "not_logged":
        return services.contact_log(not_logged_reason=data["not_logged_reason"], **kwargs)
    return services.contact_log(
        new_ticket={
            "type": data["type"],
            "category": data["category"],
            "subject": data["subject"],
            "description": data["description"],
            "impact": data["impact"],
            "urgency": data["urgency"],
            "priority": data["priority"] or None,
            "priority_reason": data["priority_reason"],
        },
        **kwargs,
    )
