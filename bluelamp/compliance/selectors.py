"""Reads for mandatory training and the `access_*` helpers: a requirement or a person that is not
the actor's to see is "not found", the same as one that does not exist.

Who sees what:
- requirements: the national body's (where the actor's organisation holds PL-P-200, and at the
  national body) and their own organisation's;
- people's standing by name: training administrators (and organisation administrators) over their
  scope, report viewers over theirs, line managers over their direct reports, the national body
  over every force whose licence shares names with it (`Licence.shares_names_nationally`);
- figures (counts without names): the same, and the national body for every force.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from bluelamp.compliance.evaluation import _scope, local_day, national_body_ids
from bluelamp.compliance.models import Assignment, Requirement
from bluelamp.organisations.api import Access, Organisation, Perm, access_for
from bluelamp.people.api import Person


def _national_id() -> int | None:
    return next(iter(national_body_ids()), None)


def requirements_visible(actor, *, on: dt.date | None = None) -> QuerySet[Requirement]:
    """Requirements the actor may look at (any state)."""
    if actor is None or not actor.is_authenticated:
        return Requirement.objects.none()
    national = _national_id()
    manage = access_for(actor, Perm.LEARNING_MANAGE)
    reports = access_for(actor, Perm.REPORTS_VIEW)
    if manage.national or reports.national:
        return Requirement.objects.all()
    _, licensed = _scope(on or local_day(None))
    owners = {actor.organisation_id}
    if actor.organisation_id in licensed and national is not None:
        owners.add(national)
    return Requirement.objects.filter(owner_id__in=owners)


def access_requirement(actor, requirement_uuid) -> Requirement:
    requirement = requirements_visible(actor).select_related("owner").filter(uuid=requirement_uuid).first()
    if requirement is None:
        raise Http404("No such requirement")
    return requirement


def access_requirement_to_manage(actor, requirement_uuid) -> Requirement:
    """A requirement the actor may change; 404 for any other (seen or not)."""
    from bluelamp.compliance.services import may_manage_requirements

    requirement = Requirement.objects.select_related("owner").filter(uuid=requirement_uuid).first()
    if requirement is None or not may_manage_requirements(actor, requirement.owner):
        raise Http404("No such requirement")
    return requirement


def organisations_managed(actor) -> list[Organisation]:
    """Organisations whose requirements the actor may create (the national body for national ones)."""
    from bluelamp.compliance.services import may_manage_requirements

    candidates = (
        Organisation.objects.all()
        if access_for(actor, Perm.LEARNING_MANAGE).national
        else Organisation.objects.filter(id__in=access_for(actor, Perm.LEARNING_MANAGE).organisation_ids)
    )
    return [org for org in candidates.order_by("name") if may_manage_requirements(actor, org)]


@dataclass(frozen=True)
class Sight:
    """Where the actor may see people's standing by name (`names`) and figures (`figures`)."""

    names: Access
    figures: Access


def sight(actor) -> Sight:
    manage = access_for(actor, Perm.LEARNING_MANAGE)
    reports = access_for(actor, Perm.REPORTS_VIEW)
    people = access_for(actor, Perm.PEOPLE_VIEW)
    national = manage.national or reports.national
    names = Access(
        national=False,
        organisation_ids=manage.organisation_ids | reports.organisation_ids,
        unit_paths=manage.unit_paths | reports.unit_paths,
        manager_id=people.manager_id,
    )
    if national:
        names = Access(
            national=False,
            organisation_ids=names.organisation_ids | frozenset(_names_shared()),
            unit_paths=names.unit_paths,
            manager_id=names.manager_id,
        )
    figures = Access(
        national=national,
        organisation_ids=names.organisation_ids,
        unit_paths=names.unit_paths,
        manager_id=names.manager_id,
    )
    return Sight(names=names, figures=figures)


def _names_shared() -> set[int]:
    """Forces whose licence in force (active, and today within its dates) lets the national body
    see their people by name."""
    from bluelamp.organisations.api import Licence

    today = local_day(None)
    return set(
        Licence.objects.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=today),
            shares_names_nationally=True,
            status=Licence.Status.ACTIVE,
            starts_on__lte=today,
        ).values_list("organisation_id", flat=True)
    )


def access_person_standing(actor, person_uuid) -> Person:
    """A person whose standing the actor may see by name (themselves included); 404 otherwise."""
    person = Person.objects.select_related("unit", "organisation").filter(uuid=person_uuid).first()
    if person is None:
        raise Http404("No such person")
    if person.pk == actor.pk:
        return person
    if not Person.objects.filter(sight(actor).names.people_q(), pk=person.pk).exists():
        raise Http404("No such person")
    return person


def standing_of(person) -> QuerySet[Assignment]:
    """A person's assignments, current ones first (those of audiences they left after)."""
    return (
        Assignment.objects.filter(person=person)
        .select_related("requirement", "requirement__owner")
        .order_by("-in_audience", "due_on", "requirement__code")
    )


def assignments_named(actor) -> QuerySet[Assignment]:
    """Assignments (in an audience) of people the actor may see by name."""
    return Assignment.objects.filter(
        sight(actor).names.people_q("person__"), in_audience=True, person__status=Person.Status.ACTIVE
    )
