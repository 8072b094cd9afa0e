"""Writes to a programme and its structure: the programme's details, versions (a draft is edited;
publishing freezes it and makes it the one new places take), sets of units with their rules, the
units (courses, credits, due dates) and cohorts. Who may: the programme's administrators
(course managers of its owner organisation; national ones for national programmes)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.core.validation import date_errors, text_errors
from bluelamp.learning.api import Course
from bluelamp.organisations.api import Organisation, Perm, access_for
from bluelamp.programmes.models import Cohort, Place, Programme, ProgrammeUnit, ProgrammeVersion, UnitSet

CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,39}")


def may_manage(person, programme: Programme) -> bool:
    """Build and run the programme: course managers of its whole owner organisation."""
    return access_for(person, Perm.LEARNING_MANAGE).covers_organisation(programme.owner_id)


def may_run_cohorts_in(person, programme: Programme, organisation: Organisation) -> bool:
    """Run cohorts of the programme in `organisation`: the programme's administrators anywhere, or
    a force's course managers for their own people on a national programme."""
    if may_manage(person, programme):
        return True
    return programme.owner.kind == Organisation.Kind.NATIONAL_BODY and access_for(
        person, Perm.LEARNING_MANAGE
    ).covers_organisation(organisation.pk)


def _require(person, programme: Programme) -> None:
    """None is the system (demo data, imports): trusted code, never a view."""
    if person is not None and not may_manage(person, programme):
        raise PermissionDenied("You cannot change this programme.")


# --- the programme ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeInput:
    code: str
    title: str
    summary: str = ""
    level: str = ""
    awarding_body: str = ""
    qualification_size: str = Programme.Size.CERTIFICATE
    credit_total: int | None = None
    applications_open: bool = False
    contact_email: str = ""


def _check_programme(data: ProgrammeInput) -> dict[str, str]:
    errors = text_errors(
        multiline=("summary",), code=data.code, title=data.title, summary=data.summary, level=data.level,
        awarding_body=data.awarding_body, contact_email=data.contact_email,
    )  # fmt: skip
    code = data.code.strip().upper()
    if not CODE.fullmatch(code):
        errors["code"] = (
            f"“{data.code}” is not a code: use letters, digits and hyphens, up to 40, e.g. CMI-L7-CERT."
        )
    if not data.title.strip():
        errors["title"] = "Enter the programme's title."
    if data.qualification_size not in Programme.Size.values:
        errors["qualification_size"] = (
            f"“{data.qualification_size}” is not a size: use one of {', '.join(Programme.Size.values)}."
        )
    if data.credit_total is not None and not 1 <= data.credit_total <= 1000:
        errors["credit_total"] = f"{data.credit_total} credits: enter 1 to 1000, or leave it empty."
    return errors


def _apply_programme(programme: Programme, data: ProgrammeInput) -> None:
    programme.code = data.code.strip().upper()
    programme.title = data.title.strip()
    programme.summary = data.summary.strip()
    programme.level = data.level.strip()
    programme.awarding_body = data.awarding_body.strip()
    programme.qualification_size = data.qualification_size
    programme.credit_total = data.credit_total
    programme.applications_open = data.applications_open
    programme.contact_email = data.contact_email.strip()


def _snapshot(programme: Programme) -> dict:
    return {
        "code": programme.code,
        "title": programme.title,
        "level": programme.level,
        "awarding_body": programme.awarding_body,
        "credit_total": programme.credit_total,
        "applications_open": programme.applications_open,
        "status": programme.status,
    }


def programme_create(
    *, actor, owner: Organisation, data: ProgrammeInput, at: dt.datetime | None = None
) -> Programme:
    """A programme in draft, with its first version (a draft) to build."""
    if actor is not None and not access_for(actor, Perm.LEARNING_MANAGE).covers_organisation(owner.pk):
        raise PermissionDenied("You cannot make programmes for this organisation.")
    errors = _check_programme(data)
    if errors:
        raise ValidationError(errors)
    at = at or timezone.now()
    programme = Programme(owner=owner, created_at=at, updated_at=at, created_by=actor)
    _apply_programme(programme, data)
    try:
        with transaction.atomic():
            programme.save()
            ProgrammeVersion.objects.create(programme=programme, number=1, created_at=at, created_by=actor)
            audit_record(
                actor=actor,
                action="programmes.programme.create",
                organisation=owner,
                obj=programme,
                object_label=str(programme),
                after=_snapshot(programme),
            )
    except IntegrityError:
        raise ValidationError({"code": f"{owner.name} already has a programme {programme.code}."}) from None
    return programme


