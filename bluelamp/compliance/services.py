"""Writes for mandatory training. Each checks who may act, validates everything before writing,
records an audit event in the same transaction and brings the affected people's standing up to
date (evaluation.py).

Who may act: requirements, exemptions and their reports are managed by those with
"Manage courses and enrolments" (training and organisation administrators) over the owner's
whole organisation; a national requirement, by the national body. Extensions may also be granted
by a person's line manager.
"""

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.compliance import audiences, evaluation
from bluelamp.compliance.models import Exemption, Extension, Requirement, RequirementCourse
from bluelamp.core.validation import text_errors
from bluelamp.learning.api import Course
from bluelamp.organisations.api import Organisation, Perm, Unit, access_for
from bluelamp.people.api import Person


def _text_problems(
    value: str, field: str, label: str, *, max_length: int, multiline: bool = False
) -> list[str]:
    """What is wrong with a required text: empty, too long, or holding control characters."""
    if not value or not value.strip():
        return [f"Enter the {label}"]
    if len(value.strip()) > max_length:
        return [f"The {label} is {len(value.strip())} characters long: at most {max_length} are accepted"]
    found = text_errors(multiline=(field,) if multiline else (), **{field: value})
    return [found[field]] if field in found else []


def may_manage_requirements(actor, owner: Organisation) -> bool:
    access = access_for(actor, Perm.LEARNING_MANAGE)
    return access.national if owner.is_national_body else access.covers_organisation(owner.id)


def _require_manager(actor, owner: Organisation) -> None:
    if actor is None:
        return  # the system: the command line, the demo
    if not may_manage_requirements(actor, owner):
        raise PermissionDenied("You may not manage this organisation's mandatory training.")


@dataclass(frozen=True)
class CourseChoice:
    course: Course
    min_version: int | None = None


@dataclass(frozen=True)
class RequirementInput:
    """Everything a requirement is made of, as a form or a file gives it."""

    code: str
    title: str
    courses: Sequence[CourseChoice]
    audience: dict
    first_due_kind: str = Requirement.FirstDueKind.JOINING
    first_due_days: int = 0
    first_due_date: dt.date | None = None
    validity_months: int | None = None
    window_days: int = 0
    due_soon_days: int = 30
    escalate_after_days: int = 14
    prerequisites: Sequence[Requirement] = ()
    auto_enrol: bool = False
    description: str = ""


def _course_owners_allowed(owner: Organisation) -> set[int]:
    return {owner.id, *evaluation.national_body_ids()}


