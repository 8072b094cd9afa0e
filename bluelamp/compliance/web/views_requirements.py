"""The requirements' pages, under /compliance/requirements/: the list, a requirement's page with
the people in its audience, create and edit (with a preview of who the audience takes in, before
anything is saved), retire and restore.

Who may use them: those who manage requirements (training and organisation administrators) and
those who see compliance figures (report viewers). A requirement the reader may not see, or may
not change on a page that changes it, is "not found", the same as one that does not exist.
"""

from __future__ import annotations

import re
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from bluelamp.compliance import audiences, preview, selectors, services
from bluelamp.compliance.models import Requirement, Status, StatusCount
from bluelamp.compliance.web import clock, wording
from bluelamp.compliance.web.forms_requirements import (
    AUDIENCE_FIELDS,
    OwnerForm,
    RequirementForm,
    choices_for,
    initial_for,
)
from bluelamp.organisations.api import Access, Organisation, Unit

PAGE_SIZE = 50
# The order statuses are shown in, worst first.
STATUS_ORDER = (
    Status.OVERDUE,
    Status.DUE,
    Status.SUSPENDED,
    Status.ASSIGNED,
    Status.COMPLIANT,
    Status.EXEMPT,
)
TAG_CLASSES = {
    Status.COMPLIANT: "govuk-tag--green",
    Status.DUE: "govuk-tag--yellow",
    Status.OVERDUE: "govuk-tag--red",
    Status.ASSIGNED: "govuk-tag--grey",
    Status.SUSPENDED: "govuk-tag--orange",
    Status.EXEMPT: "govuk-tag--blue",
}


# --- who may do what ------------------------------------------------------------------------------


def _require_reader(actor) -> selectors.Sight:
    """Managers of requirements and readers of compliance figures; 404 for anyone else."""
    seen = selectors.sight(actor)
    if not seen.figures.anything and not selectors.organisations_managed(actor):
        raise Http404("No such page")
    return seen


def _may_manage(actor, requirement: Requirement) -> bool:
    return services.may_manage_requirements(actor, requirement.owner)


def _crumbs(requirement: Requirement | None = None) -> list[dict]:
    trail = [{"text": "Mandatory training requirements", "href": reverse("compliance:requirements")}]
    if requirement is not None:
        trail.append(
            {"text": requirement.code, "href": reverse("compliance:requirement", args=[requirement.uuid])}
        )
    return trail


# --- figures --------------------------------------------------------------------------------------


def _figures_q(figures: Access) -> Q | None:
    """The counts the reader may see (None: none at all). Counts are kept per unit, so a line
    manager's view of their reports is not among them."""
    if figures.national:
        return Q()
    q = Q(organisation_id__in=figures.organisation_ids) if figures.organisation_ids else None
    for organisation_id, path in figures.unit_paths:
        units = Unit.objects.filter(organisation_id=organisation_id, path__startswith=path).values("id")
        unit_q = Q(organisation_id=organisation_id, unit_key__in=units)
        q = unit_q if q is None else q | unit_q
    return q


def counts_by_requirement(figures: Access, requirement_ids) -> dict[int, dict[str, int]]:
    """How many people in each requirement's audience stand in each status, within what the
    reader may see as figures (one query)."""
    q = _figures_q(figures)
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    if q is None:
        return counts
    for requirement_id, status, count in (
        StatusCount.objects.filter(q, requirement_id__in=list(requirement_ids), count__gt=0)
        .values_list("requirement_id", "status", "count")
        .order_by()
    ):
        counts[requirement_id][status] += count
    return counts


def _status_rows(counts: dict[str, int]) -> list[dict]:
    return [
        {"status": s.value, "label": s.label, "count": counts.get(s.value, 0), "tag": TAG_CLASSES[s]}
        for s in STATUS_ORDER
    ]


# --- the list -------------------------------------------------------------------------------------


