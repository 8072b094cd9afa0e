"""Resolving a complaint with its outcome, from the ticket work page (desk staff; to anyone else,
a 404 like the ticket itself)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from bluelamp.core.forms import add_service_errors
from bluelamp.servicedesk.complaints.forms import ComplaintOutcomeForm
from bluelamp.servicedesk.tickets.models import Ticket
from bluelamp.servicedesk.tickets.selectors import access_ticket_for_staff
from bluelamp.servicedesk.tickets.services import ticket_set_status
from bluelamp.servicedesk.tickets.views import ticket_action_form_page


@login_required
@require_POST
def complaint_resolve(request, reference):
    ticket = access_ticket_for_staff(request.user, reference)
    form = ComplaintOutcomeForm(request.POST, prefix="complaint")
    if form.is_valid():
        try:
            ticket_set_status(
                actor=request.user,
                ticket=ticket,
                status=Ticket.Status.RESOLVED,
                outcome=form.cleaned_data["outcome"],
                outcome_text=form.cleaned_data["outcome_text"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Complaint resolved with its outcome; the requester has been told.")
            return redirect("servicedesk:ticket", reference=ticket.reference)
    return ticket_action_form_page(
        request,
        ticket,
        form,
        title=f"Resolve complaint {ticket.reference}",
        action=reverse("servicedesk:complaint_resolve", args=[ticket.reference]),
        button="Resolve with this outcome",
    )
