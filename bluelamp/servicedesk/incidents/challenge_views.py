"""The adviser's "Check a challenge code" page, reached from the ticket work page. Desk staff
only: to anyone else (the requester included) it is a 404, like the ticket itself."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from bluelamp.core.forms import add_service_errors
from bluelamp.servicedesk.incidents import challenge
from bluelamp.servicedesk.incidents.identity import CODE_DIGITS
from bluelamp.servicedesk.tickets.selectors import access_ticket_for_staff


class ChallengeCodeCheckForm(forms.Form):
    code = forms.CharField(
        label="Code the caller reads out",
        max_length=40,
        help_text=f"The {CODE_DIGITS} digits of the challenge-response code issued on this ticket, "
        "for example 1234 5678. Spaces do not matter.",
        error_messages={"required": f"Enter the {CODE_DIGITS}-digit code the caller reads out"},
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
        "servicedesk/incidents/challenge_check.html",
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
