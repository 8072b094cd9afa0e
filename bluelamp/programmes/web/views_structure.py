"""Administrators' programme pages, under /programmes/manage/: the programmes a person runs,
creating one, changing its details, retiring it or bringing it back, and its overview (versions,
the current structure, cohorts, places, the certificate). For people who manage learning
somewhere (selectors.may_run_any); anyone else, and anyone reaching a programme they neither
build nor run, is told "not found".

The structure's pages (the draft, its sets and units, publishing) are in
views_structure_versions.py; cohorts in views_structure_cohorts.py. What the three share (the
clock, the trail of links, a link to another part's page) is here."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from bluelamp.core.forms import add_service_errors
from bluelamp.organisations.api import Organisation, Perm, access_for
from bluelamp.programmes import selectors
from bluelamp.programmes import structure as services
from bluelamp.programmes.models import Place, Programme, ProgrammeUnit, ProgrammeVersion, UnitSet
from bluelamp.programmes.places import ACHIEVEMENT_KIND
from bluelamp.programmes.structure import draft_of, may_manage
from bluelamp.programmes.web.forms_structure import ProgrammeForm

PAGE_SIZE = 50
WAITING = (Place.Status.MANAGER, Place.Status.ADMIN)


def now() -> dt.datetime:
    """What "now" is on these pages: one place, so that tests fix it once
    (`monkeypatch.setattr(views_structure, "now", ...)`)."""
    return timezone.now()


def require_runner(user) -> None:
    if not selectors.may_run_any(user):
        raise Http404("No such page")


def href(name: str, *args, query: str = "") -> str | None:
    """The address of another part's page, or None while that part is not there (urls.py skips
    a part that does not exist yet)."""
    try:
        return reverse(name, args=args or None) + query
    except NoReverseMatch:
        return None


def crumbs(programme: Programme | None = None, *more: dict) -> list[dict]:
    trail = [{"text": "Programmes", "href": reverse("programmes:manage")}]
    if programme is not None:
        trail.append(
            {"text": programme.code, "href": reverse("programmes:programme_manage", args=[programme.uuid])}
        )
    return [*trail, *more]


def owner_choices(user) -> list[Organisation]:
    """Organisations the user may make programmes for: those whose learning they manage as a
    whole; a national administrator any, the national body first."""
    access = access_for(user, Perm.LEARNING_MANAGE)
    if access.national:
        return sorted(Organisation.objects.all(), key=lambda o: (not o.is_national_body, o.name, o.pk))
    return list(Organisation.objects.filter(pk__in=access.organisation_ids).order_by("name", "pk"))


def rule_in_words(unit_set: UnitSet, units: int) -> str:
    """A set's rule as an administrator reads it, e.g. "At least 1 of these 2 units, in any order"."""
    if unit_set.rule == UnitSet.Rule.AT_LEAST_UNITS:
        rule = f"At least {unit_set.required_units} of these {units} {'unit' if units == 1 else 'units'}"
    elif unit_set.rule == UnitSet.Rule.AT_LEAST_CREDITS:
        rule = f"At least {unit_set.required_credits} credits from these units"
    else:
        rule = "This unit" if units == 1 else "Every unit"
    if unit_set.sequence == UnitSet.Sequence.IN_ORDER:
        return f"{rule}, in order (each opens when the one before it is complete)"
    return f"{rule}, in any order"


def sets_of(version: ProgrammeVersion | None) -> list[dict]:
    """The version's sets in order, each with its units (course, credits, due days) and its rule
    in words: two queries."""
    if version is None:
        return []
    units: dict[int, list[ProgrammeUnit]] = {}
    for unit in (
        ProgrammeUnit.objects.filter(unit_set__version=version)
        .select_related("course", "course__owner")
        .order_by("unit_set_id", "order")
    ):
        units.setdefault(unit.unit_set_id, []).append(unit)
    return [
        {
            "set": unit_set,
            "units": units.get(unit_set.pk, []),
            "rule": rule_in_words(unit_set, len(units.get(unit_set.pk, []))),
            "credits": sum(u.credits for u in units.get(unit_set.pk, [])),
        }
        for unit_set in version.sets.order_by("order")
    ]


# --- the programmes a person runs ----------------------------------------------------------------


def _place_counts(user, programmes: list[Programme]) -> dict[int, dict[str, int]]:
    """People on each programme and applying: all of them for its administrators, their own
    organisations' people for a force running a national programme (two queries at most)."""
    counts: dict[int, dict[str, int]] = {p.pk: {"active": 0, "waiting": 0} for p in programmes}
    managed = [p.pk for p in programmes if may_manage(user, p)]
    others = [p.pk for p in programmes if p.pk not in managed]
    access = access_for(user, Perm.LEARNING_MANAGE)
    queries = []
    if managed:
        queries.append(Place.objects.filter(programme_id__in=managed))
    if others:
        queries.append(
            Place.objects.filter(programme_id__in=others, person__organisation_id__in=access.organisation_ids)
        )
    for places in queries:
        for row in places.values("programme_id").annotate(
            active=Count("pk", filter=Q(status=Place.Status.ACTIVE)),
            waiting=Count("pk", filter=Q(status__in=WAITING)),
        ):
            counts[row["programme_id"]] = {"active": row["active"], "waiting": row["waiting"]}
    return counts