def requirement_errors(
    *, owner: Organisation, data: RequirementInput, requirement: Requirement | None = None
) -> dict[str, list[str]]:
    """What is wrong with `data`, by field; empty when it can be saved."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    code = data.code.strip()
    if not code:
        add("code", "Enter a code, e.g. FA-REFRESH")
    elif len(code) > 40:
        add("code", f"The code {code[:45]!r}… is longer than 40 characters")
    elif (
        Requirement.objects.filter(owner=owner, code__iexact=code)
        .exclude(pk=requirement.pk if requirement else 0)
        .exists()
    ):
        add("code", f"{owner.name} already has a requirement with the code {code}")
    for message in _text_problems(data.title, "title", "title", max_length=200):
        add("title", message)
    if not data.courses:
        add("courses", "Choose at least one course that satisfies the requirement")
    allowed = _course_owners_allowed(owner)
    seen: set[int] = set()
    for choice in data.courses:
        if choice.course.owner_id not in allowed:
            add(
                "courses",
                f"{choice.course.code or choice.course.title} belongs to another organisation: choose {owner.name}'s own or national courses",
            )
        if choice.course.pk in seen:
            add("courses", f"{choice.course.code or choice.course.title} is listed twice")
        seen.add(choice.course.pk)
        if choice.min_version is not None and choice.min_version < 1:
            add("courses", f"The minimum version of {choice.course.code} must be 1 or more")
    try:
        audience = audiences.normalise(data.audience)
    except audiences.AudienceError as error:
        add("audience", str(error).capitalize())
        audience = {}
    if not errors.get("audience") and not audiences.has_rules(audience) and not audience.get("include"):
        add("audience", "Choose who the requirement applies to (everyone, or at least one rule)")
    units = audience.get("units", [])
    if units:
        found = Unit.objects.filter(id__in=units)
        if not owner.is_national_body:
            found = found.filter(organisation=owner)
        missing = set(units) - set(found.values_list("id", flat=True))
        if missing:
            add("audience", f"Unit {', '.join(map(str, sorted(missing)))} is not one of {owner.name}'s units")
    for key in ("include", "exclude"):
        named = audience.get(key, [])
        if named:
            people = Person.objects.filter(id__in=named)
            if not owner.is_national_body:
                people = people.filter(organisation=owner)
            missing = set(named) - set(people.values_list("id", flat=True))
            if missing:
                add("audience", f"{len(missing)} of the people to {key} are not {owner.name}'s people")
    if data.first_due_kind not in Requirement.FirstDueKind.values:
        add("first_due_kind", f"First due must be one of {', '.join(Requirement.FirstDueKind.values)}")
    elif data.first_due_kind == Requirement.FirstDueKind.DATE and data.first_due_date is None:
        add("first_due_date", "Enter the date everyone is first due by")
    if not 0 <= data.first_due_days <= 3650:
        add("first_due_days", "First due days must be between 0 and 3650")
    if data.validity_months is not None and not 1 <= data.validity_months <= 240:
        add("validity_months", "Validity must be between 1 and 240 months, or empty for no expiry")
    if not 0 <= data.window_days <= 730:
        add("window_days", "The recertification window must be between 0 and 730 days")
    elif data.validity_months is None and data.window_days:
        add("window_days", "A recertification window needs a validity period")
    if not 0 <= data.due_soon_days <= 365:
        add("due_soon_days", "The due-soon horizon must be between 0 and 365 days")
    if not 1 <= data.escalate_after_days <= 365:
        add("escalate_after_days", "Escalation must be after 1 to 365 days overdue")
    in_audience_of = list(Requirement.objects.filter(id__in=audience.get("requirements", [])))
    missing_requirements = sorted(set(audience.get("requirements", [])) - {r.pk for r in in_audience_of})
    if missing_requirements:
        add(
            "audience",
            f"The audience names requirement {', '.join(map(str, missing_requirements))}, which does not "
            "exist: choose one of the requirements listed",
        )
    related = list(data.prerequisites) + in_audience_of
    for other in related:
        if other.owner_id not in allowed:
            add("prerequisites", f"{other.code} belongs to another organisation")
        if requirement is not None and _depends_on(other, requirement):
            add("prerequisites", f"{other.code} already depends on {requirement.code}: that would be a loop")
    return errors


def _depends_on(requirement: Requirement, target: Requirement) -> bool:
    """Whether `requirement` is `target` or needs it (through prerequisites or audience rules)."""
    seen: set[int] = set()
    todo = [requirement]
    while todo:
        current = todo.pop()
        if current.pk == target.pk:
            return True
        if current.pk in seen:
            continue
        seen.add(current.pk)
        todo.extend(current.prerequisites.all())
        todo.extend(Requirement.objects.filter(id__in=current.audience.get("requirements", [])))
    return False


def requirement_save(
    *,
    actor,
    owner: Organisation,
    data: RequirementInput,
    requirement: Requirement | None = None,
    at: dt.datetime | None = None,
) -> Requirement:
    """Create a requirement (or change `requirement`), then bring its audience up to date. Raises
    ValidationError (by field) with nothing written when anything is wrong."""
    _require_manager(actor, owner)
    if requirement is not None and requirement.owner_id != owner.id:
        raise PermissionDenied("That requirement belongs to another organisation.")
    errors = requirement_errors(owner=owner, data=data, requirement=requirement)
    if errors:
        raise ValidationError(errors)
    at = at or timezone.now()
    with transaction.atomic():
        creating = requirement is None
        if requirement is None:
            requirement = Requirement(owner=owner, created_at=at, created_by=actor)
            before = None
        else:
            requirement = Requirement.objects.select_for_update().get(pk=requirement.pk)
            before = _snapshot(requirement)
        requirement.code = data.code.strip()
        requirement.title = data.title.strip()
        requirement.description = data.description.strip()
        requirement.audience = audiences.normalise(data.audience)
        requirement.first_due_kind = data.first_due_kind
        requirement.first_due_days = data.first_due_days
        requirement.first_due_date = (
            data.first_due_date if data.first_due_kind == Requirement.FirstDueKind.DATE else None
        )
        requirement.validity_months = data.validity_months
        requirement.window_days = data.window_days
        requirement.due_soon_days = data.due_soon_days
        requirement.escalate_after_days = data.escalate_after_days
        requirement.auto_enrol = data.auto_enrol
        requirement.updated_at = at
        requirement.save()
        requirement.prerequisites.set(data.prerequisites)
        requirement.course_links.all().delete()
        RequirementCourse.objects.bulk_create(
            [
                RequirementCourse(
                    requirement=requirement, course=c.course, min_version=c.min_version, order=i
                )
                for i, c in enumerate(data.courses)
            ]
        )
        after = _snapshot(requirement)
        if creating or before != after:
            audit_record(
                actor=actor,
                action="compliance.requirement_created" if creating else "compliance.requirement_changed",
                organisation=None if owner.is_national_body else owner,
                obj=requirement,
                object_label=str(requirement),
                before=before,
                after=after,
            )
        people_of_requirement_evaluate(requirement, at=at)
    return requirement


def _snapshot(requirement: Requirement) -> dict:
    return {
        "code": requirement.code,
        "title": requirement.title,
        "description": requirement.description,
        "audience": requirement.audience,
        "first_due": [
            requirement.first_due_kind,
            requirement.first_due_days,
            str(requirement.first_due_date or ""),
        ],
        "validity_months": requirement.validity_months,
        "window_days": requirement.window_days,
        "due_soon_days": requirement.due_soon_days,
        "escalate_after_days": requirement.escalate_after_days,
        "auto_enrol": requirement.auto_enrol,
        "state": requirement.state,
        "courses": [
            (link.course.code, link.min_version) for link in requirement.course_links.select_related("course")
        ],
        "prerequisites": sorted(requirement.prerequisites.values_list("code", flat=True)),
    }


def requirement_set_state(
    *, actor, requirement: Requirement, state: str, at: dt.datetime | None = None
) -> Requirement:
    """Retire a requirement (nobody is assigned it any more; the records stay) or bring it back."""
    _require_manager(actor, requirement.owner)
    if state not in Requirement.State.values:
        raise ValidationError({"state": [f"State must be one of {', '.join(Requirement.State.values)}"]})
    at = at or timezone.now()
    with transaction.atomic():
        requirement = Requirement.objects.select_for_update().get(pk=requirement.pk)
        if requirement.state == state:
            return requirement
        before = requirement.state
        requirement.state, requirement.updated_at = state, at
        requirement.save(update_fields=["state", "updated_at"])
        audit_record(
            actor=actor,
            action="compliance.requirement_"
            + ("retired" if state == Requirement.State.RETIRED else "restored"),
            organisation=None if requirement.owner.is_national_body else requirement.owner,
            obj=requirement,
            object_label=str(requirement),
            before={"state": before},
            after={"state": state},
        )
        if state == Requirement.State.RETIRED:
            evaluation.retire(requirement.pk, at=at)
            # The people of requirements that need it stand without it now.
            for dependent in _needing(requirement):
                people_of_requirement_evaluate(dependent, at=at)
        else:
            # Its people, who include those of the requirements that need it (same owner, or a
            # force under a national one).
            people_of_requirement_evaluate(requirement, at=at)
    return requirement


def _needing(requirement: Requirement) -> list[Requirement]:
    """Active requirements that need this one: as a prerequisite, or in an audience rule."""
    active = Requirement.objects.filter(state=Requirement.State.ACTIVE).select_related("owner")
    found = {r.pk: r for r in active.filter(prerequisites=requirement)}
    for other in active.exclude(pk__in=found):
        if requirement.pk in (other.audience.get("requirements") or []):
            found[other.pk] = other
    return list(found.values())


def people_in_scope(owner: Organisation, *, on: dt.date):
    """The people a requirement of `owner` may apply to: its own, or every licensed force's."""
    if not owner.is_national_body:
        return Person.objects.filter(organisation=owner)
    _, licensed = evaluation._scope(on)
    return Person.objects.filter(organisation_id__in=licensed)


