"""Who works the service desk: the bottom of the desk's layers, beside `sla` (every applet asks).

Desk staff hold the service-desk permission nationally (advisers, engineers at every tier, team
leaders, lead engineers, IT service managers); desk leads also hold the lead permission
nationally (team leaders, lead engineers, IT service managers; platform administrators hold
every permission). Roles and permissions themselves are organisations' (`organisations.api`).

Who they are (id and name, for the "assign to" lists and the queue's assignee column) is kept in
the shared cache for DESK_CACHE_SECONDS, under people's own version (`people.api.people_version`:
any save or delete of a person, and the HR import's bulk writes, move it) and a generation that
any save or delete of a role assignment moves, as does a people-changed report (registered by
plugins.py).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from bluelamp.core.sharedcache import Generation, read_through
from bluelamp.organisations.api import DEFINITIONS, Perm, RoleAssignment, access_for
from bluelamp.people.api import Person, people_version

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


_STAFF = "servicedesk:staff:v2:{generation}:{shared}:{people}"
_people = Generation("servicedesk-staff")
# Part of every key: the test suite moves each test onto new keys (its rollbacks send no signal).
_generation = 0


def desk_staff_choices() -> list[tuple[int, str]]:
    """(id, full name) of everyone in `desk_staff()`, in its order, from the shared cache."""
    return read_through(
        settings.DESK_CACHE_SECONDS,
        lambda: _STAFF.format(generation=_generation, shared=_people.current(), people=people_version()),
        lambda: [(p.pk, p.get_full_name()) for p in desk_staff().only("first_name", "last_name")],
    )


def staff_generation() -> str:
    """Changes whenever a person or a role assignment changes: part of the key of anything cached
    that shows people's names or who works the desk."""
    return f"{_generation}.{_people.current()}.{people_version()}"


def forget_staff() -> None:
    """Drop the cached staff list and names (now and on commit)."""
    _people.bump()


def forget_all() -> None:
    """This process stops reading anything cached so far (the test suite, around every test)."""
    global _generation
    _generation += 1
    _people.forget_local()


def people_changed(*, person_ids: list[int], at: dt.datetime) -> None:
    """The people-changed listener (plugins.py): an HR import's leavers, say, leave the lists."""
    forget_staff()


@receiver([post_save, post_delete], sender=RoleAssignment, dispatch_uid="servicedesk-staff-role")
def _role_changed(sender, instance: RoleAssignment, **kwargs) -> None:
    forget_staff()
