"""Pages for people: search, profile, edit, roles, transfer, and the HR import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from bluelamp.core.forms import add_service_errors
from bluelamp.organisations.api import (
    DEFINITIONS,
    GRANTABLE_ROLES,
    Organisation,
    Perm,
    Scope,
    Unit,
    access_for,
    organisations_visible,
    role_grant,
    roles_of,
    units_in_scope,
)
from bluelamp.people import selectors, services
from bluelamp.people.forms import GrantRoleForm, ImportForm, PersonFilterForm, PersonForm, TransferForm
from bluelamp.people.importing import import_apply_start, import_check_start
from bluelamp.people.models import ImportRun, Person


@login_required
def me(request):
    return redirect("people:detail", person_id=request.user.pk)


@login_required
def person_list(request):
    access = access_for(request.user, Perm.PEOPLE_VIEW)
    organisations = organisations_visible(request.user, Perm.PEOPLE_VIEW)
    units = units_in_scope(request.user, Perm.PEOPLE_VIEW)
    org_param = request.GET.get("organisation")
    if org_param and org_param.isdigit():
        units = units.filter(organisation_id=int(org_param))
    elif organisations.count() > 1:
        units = units.none()  # choose an organisation first
    form = PersonFilterForm(request.GET or None, organisations=organisations, units=units[:2000])
    filters = form.cleaned_data if form.is_valid() else {}
    unit = None
    if filters.get("unit"):
        unit = Unit.objects.filter(pk=filters["unit"]).first()
    people = selectors.people_search(
        request.user,
        query=filters.get("q", ""),
        organisation_id=filters.get("organisation"),
        unit=unit,
        rank=filters.get("rank", ""),
        status=filters.get("status", ""),
    )
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    template = "people/_results.html" if request.htmx else "people/list.html"  # htmx swaps #results only
    return render(
        request,
        template,
        {
            "title": "People",
            "form": form,
            "page": page,
            "can_add": access_for(request.user, Perm.PEOPLE_MANAGE).anything,
            "only_reports": not (access.national or access.organisation_ids or access.unit_paths),
        },
    )


def _grant_form_options(actor, person: Person):
    grant = access_for(actor, Perm.ROLES_GRANT)
    places: list[tuple[str, str]] = []
    if person.organisation.is_national_body:
        if grant.national:
            places.append(("national", "National"))
    else:
        if grant.covers_organisation(person.organisation_id):
            places.append((f"org:{person.organisation_id}", f"All of {person.organisation.name}"))
        for unit in units_in_scope(actor, Perm.ROLES_GRANT, person.organisation)[:1000]:
            places.append((f"unit:{unit.pk}", unit.full_path))
    roles = [
        (d.role.value, d.role.label)
        for d in GRANTABLE_ROLES
        if (not d.national_body_only or person.organisation.is_national_body)
        and (
            Scope.NATIONAL in d.scopes
            if person.organisation.is_national_body
            else bool(d.scopes & {Scope.ORGANISATION, Scope.UNIT})
        )
    ]
    return roles, places


@login_required
def person_detail(request, person_id):
    person = selectors.access_person(request.user, person_id)
    roles, places = _grant_form_options(request.user, person)
    grant_form = None
    if places and person.is_active:
        grant_form = GrantRoleForm(request.POST or None, roles=roles, places=places)
        if request.method == "POST" and grant_form.is_valid():
            where = grant_form.cleaned_data["where"]
            organisation = unit = None
            if where.startswith("org:"):
                organisation = person.organisation
            elif where.startswith("unit:"):
                unit = Unit.objects.filter(pk=int(where[5:]), organisation=person.organisation).first()
                if unit is None:
                    raise Http404("No such unit")
            try:
                assignment = role_grant(
                    actor=request.user,
                    person=person,
                    role=grant_form.cleaned_data["role"],
                    organisation=organisation,
                    unit=unit,
                    reason=grant_form.cleaned_data["reason"],
                )
            except PermissionDenied:
                grant_form.add_error("where", "You cannot grant roles there.")
            except ValidationError as exc:
                add_service_errors(grant_form, exc)
            else:
                note = ""
                if DEFINITIONS[assignment.role].administrative:
                    note = " It is administrative, so they must set up two-factor sign-in when they next sign in."
                messages.success(
                    request,
                    f"{person} now holds {assignment.get_role_display()} ({assignment.scope_label}).{note}",
                )
                return redirect("people:detail", person_id=person.pk)
    elif request.method == "POST":
        raise Http404("No such page")
    grant_access = access_for(request.user, Perm.ROLES_GRANT)
    assignments = [
        (
            a,
            grant_access.covers_unit(a.organisation_id, a.unit.path if a.unit_id else None)
            if a.organisation_id
            else grant_access.national,
        )
        for a in roles_of(person)
    ]
    manage = access_for(request.user, Perm.PEOPLE_MANAGE)
    unit_path = person.unit.path if person.unit_id else None
    # Who reads a learner record: their line manager and training administrators in scope (the
    # record page checks the same again; this only decides whether to offer the link).
    can_see_learning = person.line_manager_id == request.user.pk or access_for(
        request.user, Perm.LEARNING_MANAGE
    ).covers_unit(person.organisation_id, unit_path)
    return render(
        request,
        "people/detail.html",
        {
            "title": person.get_full_name(),
            "person": person,
            "assignments": assignments,
            "grant_form": grant_form,
            "can_edit": manage.covers_unit(
                person.organisation_id, person.unit.path if person.unit_id else None
            ),
            "can_transfer": manage.national,
            "can_see_learning": can_see_learning,
            "transfers": person.transfers.select_related("from_organisation", "to_organisation"),
            "reports": person.reports.order_by("last_name")[:100],
            "breadcrumbs": [{"text": "People", "href": "/people/"}],
        },
    )


def _person_form_kwargs(actor, organisation) -> dict:
    return {"units": list(units_in_scope(actor, Perm.PEOPLE_MANAGE, organisation)[:5000])}


def _resolve_manager(organisation, staff_number: str, form):
    if not staff_number:
        return None
    manager = Person.objects.filter(organisation=organisation, staff_number=staff_number.strip()).first()
    if manager is None:
        form.add_error("line_manager", f"No one in {organisation} has staff number {staff_number}.")
    return manager


@login_required
def person_edit(request, person_id):
    person = selectors.access_person(request.user, person_id, Perm.PEOPLE_MANAGE)
    initial = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "staff_number": person.staff_number,
        "unit": person.unit_id,
        "rank": person.rank,
        "job_role": person.job_role,
        "employment_start_date": person.employment_start_date,
        "line_manager": person.line_manager.staff_number if person.line_manager_id else "",
        "status": person.status,
    }
    form = PersonForm(
        request.POST or None, initial=initial, **_person_form_kwargs(request.user, person.organisation)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["line_manager"] = _resolve_manager(person.organisation, data["line_manager"], form)
        data["unit"] = (
            Unit.objects.filter(pk=data["unit"], organisation=person.organisation).first()
            if data["unit"]
            else None
        )
        if not form.errors:
            try:
                services.person_update(actor=request.user, person=person, **data)
            except PermissionDenied:
                form.add_error("unit", "You cannot move people to that unit.")
            except ValidationError as exc:
                add_service_errors(form, exc)
                person.refresh_from_db()
            else:
                messages.success(request, "The person's details have been saved.")
                return redirect("people:detail", person_id=person.pk)
    return render(
        request,
        "people/form.html",
        {
            "title": f"Edit {person.get_full_name()}",
            "form": form,
            "breadcrumbs": [
                {"text": "People", "href": "/people/"},
                {"text": person.get_full_name(), "href": f"/people/{person.pk}/"},
            ],
        },
    )


@login_required
def person_add(request):
    access = access_for(request.user, Perm.PEOPLE_MANAGE)
    if not access.anything:
        raise Http404("No such page")
    organisations = [
        o
        for o in organisations_visible(request.user, Perm.PEOPLE_MANAGE)
        if access.touches_organisation(o.pk)
    ]
    slug = request.GET.get("org") or request.POST.get("org")
    organisation = next((o for o in organisations if o.slug == slug), None) if slug else None
    if slug and organisation is None:
        raise Http404("No such organisation")
    organisation = organisation or next(
        (o for o in organisations if o.pk == request.user.organisation_id),
        organisations[0] if organisations else None,
    )
    if organisation is None:
        raise Http404("No such page")
    form = PersonForm(
        request.POST or None, initial={"status": "active"}, **_person_form_kwargs(request.user, organisation)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("status")
        data["line_manager"] = _resolve_manager(organisation, data["line_manager"], form)
        data["unit"] = (
            Unit.objects.filter(pk=data["unit"], organisation=organisation).first() if data["unit"] else None
        )
        if not form.errors:
            try:
                person = services.person_create(actor=request.user, organisation=organisation, **data)
            except PermissionDenied:
                form.add_error("unit", "Choose a unit you manage.")
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"{person} has been added. They can set a password with “Forgot your password?” on the sign-in page.",
                )
                return redirect("people:detail", person_id=person.pk)
    return render(
        request,
        "people/form.html",
        {
            "title": f"Add a person to {organisation.name}",
            "form": form,
            "org_slug": organisation.slug,
            "breadcrumbs": [{"text": "People", "href": "/people/"}],
        },
    )


@login_required
def person_transfer(request, person_id):
    person = selectors.access_person(request.user, person_id, Perm.PEOPLE_MANAGE)
    if not access_for(request.user, Perm.PEOPLE_MANAGE).national:
        raise Http404("No such page")
    organisations = Organisation.objects.exclude(pk=person.organisation_id)
    form = TransferForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        to = Organisation.objects.get(pk=form.cleaned_data["to_organisation"])
        try:
            services.person_transfer(
                actor=request.user,
                person=person,
                to_organisation=to,
                staff_number=form.cleaned_data["staff_number"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{person} has moved to {to}. Their record came with them.")
            return redirect("people:detail", person_id=person.pk)
    return render(
        request,
        "people/form.html",
        {
            "title": f"Move {person.get_full_name()} to another organisation",
            "form": form,
            "intro": "Their learning record and history move with them. Roles held in their current organisation end.",
            "breadcrumbs": [{"text": person.get_full_name(), "href": f"/people/{person.pk}/"}],
        },
    )


# --- HR import -------------------------------------------------------------------------------


def _import_organisations(user):
    access = access_for(user, Perm.PEOPLE_IMPORT)
    if not (access.national or access.organisation_ids):
        raise Http404("No such page")
    orgs = (
        Organisation.objects.all()
        if access.national
        else Organisation.objects.filter(pk__in=access.organisation_ids)
    )
    return access, orgs.order_by("name")


@login_required
def import_start(request):
    access, organisations = _import_organisations(request.user)
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        organisations=organisations,
        initial={"organisation": request.user.organisation_id},
    )
    if request.method == "POST" and form.is_valid():
        organisation = organisations.get(pk=form.cleaned_data["organisation"])
        run = import_check_start(
            actor=request.user, organisation=organisation, upload=form.cleaned_data["file"]
        )
        return redirect("people:import_run", run_uuid=run.uuid)
    runs = ImportRun.objects.select_related("organisation", "started_by")
    if not access.national:
        runs = runs.filter(organisation_id__in=access.organisation_ids)
    return render(request, "people/import.html", {"title": "Import people", "form": form, "runs": runs[:20]})


@login_required
def import_run(request, run_uuid):
    run = selectors.access_import_run(request.user, run_uuid)
    pending = run.outcome == ImportRun.Outcome.PENDING
    if request.htmx and not pending:
        return HttpResponse(headers={"HX-Refresh": "true"})  # finished: show the whole report
    template = "people/_import_progress.html" if pending and request.htmx else "people/import_run.html"
    return render(
        request,
        template,
        {
            "title": f"Import of {run.file_name}",
            "run": run,
            "pending": pending,
            "can_apply": run.outcome == ImportRun.Outcome.VALID and bool(run.stored_file),
            # A failed apply changed nothing and gave the file back to its check: apply it from there.
            "retry": run.checked_run
            if run.outcome == ImportRun.Outcome.FAILED and run.checked_run_id and run.checked_run.stored_file
            else None,
            "breadcrumbs": [{"text": "Import people", "href": "/people/import/"}],
        },
    )


@login_required
@require_POST
def import_apply(request, run_uuid):
    checked = selectors.access_import_run(request.user, run_uuid)
    run = import_apply_start(actor=request.user, checked=checked)
    if run is not None:
        return redirect("people:import_run", run_uuid=run.uuid)  # started now, or earlier
    messages.error(request, "Only a checked file without errors can be applied. Upload it again.")
    return redirect("people:import_run", run_uuid=checked.uuid)
