"""Pages for organisations, units, licences, role holders and the admin-privileges report."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from bluelamp.core.exports import csv_download
from bluelamp.core.forms import add_service_errors
from bluelamp.core.timefmt import LONDON
from bluelamp.organisations import selectors, services
from bluelamp.organisations.forms import (
    LicenceContactForm,
    LicenceForm,
    OrganisationEditForm,
    OrganisationForm,
    RevokeForm,
    SingleSignOnForm,
    UnitForm,
)
from bluelamp.organisations.licensing import licence_status
from bluelamp.organisations.models import LicenceType, Organisation, SingleSignOn
from bluelamp.organisations.permissions import access_for
from bluelamp.organisations.roles import DEFINITIONS, Perm


def _require_anywhere(user, perm: Perm):
    access = access_for(user, perm)
    if not access.anything:
        raise Http404("No such page")
    return access


# --- organisations ---------------------------------------------------------------------------


@login_required
def organisation_list(request):
    access = access_for(request.user, Perm.ORGANISATIONS_MANAGE)
    if not access.national:
        raise Http404("No such page")
    organisations = list(Organisation.objects.order_by("kind", "name"))
    statuses = (
        {(o.pk, t): licence_status(organisation=o, type=t) for o in organisations for t in LicenceType.values}
        if len(organisations) <= 200
        else {}
    )
    return render(
        request,
        "organisations/list.html",
        {
            "title": "Organisations",
            "organisations": organisations,
            "statuses": statuses,
            "types": LicenceType.values,
        },
    )


@login_required
def organisation_create(request):
    if not access_for(request.user, Perm.ORGANISATIONS_MANAGE).national:
        raise Http404("No such page")
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{organisation.name} has been created.")
            return redirect("organisations:detail", slug=organisation.slug)
    return render(
        request,
        "organisations/form.html",
        {
            "title": "Add an organisation",
            "form": form,
            "breadcrumbs": [{"text": "Organisations", "href": "/organisations/"}],
        },
    )


@require_GET
def organisation_logo(request, slug):
    """An organisation's logo, for its branded header: public, like the header it sits in. Uploads
    are never served from /media/; each kind of file has a view that decides who may have it."""
    organisation = Organisation.objects.filter(slug=slug).exclude(logo="").only("slug", "logo").first()
    if organisation is None:
        raise Http404("No such logo")
    try:
        handle = organisation.logo.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("No such logo") from None
    name = organisation.logo.name.rsplit("/", 1)[-1]
    response = FileResponse(
        handle, content_type=_LOGO_TYPES.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")
    )
    # An SVG opened on its own must not run script on our origin.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


_LOGO_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "svg": "image/svg+xml",
}


@login_required
def organisation_detail(request, slug):
    organisation = selectors.access_organisation(request.user, slug, Perm.ORGANISATION_EDIT)
    access = access_for(request.user, Perm.ORGANISATION_EDIT)
    if not access.covers_organisation(organisation.pk):
        raise Http404("No such organisation")
    can_change_kind = access_for(request.user, Perm.ORGANISATIONS_MANAGE).national
    initial = {
        "name": organisation.name,
        "kind": organisation.kind,
        "host_name": organisation.host_name or "",
        "brand_colour": organisation.brand_colour,
    }
    form = OrganisationEditForm(
        request.POST or None, request.FILES or None, initial=initial, can_change_kind=can_change_kind
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        logo = data.pop("logo", None)
        clear_logo = data.pop("clear_logo", False)
        try:
            services.organisation_update(
                actor=request.user, organisation=organisation, logo=logo, clear_logo=clear_logo, **data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            organisation.refresh_from_db()
        else:
            messages.success(request, "The organisation's details have been saved.")
            return redirect("organisations:detail", slug=organisation.slug)
    licences = selectors.licences_visible(request.user).filter(organisation=organisation)
    return render(
        request,
        "organisations/detail.html",
        {
            "title": organisation.name,
            "organisation": organisation,
            "form": form,
            "licences": licences,
            "statuses": [licence_status(organisation=organisation, type=t) for t in LicenceType.values],
            "breadcrumbs": [{"text": "Organisations", "href": "/organisations/"}] if can_change_kind else [],
        },
    )


# --- units -----------------------------------------------------------------------------------


def _organisation_for_units(request) -> Organisation:
    access = _require_anywhere(request.user, Perm.UNITS_MANAGE)
    slug = request.GET.get("org") or request.POST.get("org")
    if slug:
        return selectors.access_organisation(request.user, slug, Perm.UNITS_MANAGE)
    if access.touches_organisation(request.user.organisation_id):
        return request.user.organisation
    first = selectors.organisations_visible(request.user, Perm.UNITS_MANAGE).first()
    if first is None:
        raise Http404("No such page")
    return first


@login_required
def units(request):
    organisation = _organisation_for_units(request)
    access = access_for(request.user, Perm.UNITS_MANAGE)
    tree = [
        row
        for row in selectors.unit_tree(organisation)
        if access.covers_unit(organisation.pk, row["unit"].path)
    ]
    parents = [row["unit"] for row in tree]
    form = UnitForm(request.POST or None, units=parents)
    if request.method == "POST" and form.is_valid():
        parent = None
        if form.cleaned_data["parent"]:
            parent = selectors.access_unit(request.user, form.cleaned_data["parent"], Perm.UNITS_MANAGE)
        try:
            unit = services.unit_create(
                actor=request.user,
                organisation=organisation,
                name=form.cleaned_data["name"],
                code=form.cleaned_data["code"],
                parent=parent,
            )
        except PermissionDenied:
            # Someone who manages part of the organisation named no parent unit.
            form.add_error(
                "parent", "Choose the unit this belongs to; you manage part of the organisation only."
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Unit “{unit.full_path}” has been added.")
            return redirect(f"{request.path}?org={organisation.slug}")
    return render(
        request,
        "organisations/units.html",
        {
            "title": f"Units — {organisation.name}",
            "organisation": organisation,
            "tree": tree,
            "form": form,
            "organisations": selectors.organisations_visible(request.user, Perm.UNITS_MANAGE),
        },
    )


@login_required
def unit_edit(request, unit_id):
    unit = selectors.access_unit(request.user, unit_id, Perm.UNITS_MANAGE)
    form = UnitForm(request.POST or None, initial={"name": unit.name, "code": unit.code}, units=[])
    del form.fields["parent"]
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_rename(
                actor=request.user, unit=unit, name=form.cleaned_data["name"], code=form.cleaned_data["code"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The unit has been renamed.")
            return redirect(f"/organisations/units/?org={unit.organisation.slug}")
    return render(
        request,
        "organisations/form.html",
        {
            "title": f"Rename {unit.full_path}",
            "form": form,
            "breadcrumbs": [{"text": "Units", "href": f"/organisations/units/?org={unit.organisation.slug}"}],
        },
    )


# --- licences --------------------------------------------------------------------------------


@login_required
def licences(request):
    _require_anywhere(request.user, Perm.LICENCES_VIEW)
    items = selectors.licences_visible(request.user)
    org = request.GET.get("org")
    if org:
        items = items.filter(organisation__slug=org)
    return render(
        request,
        "organisations/licences.html",
        {
            "title": "Licences",
            "licences": items,
            "can_manage": access_for(request.user, Perm.LICENCES_MANAGE).national,
        },
    )


@login_required
def licence_create(request):
    if not access_for(request.user, Perm.LICENCES_MANAGE).national:
        raise Http404("No such page")
    organisations = Organisation.objects.exclude(kind=Organisation.Kind.NATIONAL_BODY)
    form = LicenceForm(
        request.POST or None,
        organisations=organisations,
        initial={"organisation": request.GET.get("organisation")},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organisation = get_object_or_404(Organisation, pk=data.pop("organisation"))
        try:
            licence = services.licence_create(actor=request.user, organisation=organisation, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Licence {licence.reference} has been added.")
            return redirect("organisations:licence", licence_id=licence.pk)
    return render(
        request,
        "organisations/form.html",
        {
            "title": "Add a licence",
            "form": form,
            "breadcrumbs": [{"text": "Licences", "href": "/organisations/licences/"}],
        },
    )


@login_required
def licence_detail(request, licence_id):
    licence = selectors.access_licence(request.user, licence_id)
    can_manage = access_for(request.user, Perm.LICENCES_MANAGE).national
    form = None
    contact_form = None
    if can_manage:
        fields = ["type", "reference", "starts_on", "ends_on", "status", "notes", "shares_names_nationally"]
        initial = {f: getattr(licence, f) for f in fields}
        form = LicenceForm(request.POST if request.POST.get("form") == "licence" else None, initial=initial)
        contact_form = LicenceContactForm(request.POST if request.POST.get("form") == "contact" else None)
        if request.method == "POST" and form.is_bound and form.is_valid():
            try:
                services.licence_update(actor=request.user, licence=licence, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "The licence has been saved.")
                return redirect("organisations:licence", licence_id=licence.pk)
        if request.method == "POST" and contact_form.is_bound and contact_form.is_valid():
            try:
                services.licence_contact_add(actor=request.user, licence=licence, **contact_form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(contact_form, exc)
            else:
                messages.success(request, f"{contact_form.cleaned_data['name']} is now a key contact.")
                return redirect("organisations:licence", licence_id=licence.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "organisations/licence.html",
        {
            "title": f"Licence {licence.reference}",
            "licence": licence,
            "form": form,
            "contact_form": contact_form,
            "can_manage": can_manage,
            "breadcrumbs": [{"text": "Licences", "href": "/organisations/licences/"}],
        },
    )


@login_required
@require_POST
def licence_contact_remove(request, contact_id):
    contact = selectors.access_licence_contact(request.user, contact_id)
    licence_id = contact.licence_id
    services.licence_contact_remove(actor=request.user, contact=contact)
    messages.success(request, f"{contact.name} is no longer a key contact.")
    return redirect("organisations:licence", licence_id=licence_id)


# --- roles -----------------------------------------------------------------------------------


@login_required
def roles(request):
    _require_anywhere(request.user, Perm.ROLES_VIEW)
    organisations = selectors.organisations_visible(request.user, Perm.ROLES_VIEW)
    org_slug = request.GET.get("org", "")
    organisation = organisations.filter(slug=org_slug).first() if org_slug else None
    report = selectors.admin_privileges(request.user, organisation=organisation)
    if request.GET.get("format") == "csv":
        return _privileges_csv(report)
    assignments = selectors.role_assignments_visible(request.user)
    if organisation is not None:
        assignments = assignments.filter(organisation=organisation)
    role = request.GET.get("role", "")
    if role:
        assignments = assignments.filter(role=role)
    return render(
        request,
        "organisations/roles.html",
        {
            "title": "Roles and administrative privileges",
            "report": report,
            "assignments": assignments.order_by("role", "person__last_name")[:500],
            "organisations": organisations,
            "organisation": organisation,
            "role": role,
            "definitions": DEFINITIONS.values(),
        },
    )


def _privileges_csv(report) -> HttpResponse:
    return csv_download(
        filename="admin-privileges.csv",
        header=[
            "name",
            "email",
            "person's organisation",
            "role",
            "scope",
            "since (Europe/London)",
            "granted by",
        ],
        rows=(
            [
                a.person.get_full_name(),
                a.person.email,
                a.person.organisation.name,
                a.get_role_display(),
                a.scope_label,
                a.granted_at.astimezone(LONDON).isoformat(),
                a.granted_by.get_full_name() if a.granted_by else "operator (command line)",
            ]
            for a in report
        ),
    )


@login_required
def role_revoke(request, assignment_id):
    assignment = selectors.access_role_assignment(request.user, assignment_id)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_revoke(
                actor=request.user, assignment=assignment, reason=form.cleaned_data["reason"]
            )
        except PermissionDenied:
            raise Http404("No such role assignment") from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{assignment.person} no longer holds {assignment.get_role_display()} "
                f"({assignment.scope_label}).",
            )
            return redirect("people:detail", person_id=assignment.person_id)
    return render(
        request,
        "organisations/revoke.html",
        {
            "title": "Revoke a role",
            "assignment": assignment,
            "form": form,
        },
    )


# --- single sign-on --------------------------------------------------------------------------


def _callback_urls(request, organisation: Organisation, provider_id: str) -> list[str]:
    """The redirect URIs to register with the identity provider: the organisation's own domain
    and the shared address, as allauth builds them from the host people sign in on."""
    path = reverse("openid_connect_callback", kwargs={"provider_id": provider_id})
    protocol = settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL
    hosts = [organisation.host_name] if organisation.host_name else []
    hosts.append(urlsplit(settings.SITE_URL).netloc or request.get_host())
    return list(dict.fromkeys(f"{protocol}://{host}{path}" for host in hosts))


@sensitive_post_parameters("client_secret")
@login_required
def single_sign_on(request, slug):
    organisation = selectors.access_organisation(request.user, slug, Perm.ORGANISATION_EDIT)
    if not access_for(request.user, Perm.ORGANISATION_EDIT).covers_organisation(organisation.pk):
        raise Http404("No such organisation")
    sso = SingleSignOn.objects.select_related("social_app").filter(organisation=organisation).first()
    if sso:
        initial = {
            "server_url": sso.server_url,
            "client_id": sso.social_app.client_id,
            "allowed_email_domains": ", ".join(sso.allowed_email_domains),
            "create_unknown_people": sso.create_unknown_people,
            "enabled": sso.enabled,
        }
    else:
        initial = {"enabled": True}
    form = SingleSignOnForm(request.POST or None, initial=initial, has_secret=sso is not None)
    if request.method == "POST" and form.is_valid():
        try:
            services.single_sign_on_save(actor=request.user, organisation=organisation, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Single sign-on for {organisation.name} has been saved.")
            return redirect("organisations:single_sign_on", slug=organisation.slug)
    return render(
        request,
        "organisations/single_sign_on.html",
        {
            "title": f"Single sign-on — {organisation.name}",
            "organisation": organisation,
            "sso": sso,
            "form": form,
            "callback_urls": _callback_urls(request, organisation, f"sso-{organisation.slug}"),
            "breadcrumbs": [
                {"text": organisation.name, "href": reverse("organisations:detail", args=[slug])}
            ],
        },
    )
