"""A programme's cohorts, under /programmes/manage/<programme>/cohorts/: the list with places
taken, creating one, and changing one (its name, start and size). For those who run the
programme (selectors.access_programme_to_run): its administrators, all its cohorts; a force's
course managers on a national programme, their own organisations' cohorts. Anyone else is told
"not found"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from bluelamp.core.forms import add_service_errors
from bluelamp.core.timefmt import format_date
from bluelamp.organisations.api import LicenceType, Organisation, Perm, access_for, licensed_organisation_ids
from bluelamp.programmes import selectors
from bluelamp.programmes.models import Place, Programme
from bluelamp.programmes.structure import cohort_create, cohort_update, may_run_cohorts_in
from bluelamp.programmes.web import views_structure as common
from bluelamp.programmes.web.forms_structure import CohortForm


def cohort_organisations(user, programme: Programme) -> list[Organisation]:
    """Where the user may start a cohort of the programme: its owner (for its administrators) and,
    for a national programme, the organisations in their scope that take national content."""
    candidates = [programme.owner]
    if programme.owner.kind == Organisation.Kind.NATIONAL_BODY:
        access = access_for(user, Perm.LEARNING_MANAGE)
        others = Organisation.objects.exclude(pk=programme.owner_id).filter(
            pk__in=licensed_organisation_ids(LicenceType.DIGITAL_CONTENT_ACCESS)
        )
        if not access.national:
            others = others.filter(pk__in=access.organisation_ids)
        candidates += list(others.order_by("name", "pk"))
    return [o for o in candidates if may_run_cohorts_in(user, programme, o)]


def _crumbs(programme: Programme, *more: dict) -> list[dict]:
    return common.crumbs(programme, *more)


@login_required
@require_http_methods(["GET", "POST"])
def cohorts(request, programme_uuid):
    programme = selectors.access_programme_to_run(request.user, programme_uuid)
    organisations = cohort_organisations(request.user, programme)
    form = CohortForm(request.POST or None, organisations=organisations)
    if request.method == "POST":
        if not organisations:
            raise Http404("No such programme")
        if form.is_valid():
            data = form.cleaned_data
            try:
                cohort = cohort_create(
                    actor=request.user,
                    programme=programme,
                    organisation=form.chosen_organisation(),
                    name=data["name"],
                    starts_on=data["starts_on"],
                    places=data["places"],
                    at=common.now(),
                )
            except PermissionDenied:
                raise Http404("No such programme") from None
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Created the cohort {cohort.name}, starting on {format_date(cohort.starts_on)}. Its people's "
                    "due dates count from that day.",
                )
                return redirect("programmes:cohorts", programme.uuid)
    rows = list(selectors.cohorts_run_by(request.user, programme))
    return render(
        request,
        "programmes/structure/cohorts.html",
        {
            "title": f"Cohorts of {programme.code}",
            "programme": programme,
            "cohorts": rows,
            "several": len({c.organisation_id for c in rows} | {o.pk for o in organisations}) > 1,
            "organisations": organisations,
            "places_href": common.href("programmes:places", programme.uuid),
            "form": form if form.errors else None,
            "cohort_form": form,
            "breadcrumbs": _crumbs(programme),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def cohort_edit(request, programme_uuid, cohort_uuid):
    programme = selectors.access_programme_to_run(request.user, programme_uuid)
    cohort = selectors.access_cohort(request.user, programme, cohort_uuid)
    members = cohort.members.filter(status__in=Place.LIVE).count()
    form = CohortForm(
        request.POST or None,
        initial={
            "name": cohort.name,
            "starts_on": cohort.starts_on,
            "places": "" if cohort.places is None else str(cohort.places),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        was = cohort.starts_on
        try:
            cohort_update(
                actor=request.user,
                cohort=cohort,
                name=data["name"],
                starts_on=data["starts_on"],
                places=data["places"],
            )
        except PermissionDenied:
            raise Http404("No such cohort") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            moved = (
                f" It starts on {format_date(cohort.starts_on)} now: the due dates of the people on it moved with it."
                if cohort.starts_on != was
                else ""
            )
            messages.success(request, f"Saved the cohort {cohort.name}.{moved}")
            return redirect("programmes:cohorts", programme.uuid)
    return render(
        request,
        "programmes/structure/cohort_edit.html",
        {
            "title": f"Change the cohort {cohort.name}",
            "programme": programme,
            "cohort": cohort,
            "members": members,
            "form": form if form.errors else None,
            "cohort_form": form,
            "breadcrumbs": _crumbs(
                programme, {"text": "Cohorts", "href": reverse("programmes:cohorts", args=[programme.uuid])}
            ),
        },
        status=400 if form.errors else 200,
    )