@login_required
@require_GET
def manage(request):
    require_runner(request.user)
    programmes = selectors.programmes_run(request.user).order_by("title", "code", "pk")
    page = Paginator(programmes, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    access = access_for(request.user, Perm.LEARNING_MANAGE)
    return render(
        request,
        "programmes/structure/manage.html",
        {
            "title": "Programmes",
            "page": page,
            "rows": rows,
            "counts": _place_counts(request.user, rows),
            "managed": {p.pk for p in rows if may_manage(request.user, p)},
            "may_create": access.national or bool(access.organisation_ids),
            "applications_href": href("programmes:applications"),
        },
    )


# --- creating and changing a programme -------------------------------------------------------------


def _form_page(request, form: ProgrammeForm, *, title: str, programme: Programme | None, owner=None):
    return render(
        request,
        "programmes/structure/programme_form.html",
        {
            "title": title,
            "form": form if form.errors else None,
            "programme_form": form,
            "programme": programme,
            "owner": owner,
            "breadcrumbs": crumbs(programme),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request):
    require_runner(request.user)
    owners = owner_choices(request.user)
    if not owners:
        raise Http404("No such page")
    form = ProgrammeForm(
        request.POST or None,
        owners=owners,
        initial={"qualification_size": Programme.Size.CERTIFICATE},
    )
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(
                actor=request.user, owner=form.chosen_owner(), data=form.programme_input(), at=now()
            )
        except PermissionDenied:
            raise Http404("No such page") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Created {programme.code} {programme.title}, in draft. Add its sets of units, then publish "
                "its first version.",
            )
            return redirect("programmes:structure", programme.uuid)
    return _form_page(
        request,
        form,
        title="Create a programme",
        programme=None,
        owner=owners[0] if len(owners) == 1 else None,
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request, programme_uuid):
    programme = selectors.access_programme_to_manage(request.user, programme_uuid)
    if request.method == "POST" and "status" in request.POST:
        return _set_status(request, programme, request.POST["status"])
    form = ProgrammeForm(request.POST or None, initial=ProgrammeForm.initial_of(programme))
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(
                actor=request.user, programme=programme, data=form.programme_input(), at=now()
            )
        except PermissionDenied:
            raise Http404("No such programme") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved the details of {programme.code} {programme.title}.")
            return redirect("programmes:programme_manage", programme.uuid)
        # The service changed the object before refusing it: show the programme as it is stored.
        programme.refresh_from_db()
    return _form_page(
        request, form, title=f"Change {programme.code}", programme=programme, owner=programme.owner
    )


def _set_status(request, programme: Programme, status: str):
    try:
        services.programme_set_status(actor=request.user, programme=programme, status=status, at=now())
    except PermissionDenied:
        raise Http404("No such programme") from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if status == Programme.Status.RETIRED:
            messages.success(
                request,
                f"Retired {programme.code}: no one new can apply or be placed. Those on it carry on to the end.",
            )
        else:
            messages.success(request, f"{programme.code} is open again: people can apply and be placed.")
    return redirect("programmes:programme_manage", programme.uuid)


# --- a programme's overview ------------------------------------------------------------------------


@login_required
@require_GET
def programme_manage(request, programme_uuid):
    """Its administrators see everything and change it; a force running a national programme
    sees its details and structure, and only its own cohorts and people."""
    programme = selectors.access_programme_to_run(request.user, programme_uuid)
    builds = may_manage(request.user, programme)
    places = selectors.places_run(request.user, programme)
    by_status = dict(
        places.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    on_version = dict(
        places.filter(status=Place.Status.ACTIVE)
        .order_by()
        .values_list("version_id")
        .annotate(n=Count("pk"))
        .values_list("version_id", "n")
    )
    versions = list(programme.versions.order_by("-number"))
    places_href = href("programmes:places", programme.uuid)
    statuses = [
        {
            "label": label,
            "count": by_status.get(value, 0),
            "href": f"{places_href}?status={value}" if places_href and by_status.get(value) else None,
        }
        for value, label in Place.Status.choices
    ]
    achievement = f"{ACHIEVEMENT_KIND}:{programme.uuid}"
    return render(
        request,
        "programmes/structure/programme.html",
        {
            "title": f"{programme.code} {programme.title}",
            "programme": programme,
            "builds": builds,
            "versions": versions,
            "on_version": on_version,
            "draft": draft_of(programme) if builds else None,
            "sets": sets_of(programme.current_version),
            "cohorts": list(selectors.cohorts_run_by(request.user, programme)),
            "statuses": statuses,
            "places_href": places_href,
            "certificates_href": href("credentials:template_list"),
            "certificate_create_href": href(
                "credentials:template_create", query=f"?achievement={achievement}"
            )
            if builds
            else None,
            "breadcrumbs": crumbs(),
        },
    )
