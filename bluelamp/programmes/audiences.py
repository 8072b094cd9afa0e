"""Places by audience rule: everyone of an organisation in some units (each with everything below
it), of some ranks or job roles, gets a place in a cohort, as they join or change role. Someone
who has had a place on the programme (withdrawn, refused, completed) is not placed again by a
rule: an administrator decides that."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from bluelamp.audit.api import audit_record
from bluelamp.organisations.api import Unit
from bluelamp.people.api import Person
from bluelamp.programmes.models import AudienceRule, Cohort, Place, Programme
from bluelamp.programmes.places import available_to, place_add
from bluelamp.programmes.structure import may_run_cohorts_in


def _names(values: list[str]) -> list[str]:
    return sorted({v.strip() for v in values if v.strip()}, key=str.casefold)


def audience_rule_save(
    *, actor, programme: Programme, cohort: Cohort, unit_ids: list[int], ranks: list[str], job_roles: list[str],
    rule: AudienceRule | None = None, at: dt.datetime | None = None,
) -> AudienceRule:  # fmt: skip
    """Make or change the rule (its cohort's organisation is whose people it places), then place
    everyone it matches now."""
    organisation = cohort.organisation
    if not may_run_cohorts_in(actor, programme, organisation):
        raise PermissionDenied("You cannot place people on this programme there.")
    errors = {}
    if cohort.programme_id != programme.pk:
        errors["cohort"] = f"{cohort.name} is a cohort of another programme."
    units = list(Unit.objects.filter(pk__in=unit_ids, organisation=organisation))
    if len(units) != len(set(unit_ids)):
        errors["unit_ids"] = f"Choose units of {organisation.name}."
    ranks, job_roles = _names(ranks), _names(job_roles)
    if not units and not ranks and not job_roles:
        errors["unit_ids"] = "Choose at least one unit, rank or job role: a rule for everyone is not allowed."
    if errors:
        raise ValidationError(errors)
    at = at or timezone.now()
    with transaction.atomic():
        rule = rule or AudienceRule(programme=programme, created_by=actor, created_at=at)
        rule.cohort, rule.organisation = cohort, organisation
        rule.unit_ids, rule.ranks, rule.job_roles = sorted(u.pk for u in units), ranks, job_roles
        rule.active = True
        rule.save()
        audit_record(
            actor=actor,
            action="programmes.audience.save",
            organisation=organisation,
            obj=rule,
            object_label=f"{programme.code}: audience in {organisation.name}",
            after={
                "units": [u.name for u in units],
                "ranks": ranks,
                "job_roles": job_roles,
                "cohort": cohort.name,
            },
        )
        audience_rule_apply(rule, at=at)
    return rule


def audience_rule_stop(*, actor, rule: AudienceRule, at: dt.datetime | None = None) -> AudienceRule:
    """Place no one more by this rule (those placed keep their places)."""
    if not may_run_cohorts_in(actor, rule.programme, rule.organisation):
        raise PermissionDenied("You cannot change this rule.")
    with transaction.atomic():
        rule.active = False
        rule.save(update_fields=["active"])
        audit_record(
            actor=actor, action="programmes.audience.stop", organisation=rule.organisation, obj=rule,
            object_label=f"{rule.programme.code}: audience in {rule.organisation.name}",
        )  # fmt: skip
    return rule


def audience_people(rule: AudienceRule):
    """The active people the rule matches (keys combine with AND, values of one key with OR)."""
    people = Person.objects.filter(
        organisation_id=rule.organisation_id, is_active=True, status=Person.Status.ACTIVE
    )
    if rule.unit_ids:
        paths = list(Unit.objects.filter(pk__in=rule.unit_ids).values_list("path", flat=True))
        where = Q(pk__in=[])
        for path in paths:
            where |= Q(unit__path__startswith=path)
        people = people.filter(where)
    for field, values in (("rank", rule.ranks), ("job_role", rule.job_roles)):
        if values:
            where = Q(pk__in=[])
            for value in values:
                where |= Q(**{f"{field}__iexact": value})
            people = people.filter(where)
    return people


def audience_rule_apply(
    rule: AudienceRule, *, person_ids: list[int] | None = None, at: dt.datetime | None = None
) -> int:
    """Place those the rule matches (of `person_ids`, or everyone) who have never had a place on
    the programme. Returns how many were placed."""
    if not rule.active:
        return 0
    at = at or timezone.now()
    people = audience_people(rule)
    if person_ids is not None:
        people = people.filter(pk__in=person_ids)
    had = Place.objects.filter(programme_id=rule.programme_id).values("person_id")
    placed = 0
    for person in people.exclude(pk__in=had).select_related("organisation").order_by("pk"):
        if not available_to(rule.programme, person):
            continue
        place_add(actor=None, programme=rule.programme, person=person, cohort=rule.cohort,
                  method=Place.Method.AUDIENCE, at=at)  # fmt: skip
        placed += 1
    return placed


def follow_people_changed(*, person_ids: list[int], at: dt.datetime) -> None:
    """People's listener: someone joined or moved unit, rank or role: the rules of their
    organisations place them if they now match."""
    organisations = set(Person.objects.filter(pk__in=person_ids).values_list("organisation_id", flat=True))
    for rule in AudienceRule.objects.filter(active=True, organisation_id__in=organisations).select_related(
        "programme", "programme__owner", "cohort", "cohort__organisation"
    ):
        audience_rule_apply(rule, person_ids=person_ids, at=at)


def apply_all(*, at: dt.datetime | None = None) -> int:
    """Every active rule, for everyone (the nightly catch-up: a licence come into force, a
    programme republished)."""
    return sum(
        audience_rule_apply(rule, at=at)
        for rule in AudienceRule.objects.filter(active=True).select_related(
            "programme", "programme__owner", "cohort"
        )
    )


@task()
def apply_audience_rules() -> int:
    """Daily (`bluelamp run-daily`): every active rule, for everyone."""
    return apply_all()