def programme_update(
    *, actor, programme: Programme, data: ProgrammeInput, at: dt.datetime | None = None
) -> Programme:
    _require(actor, programme)
    errors = _check_programme(data)
    if errors:
        raise ValidationError(errors)
    before = _snapshot(programme)
    _apply_programme(programme, data)
    programme.updated_at = at or timezone.now()
    try:
        with transaction.atomic():
            programme.save()
            audit_record(
                actor=actor,
                action="programmes.programme.update",
                organisation=programme.owner,
                obj=programme,
                object_label=str(programme),
                before=before,
                after=_snapshot(programme),
            )
    except IntegrityError:
        raise ValidationError(
            {"code": f"{programme.owner.name} already has a programme {programme.code}."}
        ) from None
    return programme


def programme_set_status(
    *, actor, programme: Programme, status: str, at: dt.datetime | None = None
) -> Programme:
    """Retire (no new places; those on it carry on) or bring back. Publishing is per version."""
    _require(actor, programme)
    if status not in (Programme.Status.PUBLISHED, Programme.Status.RETIRED):
        raise ValidationError(
            {"status": f"“{status}”: a programme is published (by publishing a version) or retired."}
        )
    if status == Programme.Status.PUBLISHED and programme.current_version_id is None:
        raise ValidationError({"status": "Publish a version first."})
    before = programme.status
    programme.status = status
    programme.updated_at = at or timezone.now()
    with transaction.atomic():
        programme.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action="programmes.programme.status",
            organisation=programme.owner,
            obj=programme,
            object_label=str(programme),
            before={"status": before},
            after={"status": status},
        )
    return programme


# --- versions --------------------------------------------------------------------------------


def draft_of(programme: Programme) -> ProgrammeVersion | None:
    return programme.versions.filter(published_at__isnull=True).order_by("-number").first()


def version_start(*, actor, programme: Programme, at: dt.datetime | None = None) -> ProgrammeVersion:
    """The draft to change: the one there is, or a copy of the latest published version."""
    _require(actor, programme)
    at = at or timezone.now()
    with transaction.atomic():
        existing = draft_of(programme)
        if existing is not None:
            return existing
        latest = programme.versions.order_by("-number").first()
        draft = ProgrammeVersion.objects.create(
            programme=programme, number=(latest.number + 1) if latest else 1, created_at=at, created_by=actor
        )
        if latest is not None:
            for unit_set in latest.sets.prefetch_related("units").order_by("order"):
                units = list(unit_set.units.order_by("order"))
                unit_set.pk = None
                unit_set.version = draft
                unit_set.save()
                ProgrammeUnit.objects.bulk_create(
                    ProgrammeUnit(
                        unit_set=unit_set,
                        order=u.order,
                        course_id=u.course_id,
                        credits=u.credits,
                        due_after_days=u.due_after_days,
                    )
                    for u in units
                )
        audit_record(
            actor=actor,
            action="programmes.version.start",
            organisation=programme.owner,
            obj=draft,
            object_label=str(draft),
        )
    return draft


def publish_problems(version: ProgrammeVersion) -> list[str]:
    """What stops the version being published, in words an administrator can act on."""
    problems = []
    sets = list(version.sets.prefetch_related("units__course").order_by("order"))
    if not sets:
        problems.append("Add at least one set of units.")
    total_possible = 0
    for unit_set in sets:
        units = list(unit_set.units.all())
        credits = sum(u.credits for u in units)
        if not units:
            problems.append(f"The set “{unit_set.title}” has no units.")
            continue
        if unit_set.rule == UnitSet.Rule.AT_LEAST_UNITS and (unit_set.required_units or 0) > len(units):
            problems.append(
                f"The set “{unit_set.title}” asks for {unit_set.required_units} units but has {len(units)}."
            )
        if unit_set.rule == UnitSet.Rule.AT_LEAST_CREDITS and (unit_set.required_credits or 0) > credits:
            problems.append(
                f"The set “{unit_set.title}” asks for {unit_set.required_credits} credits but its units carry {credits}."
            )
        for unit in units:
            if unit.course.status != Course.Status.PUBLISHED:
                problems.append(
                    f"The unit {unit.course.code} ({unit.course.title}) is not a published course."
                )
        total_possible += credits
    programme = version.programme
    every_set_has_units = all(unit_set.units.all() for unit_set in sets)
    if programme.credit_total and sets and every_set_has_units and total_possible < programme.credit_total:
        problems.append(
            f"The programme needs {programme.credit_total} credits but all its units together carry {total_possible}."
        )
    return problems


