"""The survey pages: for the signed-in requester (from their ticket page) and from the e-mail link
(no sign-in; the signed token is the key). Anyone else gets a 404, as for the ticket itself; a
link that was altered or has expired gets a page saying so and what to do instead."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from bluelamp.core.forms import add_service_errors
from bluelamp.servicedesk.survey import links
from bluelamp.servicedesk.survey.forms import SurveyForm
from bluelamp.servicedesk.survey.models import SatisfactionResponse
from bluelamp.servicedesk.survey.selectors import may_answer_survey, survey_open, survey_response_for
from bluelamp.servicedesk.survey.services import survey_respond
from bluelamp.servicedesk.tickets.models import Ticket
from bluelamp.servicedesk.tickets.selectors import access_ticket, may_see_as_requester

Via = SatisfactionResponse.Via


def _survey_page(request, ticket: Ticket, *, via: str, action: str, respondent=None):
    response = survey_response_for(ticket)
    context = {
        "ticket": ticket,
        "action": action,
        "signed_in_requester": may_answer_survey(request.user, ticket),
    }
    if response is not None:
        # Answered already (here, on another device, or by a second click): thanks, once.
        return render(
            request,
            "servicedesk/survey/thanks.html",
            {"title": "Thank you for your feedback", "response": response, **context},
        )
    if not survey_open(ticket):
        return render(
            request, "servicedesk/survey/not_open.html", {"title": "The survey is not open", **context}
        )
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey_respond(ticket=ticket, via=via, respondent=respondent, **form.answers())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(action)
    return render(
        request,
        "servicedesk/survey/survey.html",
        {"title": f"How did we do? {ticket.reference}", "form": form, **context},
        status=400 if form.errors else 200,
    )


@login_required
@never_cache
def survey_mine(request, reference):
    ticket = access_ticket(request.user, reference)
    if not may_answer_survey(request.user, ticket):
        raise Http404("No such page")
    return _survey_page(
        request,
        ticket,
        via=Via.WEB,
        action=reverse("servicedesk:survey_mine", args=[ticket.reference]),
        respondent=request.user,
    )


@never_cache
def survey_link(request, token):
    try:
        ticket = links.ticket_for_token(token)
    except links.SurveyLinkExpired:
        return render(
            request,
            "servicedesk/survey/link_problem.html",
            {"title": "This survey link has expired", "expired": True, "days": links.LINK_MAX_AGE.days},
            status=410,
        )
    except links.SurveyLinkInvalid:
        return render(
            request,
            "servicedesk/survey/link_problem.html",
            {"title": "This survey link is not valid", "expired": False, "days": links.LINK_MAX_AGE.days},
            status=404,
        )
    user = request.user
    # Signed in as someone else, the ticket is not theirs: it does not exist, as everywhere.
    if user.is_authenticated and ticket.requester_id is not None and not may_see_as_requester(user, ticket):
        raise Http404("No such page")
    respondent = user if may_answer_survey(user, ticket) else None
    return _survey_page(
        request,
        ticket,
        via=Via.EMAIL_LINK,
        action=reverse("servicedesk:survey_link", args=[token]),
        respondent=respondent,
    )
