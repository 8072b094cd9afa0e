"""Service-desk pages. For now: the extra closures that stop SLA clocks (service-desk leads)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from bluelamp.core.forms import add_service_errors
from bluelamp.organisations.api import Perm, access_for
from bluelamp.servicedesk import selectors, services
from bluelamp.servicedesk.forms import ExtraClosureForm
from bluelamp.servicedesk.models import ExtraClosure


def _require_desk_lead(person) -> None:
    """Service-desk leads (IT service manager, team leader, lead engineer) and platform
    administrators, all national; to anyone else the pages do not exist."""
    if not access_for(person, Perm.SERVICE_DESK_LEAD).national:
        raise Http404("No such page")


@login_required
def closure_list(request):
    _require_desk_lead(request.user)
    form = ExtraClosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            closure = services.extra_closure_create(
                actor=request.user, date=form.cleaned_data["date"], reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"The service desk is closed on {closure.date:%A} {closure.date.day} {closure.date:%B %Y}.",
            )
            return redirect("servicedesk:closures")
    return render(
        request,
        "servicedesk/closures.html",
        {"title": "Extra closures", "form": form, "closures": selectors.extra_closures()},
    )


@login_required
@require_POST
def closure_remove(request, closure_id):
    _require_desk_lead(request.user)
    closure = get_object_or_404(ExtraClosure, pk=closure_id)
    try:
        services.extra_closure_delete(actor=request.user, closure=closure)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The extra closure on {closure.date.day} {closure.date:%B %Y} is removed.")
    return redirect("servicedesk:closures")