def people_concerned(requirement: Requirement, *, on: dt.date) -> set[int]:
    """Everyone a requirement may concern: the active people in its owner's scope, and anyone it
    has a row for (who may be leaving its audience)."""
    ids = set(
        people_in_scope(requirement.owner, on=on)
        .filter(status=Person.Status.ACTIVE)
        .values_list("id", flat=True)
    )
    return ids | set(requirement.assignments.values_list("person_id", flat=True))


def people_of_requirement_evaluate(requirement: Requirement, *, at: dt.datetime) -> None:
    """Bring everyone the requirement may concern up to date: in this transaction for a small
    organisation, by a task after commit for a large one (or the national body's), with the same
    threshold as any other change (hooks.IN_REQUEST)."""
    from bluelamp.compliance.hooks import IN_REQUEST

    ids = people_concerned(requirement, on=evaluation.local_day(at))
    if len(ids) <= IN_REQUEST:
        evaluation.evaluate_people(ids, at=at)
        return
    from bluelamp.compliance.tasks import evaluate_requirement

    transaction.on_commit(lambda: evaluate_requirement.enqueue(requirement.pk))


# Exemptions and extensions ------------------------------------------------------------------------


def _may_manage_person(actor, person: Person) -> bool:
    return access_for(actor, Perm.LEARNING_MANAGE).covers_unit(
        person.organisation_id, person.unit.path if person.unit is not None else None
    )


