"""Who may do what, where: the single place that turns role assignments into access.

A role held nationally covers everything; in an organisation, that organisation; at a unit,
that unit's subtree. Line managers implicitly see their direct reports. Roles held in an
organisation whose PL-P-101 licence is not in force confer nothing (records stay).
"""

from dataclasses import dataclass, field

from django.db.models import Q

from bluelamp.organisations.cache import role_assignments
from bluelamp.organisations.licensing import licensed_organisation_ids
from bluelamp.organisations.models import LicenceType, RoleAssignment
from bluelamp.organisations.roles import ADMINISTRATIVE_ROLES, DEFINITIONS, Perm, Role

_ALL_ATTR = "_bluelamp_all_assignments"
_CACHE_ATTR = "_bluelamp_assignments"
_DOMAIN_ATTR = "_bluelamp_in_licensed_domain"


@dataclass(frozen=True)
class Access:
    """Where a person may use one permission."""

    national: bool = False
    organisation_ids: frozenset[int] = frozenset()
    # (organisation id, materialised unit path) pairs: the unit and everything below it.
    unit_paths: frozenset[tuple[int, str]] = field(default_factory=frozenset)
    # For people queries only: the person's direct reports (line manager).
    manager_id: int | None = None

    @property
    def anything(self) -> bool:
        return self.national or bool(self.organisation_ids) or bool(self.unit_paths)

    def covers_organisation(self, organisation_id: int) -> bool:
        """The whole organisation is within scope."""
        return self.national or organisation_id in self.organisation_ids

    def touches_organisation(self, organisation_id: int) -> bool:
        """Some of the organisation is within scope."""
        return self.covers_organisation(organisation_id) or any(
            org_id == organisation_id for org_id, _ in self.unit_paths
        )

    def covers_unit(self, organisation_id: int, unit_path: str | None) -> bool:
        if self.covers_organisation(organisation_id):
            return True
        if not unit_path:
            return False
        return any(org_id == organisation_id and unit_path.startswith(p) for org_id, p in self.unit_paths)

    def organisation_ids_touched(self) -> set[int] | None:
        """None means every organisation."""
        if self.national:
            return None
        return set(self.organisation_ids) | {org_id for org_id, _ in self.unit_paths}

    def people_q(self, prefix: str = "") -> Q:
        """Filter for a queryset of people (or of rows with a person at `prefix`)."""
        if self.national:
            return Q()
        q = (
            Q(**{f"{prefix}organisation_id__in": self.organisation_ids})
            if self.organisation_ids
            else Q(pk__in=[])
        )
        for org_id, path in self.unit_paths:
            q |= Q(**{f"{prefix}organisation_id": org_id, f"{prefix}unit__path__startswith": path})
        if self.manager_id is not None:
            q |= Q(**{f"{prefix}line_manager_id": self.manager_id})
        return q

    def units_q(self) -> Q:
        if self.national:
            return Q()
        q = Q(organisation_id__in=self.organisation_ids) if self.organisation_ids else Q(pk__in=[])
        for org_id, path in self.unit_paths:
            q |= Q(organisation_id=org_id, path__startswith=path)
        return q


NO_ACCESS = Access()


def current_assignments(person) -> list[RoleAssignment]:
    """The person's assignments that confer something today (cached on the object)."""
    if person is None or not getattr(person, "is_authenticated", False) or not person.is_active:
        return []
    cached = getattr(person, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    assignments = _all_current(person)
    licensed = licensed_organisation_ids(LicenceType.DIGITAL_SERVICES)
    assignments = [a for a in assignments if a.organisation_id is None or a.organisation_id in licensed]
    setattr(person, _CACHE_ATTR, assignments)
    setattr(person, _DOMAIN_ATTR, person.organisation_id in licensed)
    return assignments


def _all_current(person) -> list[RoleAssignment]:
    """Every assignment of the person not revoked, licensed or not (cached on the object): one
    query answers both "is an administrator" (MFA, asked by the middleware on every page) and
    what the person may do."""
    cached = getattr(person, _ALL_ATTR, None)
    if cached is None:
        cached = role_assignments(person.pk)  # from the shared cache (organisations/cache.py)
        setattr(person, _ALL_ATTR, cached)
    return cached


def prime_role_assignments(person, assignments: list[RoleAssignment]) -> None:
    """Give `person` the assignments `role_assignments(person.pk)` would return, already read
    (with the person, in one round trip to the shared cache)."""
    setattr(person, _ALL_ATTR, assignments)


def _in_licensed_domain(person) -> bool:
    """The person's own organisation has its domain (PL-P-101 in force)."""
    current_assignments(person)
    return getattr(person, _DOMAIN_ATTR, False)


def forget_cached_access(person) -> None:
    for attr in (_ALL_ATTR, _CACHE_ATTR, _DOMAIN_ATTR):
        if hasattr(person, attr):
            delattr(person, attr)


def access_for(person, perm: Perm) -> Access:
    national = False
    org_ids: set[int] = set()
    unit_paths: set[tuple[int, str]] = set()
    for assignment in current_assignments(person):
        if perm not in DEFINITIONS[Role(assignment.role)].permissions:
            continue
        if assignment.organisation_id is None:
            national = True
        elif assignment.unit is None:
            org_ids.add(assignment.organisation_id)
        else:
            unit_paths.add((assignment.organisation_id, assignment.unit.path))
    manager_id = None
    # Line managers see their reports within their organisation's domain (PL-P-101).
    if perm == Perm.PEOPLE_VIEW and getattr(person, "is_authenticated", False) and person.is_active:
        manager_id = person.pk if _in_licensed_domain(person) else None
    if national:
        return Access(national=True, manager_id=manager_id)
    return Access(
        organisation_ids=frozenset(org_ids), unit_paths=frozenset(unit_paths), manager_id=manager_id
    )


def access_signature(person) -> tuple:
    """Everything `access_for(person, ...)` depends on, as a value: two people (or one person at
    two moments) with the same signature are allowed exactly the same. What is worked out from
    access alone (the header's navigation) may be kept under it."""
    if person is None or not getattr(person, "is_authenticated", False):
        return ("anonymous",)
    assignments = current_assignments(person)
    return (
        person.pk,
        person.is_active,
        person.organisation_id,
        _in_licensed_domain(person),
        tuple(sorted((a.role, a.organisation_id or 0, a.unit.path if a.unit else "") for a in assignments)),
    )


def has_perm_anywhere(person, perm: Perm) -> bool:
    return access_for(person, perm).anything


def is_administrator(person) -> bool:
    """Holds any administrative role (MFA required), whether or not its licence is in force."""
    if person is None or not getattr(person, "is_authenticated", False):
        return False
    return any(assignment.role in ADMINISTRATIVE_ROLES for assignment in _all_current(person))
