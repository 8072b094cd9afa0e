"""Who works the service desk: the bottom of the desk's layers, beside `sla` (every applet asks).

Desk staff hold the service-desk permission nationally (advisers, engineers at every tier, team
leaders, lead engineers, IT service managers); desk leads also hold the lead permission
nationally (team leaders, lead engineers, IT service managers; platform administrators hold
every permission). Roles and permissions themselves are organisations' (`organisations.api`).
"""

from __future__ import annotations

from django.db.models import QuerySet

from bluelamp.organisations.api import DEFINITIONS, Perm, RoleAssignment, access_for
from bluelamp.people.api import Person

DESK_ROLES = [role for role, definition in DEFINITIONS.items() if Perm.SERVICE_DESK in definition.permissions]


def is_desk_staff(person) -> bool:
    """Works the service desk: the service-desk permission, held nationally."""
    if person is None or not getattr(person, "is_authenticated", False):
        return False
    return access_for(person, Perm.SERVICE_DESK).national


def is_desk_lead(person) -> bool:
    """Leads the service desk: the service-desk lead permission, held nationally."""
    if person is None or not getattr(person, "is_authenticated", False):
        return False
    return access_for(person, Perm.SERVICE_DESK_LEAD).national


def desk_staff() -> QuerySet[Person]:
    """Everyone who may be assigned tickets: active people holding a desk role nationally."""
    holders = RoleAssignment.objects.current().filter(role__in=DESK_ROLES, organisation__isnull=True)
    return Person.objects.filter(pk__in=holders.values("person_id"), is_active=True).order_by(
        "last_name", "first_name"
    )
