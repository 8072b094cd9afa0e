"""Writes for people: create, update, leaver, transfer between organisations."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.core.validation import date_errors, text_errors
from bluelamp.organisations.api import Organisation, Perm, Unit, access_for
from bluelamp.people.directory import forget_people
from bluelamp.people.listeners import AUDIENCE_FIELDS, people_changed
from bluelamp.people.models import Person, PersonTransfer
from bluelamp.people.ranks import normalise_rank
from bluelamp.people.signed_in import forget_signed_in

PERSON_FIELDS = [
    "email",
    "first_name",
    "last_name",
    "staff_number",
    "rank",
    "job_role",
    "employment_start_date",
    "status",
    "left_on",
]


# Employment dates: wide enough for the longest-serving leaver's history and for a start agreed
# years ahead; narrow enough to refuse a mistyped year (0336 for 2036).
EMPLOYMENT_EARLIEST = dt.date(1900, 1, 1)
EMPLOYMENT_LATEST = dt.date(2200, 12, 31)


def person_snapshot(person: Person) -> dict:
    data = {f: getattr(person, f) for f in PERSON_FIELDS}
    data["unit"] = person.unit.full_path if person.unit else ""
    data["line_manager"] = str(person.line_manager) if person.line_manager_id else ""
    return data


def _audience_facts(person: Person) -> tuple:
    """What the domains above are told about when it changes (listeners.AUDIENCE_FIELDS)."""
    return tuple(person.serializable_value(name) for name in AUDIENCE_FIELDS)


def _validate(person: Person) -> None:
    person.email = (person.email or "").strip().lower()
    person.staff_number = (person.staff_number or "").strip()
    errors = {
        **text_errors(
            first_name=person.first_name,
            last_name=person.last_name,
            staff_number=person.staff_number,
            rank=person.rank,
            job_role=person.job_role,
        ),
        **date_errors(
            employment_start_date=person.employment_start_date,
            left_on=person.left_on,
            earliest=EMPLOYMENT_EARLIEST,
            latest=EMPLOYMENT_LATEST,
        ),
    }
    if person.rank and "rank" not in errors:
        rank = normalise_rank(person.rank)
        if rank is None:
            errors["rank"] = f"“{person.rank}” is not a police rank or staff grade we recognise."
        else:
            person.rank = rank
    if person.unit and person.unit.organisation_id != person.organisation_id:
        errors["unit"] = "The unit belongs to another organisation."
    if person.line_manager_id:
        if person.line_manager_id == person.pk:
            errors["line_manager"] = "A person cannot be their own line manager."
        elif person.line_manager and person.line_manager.organisation_id != person.organisation_id:
            errors["line_manager"] = "The line manager must be in the same organisation."
    if (
        person.staff_number
        and Person.objects.filter(organisation_id=person.organisation_id, staff_number=person.staff_number)
        .exclude(pk=person.pk)
        .exists()
    ):
        errors["staff_number"] = f"Staff number {person.staff_number} is already used in this organisation."
    if Person.objects.filter(email__iexact=person.email).exclude(pk=person.pk).exists():
        errors["email"] = f"{person.email} is already used by another person."
    if errors:
        raise ValidationError(errors)
    person.full_clean(exclude=["password"], validate_unique=False)


def _require(actor, perm: Perm, organisation_id: int, unit: Unit | None) -> None:
    access = access_for(actor, perm)
    if not access.covers_unit(organisation_id, unit.path if unit else None):
        raise PermissionDenied("You cannot manage people there.")


def person_create(
    *,
    actor,
    organisation: Organisation,
    email: str,
    first_name: str,
    last_name: str,
    unit: Unit | None = None,
    staff_number: str = "",
    rank: str = "",
    job_role: str = "",
    line_manager: Person | None = None,
    employment_start_date: dt.date | None = None,
    check_access: bool = True,
) -> Person:
    """A new person, added by someone who manages people where they will be (the unit, or the
    whole organisation when no unit is given).

    check_access=False: the system adds them (single sign-on creating someone its organisation
    allows, `bluelamp create-platform-admin`, the demo, tests' factories); `actor` is then only
    recorded, and may be None.
    """
    if check_access:
        _require(actor, Perm.PEOPLE_MANAGE, organisation.pk, unit)
    person = Person(
        organisation=organisation,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        unit=unit,
        staff_number=staff_number,
        rank=rank,
        job_role=job_role.strip(),
        line_manager=line_manager,
        employment_start_date=employment_start_date,
    )
    person.set_unusable_password()
    _validate(person)
    with transaction.atomic():
        person.save()
        audit_record(
            actor=actor,
            action="person.create",
            organisation=organisation,
            obj=person,
            after=person_snapshot(person),
        )
        people_changed(person_ids=[person.pk])
    return person


def person_update(*, actor, person: Person, **changes) -> Person:
    """Change a person's details (status "leaver" marks them as having left), for someone who
    manages people where they are, and where they are moved to."""
    allowed = set(PERSON_FIELDS) | {"unit", "line_manager"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"cannot change {', '.join(sorted(unknown))}")
    _require(actor, Perm.PEOPLE_MANAGE, person.organisation_id, person.unit)
    if "unit" in changes and changes["unit"] is not None:
        _require(actor, Perm.PEOPLE_MANAGE, person.organisation_id, changes["unit"])
    before = person_snapshot(person)
    facts_before = _audience_facts(person)
    for key, value in changes.items():
        setattr(person, key, value)
    if person.status == Person.Status.LEAVER:
        person.is_active = False
        person.left_on = person.left_on or timezone.localdate()
    else:
        person.is_active = True
        person.left_on = None
    _validate(person)
    with transaction.atomic():
        person.save()
        audit_record(
            actor=actor,
            action="person.update",
            organisation=person.organisation,
            obj=person,
            before=before,
            after=person_snapshot(person),
        )
        if _audience_facts(person) != facts_before:  # not for a new name or e-mail address
            people_changed(person_ids=[person.pk])
    return person


def person_transfer(
    *,
    actor,
    person: Person,
    to_organisation: Organisation,
    to_unit: Unit | None = None,
    staff_number: str = "",
) -> Person:
    """Move a person to another organisation, keeping their record and history.

    Only someone who may manage people in both organisations (usually the national body) can.
    Roles held in the old organisation end; the line manager link is cleared.
    """
    if to_organisation.pk == person.organisation_id:
        raise ValidationError({"to_organisation": "The person is already in that organisation."})
    _require(actor, Perm.PEOPLE_MANAGE, person.organisation_id, None)
    _require(actor, Perm.PEOPLE_MANAGE, to_organisation.pk, None)
    from_org = person.organisation
    before = person_snapshot(person)
    with transaction.atomic():
        PersonTransfer.objects.create(
            person=person,
            from_organisation=from_org,
            to_organisation=to_organisation,
            from_unit_path=person.unit.full_path if person.unit else "",
            from_staff_number=person.staff_number,
            to_staff_number=staff_number.strip(),
            transferred_at=timezone.now(),
            transferred_by=actor if getattr(actor, "pk", None) else None,
        )
        for assignment in person.role_assignments.filter(revoked_at__isnull=True, organisation=from_org):
            assignment.revoked_at = timezone.now()
            assignment.revoked_by = actor if getattr(actor, "pk", None) else None
            assignment.reason = f"Transferred to {to_organisation}"
            assignment.save(update_fields=["revoked_at", "revoked_by", "reason"])
        # Their reports lose their line manager: they changed too.
        reports = list(person.reports.values_list("pk", flat=True))
        person.reports.update(line_manager=None)
        forget_signed_in(reports)  # updated in bulk: no save(), no signal
        forget_people()
        person.organisation = to_organisation
        person.unit = to_unit
        person.staff_number = staff_number
        person.line_manager = None
        _validate(person)
        person.save()
        audit_record(
            actor=actor,
            action="person.transfer",
            organisation=from_org,
            obj=person,
            before=before,
            after={**person_snapshot(person), "organisation": str(to_organisation)},
        )
        audit_record(
            actor=actor,
            action="person.transfer",
            organisation=to_organisation,
            obj=person,
            before={"organisation": str(from_org)},
            after=person_snapshot(person),
        )
        people_changed(person_ids=[person.pk, *reports])
    return person


def import_files_discard(*, older_than: dt.timedelta | None = None, runs=None) -> int:
    """Delete uploaded HR files that are no longer needed (they hold personal data).

    A file is kept only between checking it and applying it; `older_than` purges files of checks
    never applied (the daily task uses 7 days). Runs and their reports are kept.
    """
    from django.core.files.storage import default_storage

    from bluelamp.people.models import ImportRun

    if runs is None:
        runs = ImportRun.objects.exclude(stored_file="")
        if older_than is not None:
            runs = runs.filter(started_at__lt=timezone.now() - older_than)
    names = {run.stored_file.name for run in runs if run.stored_file}
    for name in names:
        default_storage.delete(name)
    ImportRun.objects.filter(stored_file__in=names).update(stored_file="")
    return len(names)