def version_publish(
    *, actor, version: ProgrammeVersion, notes: str = "", at: dt.datetime | None = None
) -> ProgrammeVersion:
    """Freeze the draft and make it the version new places take; people on earlier versions keep
    theirs."""
    programme = version.programme
    _require(actor, programme)
    if version.published_at is not None:
        raise ValidationError("This version is published already: start a new draft to change it.")
    problems = publish_problems(version)
    if problems:
        raise ValidationError(problems)
    at = at or timezone.now()
    with transaction.atomic():
        version.published_at = at
        version.notes = notes.strip()
        version.save(update_fields=["published_at", "notes"])
        programme.current_version = version
        if programme.status == Programme.Status.DRAFT:
            programme.status = Programme.Status.PUBLISHED
        programme.updated_at = at
        programme.save(update_fields=["current_version", "status", "updated_at"])
        audit_record(
            actor=actor,
            action="programmes.version.publish",
            organisation=programme.owner,
            obj=version,
            object_label=str(version),
            after={"notes": version.notes},
        )
    return version


def _require_draft(actor, version: ProgrammeVersion) -> None:
    _require(actor, version.programme)
    if version.published_at is not None:
        raise ValidationError("A published version cannot change: start a new draft.")


# --- sets and units --------------------------------------------------------------------------


@dataclass(frozen=True)
class SetInput:
    title: str
    description: str = ""
    rule: str = UnitSet.Rule.ALL
    required_units: int | None = None
    required_credits: int | None = None
    sequence: str = UnitSet.Sequence.ANY_ORDER


def _check_set(data: SetInput) -> dict[str, str]:
    errors = text_errors(multiline=("description",), title=data.title, description=data.description)
    if not data.title.strip():
        errors["title"] = "Enter the set's title, e.g. Mandatory units."
    if data.rule not in UnitSet.Rule.values:
        errors["rule"] = f"“{data.rule}” is not a rule: use one of {', '.join(UnitSet.Rule.values)}."
    elif data.rule == UnitSet.Rule.AT_LEAST_UNITS and not 1 <= (data.required_units or 0) <= 200:
        errors["required_units"] = "Enter how many units of the set must be completed (1 to 200)."
    elif data.rule == UnitSet.Rule.AT_LEAST_CREDITS and not 1 <= (data.required_credits or 0) <= 1000:
        errors["required_credits"] = "Enter how many credits from the set must be earned (1 to 1000)."
    if data.sequence not in UnitSet.Sequence.values:
        errors["sequence"] = f"“{data.sequence}”: use one of {', '.join(UnitSet.Sequence.values)}."
    return errors


def _apply_set(unit_set: UnitSet, data: SetInput) -> None:
    unit_set.title = data.title.strip()
    unit_set.description = data.description.strip()
    unit_set.rule = data.rule
    unit_set.required_units = data.required_units if data.rule == UnitSet.Rule.AT_LEAST_UNITS else None
    unit_set.required_credits = data.required_credits if data.rule == UnitSet.Rule.AT_LEAST_CREDITS else None
    unit_set.sequence = data.sequence


def set_add(*, actor, version: ProgrammeVersion, data: SetInput) -> UnitSet:
    _require_draft(actor, version)
    errors = _check_set(data)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        order = (version.sets.aggregate(m=Max("order"))["m"] or 0) + 1
        unit_set = UnitSet(version=version, order=order)
        _apply_set(unit_set, data)
        unit_set.save()
    return unit_set


def set_update(*, actor, unit_set: UnitSet, data: SetInput) -> UnitSet:
    _require_draft(actor, unit_set.version)
    errors = _check_set(data)
    if errors:
        raise ValidationError(errors)
    _apply_set(unit_set, data)
    unit_set.save()
    return unit_set


def set_remove(*, actor, unit_set: UnitSet) -> None:
    _require_draft(actor, unit_set.version)
    with transaction.atomic():
        version = unit_set.version
        unit_set.delete()
        _renumber(list(version.sets.order_by("order")))


def set_move(*, actor, unit_set: UnitSet, up: bool) -> None:
    _require_draft(actor, unit_set.version)
    with transaction.atomic():
        _swap(list(unit_set.version.sets.order_by("order")), unit_set.pk, up)


@dataclass(frozen=True)
class UnitInput:
    course: Course
    credits: int = 0
    due_after_days: int | None = None


def _check_unit(data: UnitInput) -> dict[str, str]:
    errors = {}
    if not 0 <= data.credits <= 500:
        errors["credits"] = f"{data.credits} credits: enter 0 to 500."
    if data.due_after_days is not None and not 0 <= data.due_after_days <= 3650:
        errors["due_after_days"] = f"{data.due_after_days} days: enter 0 to 3650, or leave it empty."
    return errors