def _may_extend_for(actor, person: Person) -> bool:
    return _may_manage_person(actor, person) or (
        person.line_manager_id is not None and person.line_manager_id == actor.pk
    )


def exemption_grant(
    *,
    actor,
    person: Person,
    requirement: Requirement,
    reason: str,
    starts_on: dt.date,
    ends_on: dt.date | None,
    evidence=None,
    at: dt.datetime | None = None,
) -> Exemption:
    """Excuse someone from a requirement, with the reason (and evidence). Training administrators
    over the person only."""
    if not _may_manage_person(actor, person):
        raise PermissionDenied("You may not grant exemptions to this person.")
    errors: dict[str, list[str]] = {}
    # Only from a requirement that applies to them (another organisation's would be shown with it).
    if not requirement.assignments.filter(person=person).exists():
        errors["requirement"] = [
            f"{requirement.code} is not one of {person.get_full_name()}'s requirements: choose one of theirs"
        ]
    reason_errors = _text_problems(reason, "reason", "reason", max_length=2000, multiline=True)
    if reason_errors:
        errors["reason"] = reason_errors
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = [
            f"The end date {ends_on:%-d %B %Y} is before the start date {starts_on:%-d %B %Y}"
        ]
    if errors:
        raise ValidationError(errors)
    at = at or timezone.now()
    stored = ""  # the evidence file, once saved: deleted again if the transaction rolls back
    try:
        with transaction.atomic():
            exemption = Exemption(
                person=person,
                requirement=requirement,
                organisation_id=person.organisation_id,
                reason=reason.strip(),
                starts_on=starts_on,
                ends_on=ends_on,
                granted_by=actor,
                granted_at=at,
            )
            if evidence:
                # Stored under a random name, as the learner record's evidence is: an uploaded
                # file's name ("sick note - J Smith.pdf") may itself be personal data.
                uploaded = PurePath((evidence.name or "").replace("\\", "/")).name
                exemption.evidence_name = "".join(ch for ch in uploaded if ch.isprintable())[:255]
                extension = PurePath(uploaded).suffix.lower()
                exemption.evidence.save(f"{uuid.uuid4().hex}{extension}", evidence, save=False)
                stored = exemption.evidence.name or ""
            exemption.save()
            audit_record(
                actor=actor,
                action="compliance.exemption_granted",
                organisation=person.organisation,
                obj=exemption,
                object_label=f"{person} exempt from {requirement.code}",
                after={
                    "requirement": requirement.code,
                    "starts_on": str(starts_on),
                    "ends_on": str(ends_on or ""),
                    "reason": reason.strip(),
                },
            )
            evaluation.evaluate_people([person.pk], at=at)
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return exemption