@login_required
def requirement_list(request):
    seen = _require_reader(request.user)
    visible = selectors.requirements_visible(request.user, on=clock.today())
    owners = list(Organisation.objects.filter(id__in=visible.values("owner_id")).order_by("name"))
    owner_slug, state = request.GET.get("owner", ""), request.GET.get("state", "")
    requirements = visible.select_related("owner").prefetch_related("course_links__course")
    if owner_slug:
        requirements = requirements.filter(owner__slug=owner_slug)
    if state in Requirement.State.values:
        requirements = requirements.filter(state=state)
    page = Paginator(requirements.order_by("owner__name", "code", "id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    names = wording.names_for(rows)
    counts = counts_by_requirement(seen.figures, [r.id for r in rows])
    managed = {o.id for o in selectors.organisations_managed(request.user)}
    return render(
        request,
        "compliance/requirements/list.html",
        {
            "title": "Mandatory training requirements",
            "page": page,
            "rows": [
                {
                    "requirement": r,
                    "courses": [link.course for link in r.course_links.all()],
                    "validity": _validity(r),
                    "audience": wording.audience_in_words(r.audience, owner=r.owner, names=names),
                    "counts": [row for row in _status_rows(counts.get(r.id, {})) if row["count"]],
                    "total": sum(counts.get(r.id, {}).values()),
                    "manages": r.owner_id in managed,
                }
                for r in rows
            ],
            "owner_items": [
                {"value": "", "text": "Any owner", "selected": not owner_slug},
                *[{"value": o.slug, "text": o.name, "selected": o.slug == owner_slug} for o in owners],
            ],
            "state_items": [
                {"value": "", "text": "Any state", "selected": state not in Requirement.State.values},
                *[{"value": v, "text": t, "selected": v == state} for v, t in Requirement.State.choices],
            ],
            "can_create": bool(managed),
        },
    )


def _validity(requirement: Requirement) -> str:
    if requirement.validity_months is None:
        return "Never expires"
    months = requirement.validity_months
    return f"{months} month{'s' if months != 1 else ''}"


# --- a requirement's page -------------------------------------------------------------------------


@login_required
def requirement_detail(request, requirement_uuid):
    seen = _require_reader(request.user)
    requirement = selectors.access_requirement(request.user, requirement_uuid)
    counts = counts_by_requirement(seen.figures, [requirement.id]).get(requirement.id, {})
    status = request.GET.get("status", "")
    people_page = None
    if seen.names.anything or seen.names.manager_id is not None:
        assignments: QuerySet = (
            selectors.assignments_named(request.user)
            .filter(requirement=requirement)
            .select_related("person", "unit")
            .order_by("person__last_name", "person__first_name", "id")
        )
        if status in Status.values:
            assignments = assignments.filter(status=status)
        people_page = Paginator(assignments, PAGE_SIZE).get_page(request.GET.get("page"))
    names = wording.names_for([requirement])
    return render(
        request,
        "compliance/requirements/detail.html",
        {
            "title": f"{requirement.code} {requirement.title}",
            "requirement": requirement,
            "description": [p.strip() for p in re.split(r"\r?\n\s*\n", requirement.description) if p.strip()],
            "settings": wording.settings_in_words(requirement),
            "audience": wording.audience_in_words(requirement.audience, owner=requirement.owner, names=names),
            "courses": list(requirement.course_links.select_related("course", "course__owner")),
            "prerequisites": list(requirement.prerequisites.select_related("owner").order_by("code")),
            "status_rows": _status_rows(counts),
            "total": sum(counts.values()),
            "people": people_page,
            "status": status if status in Status.values else "",
            "status_items": [
                {"value": "", "text": "Any status", "selected": status not in Status.values},
                *[{"value": s.value, "text": s.label, "selected": s.value == status} for s in STATUS_ORDER],
            ],
            "tags": {s.value: TAG_CLASSES[s] for s in Status},
            "labels": dict(Status.choices),
            "manages": _may_manage(request.user, requirement),
            "breadcrumbs": _crumbs(),
        },
    )


# --- create and edit ------------------------------------------------------------------------------


def _owner_for_new(request) -> tuple[Organisation | None, list[Organisation], OwnerForm | None]:
    """The owner of a new requirement: the one organisation the reader manages, or the one they
    chose (?owner=slug) among several."""
    owners = selectors.organisations_managed(request.user)
    if not owners:
        raise Http404("No such page")
    if len(owners) == 1:
        return owners[0], owners, None
    chosen = request.GET.get("owner", "")
    owner = next((o for o in owners if o.slug == chosen), None)
    owners = sorted(owners, key=lambda o: (not o.is_national_body, o.name))
    owner_form = OwnerForm({"owner": chosen} if chosen else None, owners=owners)
    if chosen and owner is None:
        owner_form.is_valid()
    return owner, owners, owner_form


@login_required
def requirement_new(request):
    owner, owners, owner_form = _owner_for_new(request)
    if owner is None:
        return render(
            request,
            "compliance/requirements/owner.html",
            {
                "title": "Create a requirement",
                "owner_form": owner_form,
                "form": owner_form if owner_form is not None and owner_form.errors else None,
                "breadcrumbs": _crumbs(),
            },
            status=400 if owner_form is not None and owner_form.errors else 200,
        )
    return _requirement_form(request, owner=owner, requirement=None, several_owners=len(owners) > 1)


@login_required
def requirement_edit(request, requirement_uuid):
    _require_reader(request.user)
    requirement = selectors.access_requirement_to_manage(request.user, requirement_uuid)
    return _requirement_form(request, owner=requirement.owner, requirement=requirement)


def _requirement_form(request, *, owner: Organisation, requirement: Requirement | None, several_owners=False):
    today = clock.today()
    choices = choices_for(owner, requirement, on=today)
    initial = initial_for(requirement) if requirement is not None else None
    form = RequirementForm(request.POST or None, owner=owner, choices=choices, on=today, initial=initial)
    audience_preview = None
    previewing = request.method == "POST" and request.POST.get("action") == "preview"
    status = 200
    if request.method == "POST":
        valid = form.is_valid()
        if previewing:
            form.keep_only_audience_errors()
            if not any(name in form.errors for name in AUDIENCE_FIELDS):
                try:
                    audience_preview = preview.audience_preview(
                        owner=owner,
                        audience=form.audience_data(),
                        requirement=requirement,
                        on=today,
                        names=selectors.sight(request.user).names,
                    )
                except audiences.AudienceError as error:
                    form.add_error("audience", str(error).capitalize())
        elif valid:
            try:
                saved = services.requirement_save(
                    actor=request.user,
                    owner=owner,
                    data=form.requirement_input(),
                    requirement=requirement,
                    at=clock.now(),
                )
            except PermissionDenied:
                raise Http404("No such requirement") from None
            except ValidationError as error:
                for key, problems in error.message_dict.items():
                    form.add_error(form.service_field(key), problems)
            else:
                messages.success(
                    request,
                    f"{saved.code} saved. Everyone in its audience has been brought up to date."
                    if requirement is not None
                    else f"{saved.code} created. Everyone in its audience has been assigned it.",
                )
                return redirect("compliance:requirement", saved.uuid)
        # htmx swaps only a successful answer: a preview's problems are shown in its region.
        if form.errors and not (previewing and request.headers.get("HX-Request")):
            status = 400
    title = f"Edit {requirement.code}" if requirement is not None else "Create a requirement"
    return render(
        request,
        "compliance/requirements/form.html",
        {
            "title": title,
            "form": form if form.errors else None,
            "requirement_form": form,
            "owner": owner,
            "several_owners": several_owners,
            "requirement": requirement,
            "preview": audience_preview,
            "preview_errors": [message for name in AUDIENCE_FIELDS for message in form.errors.get(name, [])]
            if previewing
            else [],
            "breadcrumbs": _crumbs(requirement),
        },
        status=status,
    )


# --- retire and restore ---------------------------------------------------------------------------

_STATE_CHANGES = {
    "retire": (
        Requirement.State.RETIRED,
        "Retire",
        "Nobody will be assigned it any more and it leaves the counts and reminders. "
        "Everyone's records and history are kept, and you can restore it later.",
    ),
    "restore": (
        Requirement.State.ACTIVE,
        "Restore",
        "Everyone in its audience is assigned it again, with their history as it was.",
    ),
}


def _state_change(request, requirement_uuid, change: str):
    _require_reader(request.user)
    requirement = selectors.access_requirement_to_manage(request.user, requirement_uuid)
    state, verb, consequence = _STATE_CHANGES[change]
    if request.method == "POST":
        try:
            services.requirement_set_state(
                actor=request.user, requirement=requirement, state=state, at=clock.now()
            )
        except PermissionDenied:
            raise Http404("No such requirement") from None
        messages.success(
            request,
            f"{requirement.code} is retired: nobody is assigned it any more. Records are kept."
            if state == Requirement.State.RETIRED
            else f"{requirement.code} is active again: everyone in its audience is assigned it.",
        )
        return redirect("compliance:requirement", requirement.uuid)
    return render(
        request,
        "compliance/requirements/state.html",
        {
            "title": f"{verb} {requirement.code}?",
            "requirement": requirement,
            "verb": verb,
            "consequence": consequence,
            "already": requirement.state == state,
            "breadcrumbs": _crumbs(requirement),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def requirement_retire(request, requirement_uuid):
    return _state_change(request, requirement_uuid, "retire")


@login_required
@require_http_methods(["GET", "POST"])
def requirement_restore(request, requirement_uuid):
    return _state_change(request, requirement_uuid, "restore")