def unit_add(*, actor, unit_set: UnitSet, data: UnitInput) -> ProgrammeUnit:
    _require_draft(actor, unit_set.version)
    errors = _check_unit(data)
    if ProgrammeUnit.objects.filter(unit_set__version=unit_set.version, course=data.course).exists():
        errors["course"] = f"{data.course.code} is a unit of this version already."
    if (
        data.course.owner_id != unit_set.version.programme.owner_id
        and data.course.owner.kind != Organisation.Kind.NATIONAL_BODY
    ):
        errors["course"] = (
            f"{data.course.code} belongs to {data.course.owner.name}: use the programme owner's or national courses."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        order = (unit_set.units.aggregate(m=Max("order"))["m"] or 0) + 1
        return ProgrammeUnit.objects.create(
            unit_set=unit_set,
            order=order,
            course=data.course,
            credits=data.credits,
            due_after_days=data.due_after_days,
        )


def unit_update(*, actor, unit: ProgrammeUnit, credits: int, due_after_days: int | None) -> ProgrammeUnit:
    _require_draft(actor, unit.unit_set.version)
    errors = _check_unit(UnitInput(course=unit.course, credits=credits, due_after_days=due_after_days))
    if errors:
        raise ValidationError(errors)
    unit.credits = credits
    unit.due_after_days = due_after_days
    unit.save(update_fields=["credits", "due_after_days"])
    return unit


def unit_remove(*, actor, unit: ProgrammeUnit) -> None:
    _require_draft(actor, unit.unit_set.version)
    with transaction.atomic():
        unit_set = unit.unit_set
        unit.delete()
        _renumber(list(unit_set.units.order_by("order")))


def unit_move(*, actor, unit: ProgrammeUnit, up: bool) -> None:
    _require_draft(actor, unit.unit_set.version)
    with transaction.atomic():
        _swap(list(unit.unit_set.units.order_by("order")), unit.pk, up)


def _renumber(rows) -> None:
    """Orders 1, 2, 3… (in two steps: the unique order must hold at every statement)."""
    for n, row in enumerate(rows, start=1):
        type(row).objects.filter(pk=row.pk).update(order=10_000 + n)
    for n, row in enumerate(rows, start=1):
        type(row).objects.filter(pk=row.pk).update(order=n)


def _swap(rows, pk: int, up: bool) -> None:
    index = next(i for i, row in enumerate(rows) if row.pk == pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(rows):
        return
    rows[index], rows[other] = rows[other], rows[index]
    _renumber(rows)


# --- cohorts ---------------------------------------------------------------------------------


def _cohort_errors(name: str, starts_on: dt.date, places: int | None) -> dict[str, str]:
    errors = text_errors(name=name) | date_errors(starts_on=starts_on)
    if not name.strip():
        errors["name"] = "Enter the cohort's name, e.g. Spring 2027."
    if places is not None and not 1 <= places <= 10_000:
        errors["places"] = f"{places} places: enter 1 to 10,000, or leave it empty for no limit."
    return errors


def cohort_create(
    *, actor, programme: Programme, organisation: Organisation, name: str, starts_on: dt.date,
    places: int | None = None, at: dt.datetime | None = None,
) -> Cohort:  # fmt: skip
    if actor is not None and not may_run_cohorts_in(actor, programme, organisation):
        raise PermissionDenied("You cannot run cohorts of this programme there.")
    errors = _cohort_errors(name, starts_on, places)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            cohort = Cohort.objects.create(
                programme=programme, organisation=organisation, name=name.strip(), starts_on=starts_on,
                places=places, created_at=at or timezone.now(),
            )  # fmt: skip
            audit_record(
                actor=actor,
                action="programmes.cohort.create",
                organisation=organisation,
                obj=cohort,
                object_label=f"{programme.code}: {cohort}",
                after={"starts_on": starts_on.isoformat(), "places": places},
            )
    except IntegrityError:
        raise ValidationError(
            {"name": f"{organisation.name} already has a cohort “{name.strip()}” of {programme.code}."}
        ) from None
    return cohort


def cohort_update(*, actor, cohort: Cohort, name: str, starts_on: dt.date, places: int | None) -> Cohort:
    """A new start date moves the due dates of everyone in the cohort (their plan counts from it)."""
    if not may_run_cohorts_in(actor, cohort.programme, cohort.organisation):
        raise PermissionDenied("You cannot change this cohort.")
    errors = _cohort_errors(name, starts_on, places)
    members = cohort.members.filter(status__in=Place.LIVE).count()
    if not errors and places is not None and places < members:
        errors["places"] = f"{places} places: the cohort has {members} people on it or applying."
    if errors:
        raise ValidationError(errors)
    before = {"name": cohort.name, "starts_on": cohort.starts_on.isoformat(), "places": cohort.places}
    with transaction.atomic():
        cohort.name, cohort.starts_on, cohort.places = name.strip(), starts_on, places
        cohort.save(update_fields=["name", "starts_on", "places"])
        audit_record(
            actor=actor,
            action="programmes.cohort.update",
            organisation=cohort.organisation,
            obj=cohort,
            object_label=f"{cohort.programme.code}: {cohort}",
            before=before,
            after={"name": cohort.name, "starts_on": starts_on.isoformat(), "places": places},
        )
        from bluelamp.programmes.places import plan_dates_refresh

        plan_dates_refresh(cohort)
    return cohort
