"""The desk's problem pages, and the work page's "Link to problem" form (staff; to anyone else
they do not exist: 404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bluelamp.core.forms import add_service_errors
from bluelamp.servicedesk.kb.models import Article
from bluelamp.servicedesk.problems import selectors, services
from bluelamp.servicedesk.problems.forms import (
    KnownErrorForm,
    LinkIncidentForm,
    LinkToProblemForm,
    ProblemForm,
    RootCauseForm,
)
from bluelamp.servicedesk.problems.models import Problem
from bluelamp.servicedesk.staff import desk_staff, is_desk_staff
from bluelamp.servicedesk.tickets.models import Ticket
from bluelamp.servicedesk.tickets.selectors import access_ticket_for_staff

PAGE_SIZE = 25


def _require_staff(person) -> None:
    if not is_desk_staff(person):
        raise Http404("No such page")


@login_required
def problem_list(request):
    _require_staff(request.user)
    status = request.GET.get("status", "")
    status = status if status in Problem.Status.values else ""
    page = Paginator(selectors.problem_list(request.user, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "servicedesk/problems/problem_list.html",
        {"title": "Problems", "page": page, "status": status, "statuses": Problem.Status.choices},
    )


@login_required
def problem_new(request):
    _require_staff(request.user)
    ticket = None
    reference = request.GET.get("ticket") or request.POST.get("ticket")
    if reference:
        ticket = access_ticket_for_staff(request.user, reference)
    initial = {"title": ticket.subject, "description": ticket.description} if ticket else {}
    form = ProblemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            problem = services.problem_create(actor=request.user, from_ticket=ticket, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{problem.reference} recorded.")
            return redirect("servicedesk:problem", reference=problem.reference)
    return render(
        request,
        "servicedesk/problems/problem_form.html",
        {
            "title": "Record a problem",
            "form": form if form.errors else None,
            "problem_form": form,
            "ticket": ticket,
            "breadcrumbs": [{"text": "Problems", "href": reverse("servicedesk:problems")}],
        },
        status=400 if form.errors else 200,
    )


_PROBLEM_ACTIONS = {"link": LinkIncidentForm, "root-cause": RootCauseForm, "known-error": KnownErrorForm}


def _ticket_by_reference(reference: str) -> Ticket:
    ticket = Ticket.objects.filter(reference=(reference or "").strip().upper()).first()
    if ticket is None:
        raise ValidationError({"reference": f"There is no ticket {reference.strip()}"})
    return ticket


def _apply_problem_action(request, problem, action, data) -> str:
    actor = request.user
    if action == "link":
        ticket = _ticket_by_reference(data["reference"])
        services.problem_link_incident(actor=actor, problem=problem, ticket=ticket)
        return f"{ticket.reference} linked."
    if action == "unlink":
        ticket = _ticket_by_reference(data["reference"])
        services.problem_unlink_incident(actor=actor, problem=problem, ticket=ticket)
        return f"{ticket.reference} unlinked."
    if action == "root-cause":
        services.problem_record_root_cause(actor=actor, problem=problem, root_cause=data["root_cause"])
        return "Root cause recorded."
    if action == "known-error":
        problem = services.problem_mark_known_error(
            actor=actor, problem=problem, workaround=data["workaround"], audience=data["audience"]
        )
        return f"Known error recorded; the workaround is published as “{problem.article.title}”."
    if action == "resolve":
        services.problem_resolve(actor=actor, problem=problem)
        return f"{problem.reference} resolved."
    raise Http404("No such action")


@login_required
def problem_detail(request, reference, action=None):
    problem = selectors.access_problem_for_staff(request.user, reference)
    if action is not None and request.method != "POST":
        raise Http404("No such page")
    data = request.POST if action else None
    forms = {
        name: form_class(data if name == action else None, prefix=name.replace("-", "_"))
        for name, form_class in _PROBLEM_ACTIONS.items()
    }
    forms["root-cause"].initial = {"root_cause": problem.root_cause}
    forms["known-error"].initial = {
        "workaround": problem.workaround,
        "audience": problem.article.audience if problem.article else Article.Audience.PUBLIC,
    }
    failed = None
    if action is not None:
        if action in ("unlink", "resolve"):
            cleaned = {"reference": request.POST.get("reference", "")}
            form = None
        elif action in forms:
            form = forms[action]
            cleaned = form.cleaned_data if form.is_valid() else None
        else:
            raise Http404("No such action")
        if cleaned is not None:
            try:
                message = _apply_problem_action(request, problem, action, cleaned)
            except ValidationError as exc:
                if form is None:
                    messages.error(request, " ".join(exc.messages))
                    return redirect("servicedesk:problem", reference=problem.reference)
                add_service_errors(form, exc)
            else:
                messages.success(request, message)
                return redirect("servicedesk:problem", reference=problem.reference)
        failed = form
    return render(
        request,
        "servicedesk/problems/problem.html",
        {
            "title": f"{problem.reference}: {problem.title}",
            "problem": problem,
            "incidents": selectors.problem_incidents(problem),
            "forms": forms,
            "form": failed,
            "owners": desk_staff(),
            "breadcrumbs": [{"text": "Problems", "href": reverse("servicedesk:problems")}],
        },
        status=400 if failed is not None else 200,
    )


@login_required
@require_POST
def ticket_link_problem(request, reference):
    """The "Link to problem" form on the ticket work page."""
    ticket = access_ticket_for_staff(request.user, reference)
    form = LinkToProblemForm(request.POST)
    if form.is_valid():
        problem = Problem.objects.filter(reference=form.cleaned_data["problem"].strip().upper()).first()
        if problem is None:
            messages.error(request, f"There is no problem {form.cleaned_data['problem'].strip()}.")
        else:
            try:
                services.problem_link_incident(actor=request.user, problem=problem, ticket=ticket)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, f"Linked to {problem.reference}.")
    else:
        messages.error(request, "Enter the problem reference, for example PRB-2026-0001.")
    return redirect(reverse("servicedesk:ticket", args=[ticket.reference]) + "#problems")
