"""Reads for organisations, units, licences and roles, always through the reader's access."""

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Length, Substr
from django.http import Http404

from bluelamp.organisations.models import (
    Licence,
    LicenceContact,
    Organisation,
    RoleAssignment,
    RoleAssignmentQuerySet,
    SingleSignOn,
    Unit,
)
from bluelamp.organisations.permissions import Access, access_for
from bluelamp.organisations.roles import ADMINISTRATIVE_ROLES, Perm


def organisations_visible(person, perm: Perm = Perm.PEOPLE_VIEW) -> QuerySet[Organisation]:
    access = access_for(person, perm)
    orgs = Organisation.objects.all()
    if access.national:
        return orgs
    ids = access.organisation_ids_touched() or set()
    if perm == Perm.PEOPLE_VIEW or not ids:
        ids = set(ids) | {person.organisation_id}
    return orgs.filter(pk__in=ids)


def access_organisation(person, slug: str, perm: Perm) -> Organisation:
    """The organisation if `person` may use `perm` in some of it; 404 otherwise (same as missing)."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None or not access_for(person, perm).touches_organisation(organisation.pk):
        raise Http404("No such organisation")
    return organisation


def units_in_scope(person, perm: Perm, organisation: Organisation | None = None) -> QuerySet[Unit]:
    units = Unit.objects.filter(access_for(person, perm).units_q()).select_related("organisation")
    if organisation is not None:
        units = units.filter(organisation=organisation)
    return units.order_by("organisation__name", "full_path")


def access_unit(person, unit_id: int, perm: Perm) -> Unit:
    unit = Unit.objects.select_related("organisation").filter(pk=unit_id).first()
    if unit is None or not access_for(person, perm).covers_unit(unit.organisation_id, unit.path):
        raise Http404("No such unit")
    return unit


def units_visible(person) -> QuerySet[Unit]:
    """Units the person may see: those where they manage units, and those where they see people
    (the people pages offer these as filters)."""
    return units_in_scope(person, Perm.UNITS_MANAGE) | units_in_scope(person, Perm.PEOPLE_VIEW)


def with_parent_id(units: QuerySet[Unit]) -> QuerySet[Unit]:
    """Annotate each unit with its parent's id in the same query (treebeard would ask per unit)."""
    parent = Unit.objects.filter(
        organisation_id=OuterRef("organisation_id"),
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Unit.steplen),
    ).values("pk")[:1]
    return units.annotate(parent_id=Subquery(parent))


def unit_tree(organisation: Organisation) -> list[dict]:
    """Units in tree order, siblings by name, with depth and head-count (two queries)."""
    units = _sorted_tree(list(Unit.objects.filter(organisation=organisation)))
    counts = dict(
        Unit.objects.filter(organisation=organisation)
        .annotate(n=Count("people", filter=Q(people__status="active")))
        .values_list("pk", "n")
    )
    return [{"unit": u, "depth": u.depth - 1, "people": counts.get(u.pk, 0)} for u in units]


def _sorted_tree(units: list[Unit]) -> list[Unit]:
    """Depth-first, each unit's children in name order (units are stored in creation order)."""
    children: dict[str, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.path[: -Unit.steplen], []).append(unit)
    ordered: list[Unit] = []
    stack = sorted(children.get("", []), key=lambda u: u.name.casefold(), reverse=True)
    while stack:
        unit = stack.pop()
        ordered.append(unit)
        stack.extend(sorted(children.get(unit.path, []), key=lambda u: u.name.casefold(), reverse=True))
    return ordered


def licences_visible(person) -> QuerySet[Licence]:
    access = access_for(person, Perm.LICENCES_VIEW)
    licences = Licence.objects.select_related("organisation").prefetch_related("contacts")
    if access.national:
        return licences
    return licences.filter(organisation_id__in=access.organisation_ids_touched() or set())


def access_licence(person, licence_id: int, perm: Perm = Perm.LICENCES_VIEW) -> Licence:
    licence = Licence.objects.select_related("organisation").filter(pk=licence_id).first()
    if licence is None or not access_for(person, perm).touches_organisation(licence.organisation_id):
        raise Http404("No such licence")
    return licence


def access_licence_contact(person, contact_id: int) -> LicenceContact:
    """A licence's key contact, for those who keep the register (licences.manage nationally); 404
    otherwise, the same as for one that does not exist."""
    contact = LicenceContact.objects.select_related("licence__organisation").filter(pk=contact_id).first()
    if contact is None or not access_for(person, Perm.LICENCES_MANAGE).national:
        raise Http404("No such contact")
    return contact


def _assignments_in(access: Access) -> RoleAssignmentQuerySet:
    assignments = RoleAssignment.objects.select_related(
        "person", "person__organisation", "organisation", "unit", "granted_by"
    )
    if access.national:
        return assignments
    q = Q(organisation_id__in=access.organisation_ids) if access.organisation_ids else Q(pk__in=[])
    for org_id, path in access.unit_paths:
        q |= Q(organisation_id=org_id, unit__path__startswith=path)
    return assignments.filter(q)


def role_assignments_visible(person, *, include_revoked: bool = False) -> QuerySet[RoleAssignment]:
    assignments = _assignments_in(access_for(person, Perm.ROLES_VIEW))
    return assignments if include_revoked else assignments.current()


def admin_privileges(person, *, organisation: Organisation | None = None) -> QuerySet[RoleAssignment]:
    """Who holds administrative privileges, where and since when, within the reader's scope."""
    assignments = role_assignments_visible(person).filter(role__in=ADMINISTRATIVE_ROLES)
    if organisation is not None:
        assignments = assignments.filter(organisation=organisation)
    return assignments.order_by("organisation__name", "person__last_name", "person__first_name", "role")


def access_role_assignment(person, assignment_id: int) -> RoleAssignment:
    assignment = role_assignments_visible(person).filter(pk=assignment_id).first()
    if assignment is None:
        raise Http404("No such role assignment")
    return assignment


def roles_of(person_obj) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.current().filter(person=person_obj).select_related("organisation", "unit")


def single_sign_on_offered(organisation: Organisation | None) -> SingleSignOn | None:
    """The organisation's single sign-on if people may use it now (for the sign-in page)."""
    if organisation is None:
        return None
    return (
        SingleSignOn.objects.select_related("social_app", "organisation")
        .filter(organisation=organisation, enabled=True)
        .first()
    )


def single_sign_on_for_app(social_app) -> SingleSignOn | None:
    """Whose identity provider an allauth SocialApp is; None for an app no organisation owns."""
    if social_app is None or social_app.pk is None:
        return None
    return (
        SingleSignOn.objects.select_related("organisation", "social_app")
        .filter(social_app=social_app)
        .first()
    )


def enabled_single_sign_on_app_ids() -> set[int]:
    return set(SingleSignOn.objects.filter(enabled=True).values_list("social_app_id", flat=True))