def exemption_revoke(*, actor, exemption: Exemption, reason: str, at: dt.datetime | None = None) -> Exemption:
    person = exemption.person
    if not _may_manage_person(actor, person):
        raise PermissionDenied("You may not revoke this exemption.")
    reason_errors = _text_problems(reason, "reason", "reason", max_length=500)
    if reason_errors:
        raise ValidationError({"reason": reason_errors})
    at = at or timezone.now()
    with transaction.atomic():
        exemption = Exemption.objects.select_for_update().get(pk=exemption.pk)
        if exemption.revoked_at is not None:
            return exemption
        exemption.revoked_at, exemption.revoked_by, exemption.revoked_reason = at, actor, reason.strip()
        exemption.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
        audit_record(
            actor=actor,
            action="compliance.exemption_revoked",
            organisation=person.organisation,
            obj=exemption,
            object_label=f"{person} exempt from {exemption.requirement.code}",
            after={"reason": reason.strip()},
        )
        evaluation.evaluate_people([person.pk], at=at)
    return exemption


def extension_grant(
    *,
    actor,
    person: Person,
    requirement: Requirement,
    to_due_on: dt.date,
    reason: str,
    at: dt.datetime | None = None,
) -> Extension:
    """Move a person's current due date later: their line manager or a training administrator."""
    if not _may_extend_for(actor, person):
        raise PermissionDenied("You may not extend this person's due date.")
    at = at or timezone.now()
    assignment = requirement.assignments.filter(person=person, in_audience=True).first()
    errors: dict[str, list[str]] = {}
    if assignment is None or assignment.due_on is None:
        errors["to_due_on"] = [f"{person} has no due date for {requirement.code} to extend"]
    elif to_due_on <= assignment.due_on:
        errors["to_due_on"] = [
            f"The new due date must be after the current one, {assignment.due_on:%-d %B %Y}"
        ]
    elif to_due_on > assignment.due_on + dt.timedelta(days=365):
        errors["to_due_on"] = ["An extension can move a due date by a year at most"]
    reason_errors = _text_problems(reason, "reason", "reason", max_length=2000, multiline=True)
    if reason_errors:
        errors["reason"] = reason_errors
    if errors:
        raise ValidationError(errors)
    assert assignment is not None and assignment.due_on is not None
    with transaction.atomic():
        # The cycle's base due date: an extension applies while the due date it moved is current.
        base = (
            Extension.objects.filter(person=person, requirement=requirement, to_due_on=assignment.due_on)
            .values_list("from_due_on", flat=True)
            .first()
        )
        extension = Extension.objects.create(
            person=person,
            requirement=requirement,
            organisation_id=person.organisation_id,
            from_due_on=base or assignment.due_on,
            to_due_on=to_due_on,
            reason=reason.strip(),
            approved_by=actor,
            approved_at=at,
        )
        audit_record(
            actor=actor,
            action="compliance.due_date_extended",
            organisation=person.organisation,
            obj=extension,
            object_label=f"{person}: {requirement.code}",
            before={"due_on": str(assignment.due_on)},
            after={"due_on": str(to_due_on), "reason": reason.strip()},
        )
        evaluation.evaluate_people([person.pk], at=at)
    return extension
