"""Identity on the ticket work page: recording an identity check, sending a password reset,
issuing a challenge-response code, and the adviser's "Check a challenge code" page. Desk staff
only: to anyone else (the requester included) every page here is a 404, like the ticket itself."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bluelamp.core.forms import add_service_errors
from bluelamp.servicedesk.identity import challenge, services
from bluelamp.servicedesk.identity.forms import ChallengeCodeCheckForm, IdentityCheckForm
from bluelamp.servicedesk.tickets.selectors import access_ticket_for_staff
from bluelamp.servicedesk.tickets.views import ticket_action_form_page


@login_required
@require_POST
def identity_check(request, reference):
    ticket = access_ticket_for_staff(request.user, reference)
    form = IdentityCheckForm(request.POST, prefix="identity")
    if form.is_valid():
        try:
            services.identity_check_record(
                actor=request.user,
                ticket=ticket,
                method=form.cleaned_data["method"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                "Identity check recorded. For 30 minutes you may send a password reset or issue a code.",
            )
            return redirect("servicedesk:ticket", reference=ticket.reference)
    return ticket_action_form_page(
        request,
        ticket,
        form,
        title=f"Record an identity check on {ticket.reference}",
        action=reverse("servicedesk:identity_check", args=[ticket.reference]),
        button="Record identity check",
    )


@login_required
@require_POST
def password_reset(request, reference):
    ticket = access_ticket_for_staff(request.user, reference)
    try:
        person = services.password_reset_send(actor=request.user, ticket=ticket)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"A password reset e-mail has been sent to {person.get_full_name()}'s address on record."
        )
    return redirect("servicedesk:ticket", reference=ticket.reference)


@never_cache
@login_required
@require_POST
def challenge_code(request, reference):
    ticket = access_ticket_for_staff(request.user, reference)
    try:
        record, code = services.challenge_code_issue(actor=request.user, ticket=ticket)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("servicedesk:ticket", reference=ticket.reference)
    # Shown once, in this response only: not stored, not put in the session or a redirect.
    return render(
        request,
        "servicedesk/identity/challenge_code.html",
        {
            "title": f"Challenge-response code for {ticket.reference}",
            "ticket": ticket,
            "code": code,
            "record": record,
            "now": timezone.now(),
            "breadcrumbs": [
                {"text": ticket.reference, "href": reverse("servicedesk:ticket", args=[ticket.reference])}
            ],
        },
    )


@never_cache
@login_required
def check_challenge_code(request, reference):
    ticket = access_ticket_for_staff(request.user, reference)
    if ticket.requester_id is None:
        # Codes are issued only to requesters with an account: there is nothing to check.
        raise Http404("No challenge codes on this ticket")
    form = ChallengeCodeCheckForm(request.POST or None)
    result = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = challenge.challenge_code_check(
                actor=request.user, ticket=ticket, code=form.cleaned_data["code"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if result.valid:
                messages.success(request, result.message)
                return redirect(reverse("servicedesk:ticket", args=[ticket.reference]) + "#identity")
            form.add_error("code", result.message)
    if form.errors:
        status = 400
    return render(
        request,
        "servicedesk/identity/challenge_check.html",
        {
            "title": f"Check a challenge code on {ticket.reference}",
            "ticket": ticket,
            "form": form,
            "result": result,
            "issued": challenge.challenge_codes_issued(ticket),
            "max_wrong_attempts": challenge.MAX_WRONG_ATTEMPTS,
            "breadcrumbs": [
                {"text": ticket.reference, "href": reverse("servicedesk:ticket", args=[ticket.reference])}
            ],
        },
        status=status,
    )
