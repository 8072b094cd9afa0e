"""The extra-closures page (service-desk leads). Mounted by the service desk at
/service-desk/closures/, where its leads keep the national calendar; redirects stay within
whichever namespace mounts it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from bluelamp.core.forms import add_service_errors
from bluelamp.workingtime import selectors, services
from bluelamp.workingtime.forms import ExtraClosureForm


def _list_url(request) -> str:
    namespace = request.resolver_match.namespace
    return f"{namespace}:closures" if namespace else "closures"


@login_required
def closure_list(request):
    if not services.may_manage_closures(request.user):
        raise Http404("No such page")
    form = ExtraClosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            closure = services.extra_closure_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"The service desk is closed on {closure.date:%A} {closure.date.day} {closure.date:%B %Y}.",
            )
            return redirect(_list_url(request))
    return render(
        request,
        "workingtime/closures.html",
        {
            "title": "Extra closures",
            "form": form,
            "closures": selectors.extra_closures(),
            "remove_url": _list_url(request).replace("closures", "closure_remove"),
        },
    )


@login_required
@require_POST
def closure_remove(request, closure_id):
    closure = selectors.access_extra_closure(request.user, closure_id)
    try:
        services.extra_closure_delete(actor=request.user, closure=closure)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The extra closure on {closure.date.day} {closure.date:%B %Y} is removed.")
    return redirect(_list_url(request))
