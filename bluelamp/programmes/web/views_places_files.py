"""The awarding body's files of a programme, under /programmes/manage/<programme>/: the
registration file, and the claims page (who completed, with their units; marking their awards
claimed) with its file. Columns: bluelamp/programmes/exports.py, documented for whoever sends
them in docs/awarding-body-files.md. Reached through `selectors.access_programme_to_run`: anyone
else gets the same 404 as for a programme that does not exist."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from bluelamp.core.exports import csv_download
from bluelamp.core.timefmt import format_date
from bluelamp.programmes import exports, places, selectors
from bluelamp.programmes.models import Place, Programme
from bluelamp.programmes.web import views_places as common
from bluelamp.programmes.web.forms_places import ClaimForm

CLAIMS_PAGE_SIZE = 100


def _file_name(programme: Programme, what: str) -> str:
    return f"{slugify(programme.code) or 'programme'}-{what}-{common.today():%Y-%m-%d}.csv"


@login_required
@require_GET
def registrations_csv(request, programme_uuid):
    user = request.user
    programme = selectors.access_programme_to_run(user, programme_uuid)
    rows = (
        selectors.places_run(user, programme)
        .filter(
            Q(status__in=exports.REGISTERED_STATUSES)
            | (Q(status=Place.Status.WITHDRAWN) & ~Q(registration_number=""))
        )
        .order_by("person__last_name", "person__first_name", "pk")
    )
    return csv_download(
        filename=_file_name(programme, "registrations"),
        header=exports.REGISTRATION_COLUMNS,
        rows=exports.registration_rows(rows),
        bom=True,
    )


CLAIMED_FILTERS = {"no": "Not yet claimed", "yes": "Claimed", "all": "All"}


def _completed(user, programme: Programme, claimed: str):
    rows = selectors.places_run(user, programme).filter(status=Place.Status.COMPLETED)
    if claimed == "no":
        rows = rows.filter(claimed_on__isnull=True)
    elif claimed == "yes":
        rows = rows.filter(claimed_on__isnull=False)
    return rows.order_by("person__last_name", "person__first_name", "pk")


def _claimed_filter(request) -> str:
    claimed = request.GET.get("claimed", "no")
    return claimed if claimed in CLAIMED_FILTERS else "no"


@login_required
@require_http_methods(["GET", "POST"])
def claims(request, programme_uuid):
    user = request.user
    programme = selectors.access_programme_to_run(user, programme_uuid)
    claimed = _claimed_filter(request)
    page = Paginator(_completed(user, programme, claimed), CLAIMS_PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    form = ClaimForm(
        request.POST if request.method == "POST" else None,
        shown=[str(p.uuid) for p in items],
        today=common.today(),
        initial={"claimed_on": common.today()},
    )
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data["chosen"])
        marked = [p for p in items if str(p.uuid) in chosen]
        try:
            count = places.places_mark_claimed(
                actor=user, places=marked, on=form.cleaned_data["claimed_on"], at=common.now()
            )
        except PermissionDenied as refused:
            form.add_error("places", str(refused))
        except ValidationError as error:
            common.show_errors(form, error, "places")
        else:
            day = format_date(form.cleaned_data["claimed_on"])
            messages.success(
                request, f"Marked {count} {'award' if count == 1 else 'awards'} as claimed on {day}."
            )
            return redirect(request.get_full_path())
    ticked = set(form["places"].value() or []) if request.method == "POST" else set()
    return render(
        request,
        "programmes/places/claims.html",
        {
            "title": f"Claims for {programme.title}",
            "programme": programme,
            "page": page,
            "items": items,
            "standing": exports.standings(items),
            "claim_form": form,
            "form": form if form.errors else None,
            "ticked": ticked,
            "claimed": claimed,
            "claimed_items": [
                {"value": key, "text": text, "checked": key == claimed}
                for key, text in CLAIMED_FILTERS.items()
            ],
            "csv_query": request.GET.urlencode(),
            "link": common.link,
            "breadcrumbs": common.programme_crumbs(programme),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def claims_csv(request, programme_uuid):
    user = request.user
    programme = selectors.access_programme_to_run(user, programme_uuid)
    rows = list(_completed(user, programme, _claimed_filter(request)))
    return csv_download(
        filename=_file_name(programme, "claims"),
        header=exports.CLAIM_COLUMNS,
        rows=exports.claim_rows(rows),
        bom=True,
    )
