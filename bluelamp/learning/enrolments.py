"""Enrolling people on courses and unenrolling them.

Who may enrol whom:
- a learner themselves, where the course allows self-enrolment;
- a training administrator (learning.manage) anyone within their scope: individuals, a unit
  (and the units below it) or a CSV of staff numbers / e-mail addresses;
- a line manager their direct reports;
- the system, for training someone must do (`enrol_required`: trusted code of a domain above,
  never a view; no actor is checked).
In every case the course must be available to the person's organisation today (published, and
the licence rule of `selectors.owners_available_to`). Enrolment takes the course's current
version. Unenrolment keeps the enrolment, its progress and any completion as history.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.core.validation import date_errors, text_errors
from bluelamp.learning.models import Course, Enrolment
from bluelamp.learning.selectors import course_available_to, live_enrolment, manage_access
from bluelamp.people.api import Person

MAX_CSV_BYTES = 5 * 1024 * 1024


@dataclass
class EnrolmentResult:
    enrolled: list[Enrolment] = field(default_factory=list)
    already: list[Person] = field(default_factory=list)
    # (who, why) for each person who could not be enrolled.
    refused: list[tuple[str, str]] = field(default_factory=list)


def _may_enrol_other(actor, person: Person) -> str | None:
    """The method by which `actor` may enrol `person`, or None."""
    if person.line_manager_id == actor.pk:
        return Enrolment.Method.MANAGER
    access = manage_access(actor)
    if access.covers_unit(person.organisation_id, person.unit.path if person.unit else None):
        return Enrolment.Method.ADMIN
    return None


def _create(
    person, course: Course, *, method: str, actor, due_on: dt.date | None, at, reason: str = ""
) -> Enrolment:
    version = course.current_version
    assert version is not None  # the callers checked course_available_to
    enrolment = Enrolment.objects.create(
        person=person,
        course=course,
        version=version,
        method=method,
        enrolled_by=actor,
        enrolled_at=at,
        due_on=due_on,
    )
    audit_record(
        actor=actor,
        action="learning.enrol",
        organisation=person.organisation,
        obj=enrolment,
        object_label=f"{person.get_full_name()} on {course.code}",
        after={"course": course.code, "version": version.number, "method": method}
        | ({"due_on": due_on.isoformat() if due_on else None, "reason": reason} if reason else {}),
    )
    return enrolment


def enrol_self(*, person, course: Course, at: dt.datetime | None = None) -> Enrolment:
    if not course_available_to(course, person.organisation_id):
        raise ValidationError("This course is not available to your organisation.")
    if not course.self_enrolment:
        raise ValidationError(
            "You cannot enrol yourself on this course: ask your training administrator or line manager."
        )
    existing = live_enrolment(person, course)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _create(
                person,
                course,
                method=Enrolment.Method.SELF,
                actor=person,
                due_on=None,
                at=at or timezone.now(),
            )
    except IntegrityError:
        # Enrolled twice at once (double click): the other request won.
        existing = live_enrolment(person, course)
        if existing is None:
            raise
        return existing


def _check_due(due_on: dt.date | None, at: dt.datetime) -> None:
    if due_on is not None and due_on < timezone.localdate(at):
        raise ValidationError({"due_on": "The due date must be today or in the future."})
    # A year such as 9999 is a typo, not a plan (and reminders counting towards it would fail).
    errors = date_errors(due_on=due_on)
    if errors:
        raise ValidationError(errors)


def enrol_people(
    *,
    actor,
    course: Course,
    people,
    due_on: dt.date | None = None,
    method: str | None = None,
    at: dt.datetime | None = None,
) -> EnrolmentResult:
    """Enrol each person the actor may enrol (their reports; people within their learning.manage
    scope); the rest, outsiders included, are reported as refused, not raised.

    Those enrolled are written in one transaction: all of them, or (on an error) none.
    """
    at = at or timezone.now()
    _check_due(due_on, at)
    result = EnrolmentResult()
    with transaction.atomic():
        for person in people:
            how = _may_enrol_other(actor, person)
            if how is None:
                result.refused.append((person.get_full_name(), "not someone you can enrol"))
                continue
            if not person.is_active:
                result.refused.append((person.get_full_name(), "has left or is inactive"))
                continue
            if live_enrolment(person, course) is not None:
                result.already.append(person)
                continue
            if not course_available_to(course, person.organisation_id):
                result.refused.append(
                    (
                        person.get_full_name(),
                        "the course is not available to their organisation (licence or status)",
                    )
                )
                continue
            result.enrolled.append(
                _create(person, course, method=method or how, actor=actor, due_on=due_on, at=at)
            )
    return result


def enrol_unit(
    *, actor, course: Course, unit, include_below: bool = True, due_on: dt.date | None = None, at=None
) -> EnrolmentResult:
    access = manage_access(actor)
    if not access.covers_unit(unit.organisation_id, unit.path):
        raise PermissionDenied("You cannot enrol this unit.")
    people = Person.objects.filter(organisation_id=unit.organisation_id, is_active=True).select_related(
        "unit"
    )
    people = people.filter(unit__path__startswith=unit.path) if include_below else people.filter(unit=unit)
    return enrol_people(
        actor=actor,
        course=course,
        people=people.order_by("pk"),
        due_on=due_on,
        method=Enrolment.Method.UNIT,
        at=at,
    )


@dataclass
class CsvProblem:
    line: int
    value: str
    message: str


def read_enrolment_csv(actor, data: bytes) -> tuple[list[Person], list[CsvProblem]]:
    """People named in a CSV with a `staff_number` or `email` column (one per row)."""
    if len(data) > MAX_CSV_BYTES:
        return [], [CsvProblem(0, "", f"The file is larger than {MAX_CSV_BYTES // 1024 // 1024} MB.")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [CsvProblem(0, "", "The file is not UTF-8 text. Save it as 'CSV UTF-8' and try again.")]
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip().lower() for c in (reader.fieldnames or [])]
    if "staff_number" not in columns and "email" not in columns:
        return [], [CsvProblem(1, "", "The first row must name a staff_number or email column.")]
    reader.fieldnames = columns
    access = manage_access(actor)
    people: list[Person] = []
    problems: list[CsvProblem] = []
    seen: set[int] = set()
    for line, row in enumerate(reader, start=2):
        email = (row.get("email") or "").strip()
        staff_number = (row.get("staff_number") or "").strip()
        if not email and not staff_number:
            continue
        matches = Person.objects.select_related("unit")
        if email:
            matches = matches.filter(email__iexact=email)
        else:
            matches = matches.filter(staff_number=staff_number)
        found = [p for p in matches if access.covers_unit(p.organisation_id, p.unit.path if p.unit else None)]
        value = email or staff_number
        if not found:
            problems.append(CsvProblem(line, value, "no one with this in your organisation or units"))
        elif len(found) > 1:
            problems.append(CsvProblem(line, value, "more than one person matches: use the e-mail address"))
        elif found[0].pk not in seen:
            seen.add(found[0].pk)
            people.append(found[0])
    return people, problems


def enrol_csv(
    *, actor, course: Course, data: bytes, due_on: dt.date | None = None, at=None
) -> tuple[EnrolmentResult | None, list[CsvProblem]]:
    """All or nothing: any unknown person in the file and no one is enrolled."""
    people, problems = read_enrolment_csv(actor, data)
    if problems:
        return None, problems
    if not people:
        return None, [CsvProblem(0, "", "The file names no one.")]
    return enrol_people(
        actor=actor, course=course, people=people, due_on=due_on, method=Enrolment.Method.CSV, at=at
    ), []


def unenrol(*, actor, enrolment: Enrolment, reason: str = "", at: dt.datetime | None = None) -> Enrolment:
    """Withdraw the enrolment; its progress and any completion stay as history. The learner may
    withdraw from a course they enrolled on themselves; whoever may enrol them (their line manager,
    a training administrator in scope) may withdraw them."""
    person = enrolment.person
    if actor.pk != person.pk and _may_enrol_other(actor, person) is None:
        raise PermissionDenied("You cannot unenrol this person.")
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        return enrolment
    if actor.pk == person.pk and enrolment.method not in (Enrolment.Method.SELF,):
        raise ValidationError(
            "You were enrolled by your organisation; ask your training administrator to unenrol you."
        )
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise ValidationError({"reason": "The reason can be at most 500 characters."})
    errors = text_errors(reason=reason, multiline=("reason",))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        before = enrolment.status
        enrolment.status = Enrolment.Status.WITHDRAWN
        enrolment.withdrawn_at = at or timezone.now()
        enrolment.withdrawn_by = actor
        enrolment.withdrawn_reason = reason
        enrolment.save(update_fields=["status", "withdrawn_at", "withdrawn_by", "withdrawn_reason"])
        audit_record(
            actor=actor,
            action="learning.unenrol",
            organisation=person.organisation,
            obj=enrolment,
            object_label=f"{person.get_full_name()} on {enrolment.course.code}",
            before={"status": before},
            after={"status": enrolment.status, "reason": reason},
        )
    return enrolment


# --- required training (the system enrols) -------------------------------------------------------


def _check_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": "Say why the person must do this training."})
    if len(reason) > 500:
        raise ValidationError({"reason": "The reason can be at most 500 characters."})
    errors = text_errors(reason=reason)
    if errors:
        raise ValidationError(errors)
    return reason


def _check_system_due(due_on: dt.date | None) -> None:
    """A due date the system sets may be past (a deadline counted from a start date long ago: the
    enrolment is overdue at once); a year such as 9999 is still refused."""
    errors = date_errors(due_on=due_on)
    if errors:
        raise ValidationError(errors)


def enrol_required(
    *,
    person,
    course: Course,
    due_on: dt.date | None,
    at: dt.datetime | None = None,
    reason: str,
    again_after_completion: bool = False,
    method: str = Enrolment.Method.REQUIRED,
) -> Enrolment:
    """Enrol `person` on training they must do, due on `due_on`, as the system (method
    "required", or "programme" for a unit of a programme). For trusted code of a domain above
    learning (compliance, programmes), never for views: no actor is checked. `reason` (why they
    must: the rule) goes to the audit log.

    An enrolment in progress on the course is reused, its due date set to `due_on` if it differs.
    Someone who completed the course (their latest live enrolment is completed) is not enrolled
    again, and their completed enrolment is returned, unless `again_after_completion` (training
    that must be renewed): then a new enrolment starts, the completed one stays as history.
    Raises ValidationError for someone inactive or a leaver, or a course not available to their
    organisation (not published, or not licensed), only when a new enrolment would be made.
    Runs in the caller's transaction when there is one.
    """
    at = at or timezone.now()
    reason = _check_reason(reason)
    _check_system_due(due_on)
    existing = live_enrolment(person, course)
    if existing is not None and existing.status == Enrolment.Status.ACTIVE:
        return enrolment_set_due(enrolment=existing, due_on=due_on, reason=reason)
    if existing is not None and not again_after_completion:
        return existing
    if not person.is_active:
        raise ValidationError(f"{person.get_full_name()} has left or is inactive, so cannot be enrolled.")
    if not course_available_to(course, person.organisation_id):
        raise ValidationError(
            f"{course.code} is not available to {person.get_full_name()}'s organisation "
            "(it is not published, or their licence does not cover it)."
        )
    try:
        with transaction.atomic():
            return _create(
                person,
                course,
                method=method,
                actor=None,
                due_on=due_on,
                at=at,
                reason=reason,
            )
    except IntegrityError:
        # Enrolled at the same moment by someone else (or another rule): use theirs.
        existing = live_enrolment(person, course)
        if existing is None or existing.status != Enrolment.Status.ACTIVE:
            raise
        return enrolment_set_due(enrolment=existing, due_on=due_on, reason=reason)


def enrolment_set_due(*, enrolment: Enrolment, due_on: dt.date | None, reason: str = "") -> Enrolment:
    """Set (or, with None, clear) the enrolment's due date, as the system: for trusted code of a
    domain above learning, never for views (no actor is checked). A past date is accepted (the
    enrolment is then overdue). Audited when it changes; nothing is written when it does not.
    Raises ValidationError for a withdrawn enrolment."""
    _check_system_due(due_on)
    reason = _check_reason(reason) if reason.strip() else ""
    if enrolment.due_on == due_on and enrolment.status != Enrolment.Status.WITHDRAWN:
        return enrolment
    with transaction.atomic():
        locked = Enrolment.objects.select_for_update().select_related("person", "course").get(pk=enrolment.pk)
        if locked.status == Enrolment.Status.WITHDRAWN:
            raise ValidationError("The enrolment has been withdrawn: enrol the person again instead.")
        before = locked.due_on
        if before != due_on:
            locked.due_on = due_on
            locked.save(update_fields=["due_on"])
            person = locked.person
            audit_record(
                actor=None,
                action="learning.enrolment_due",
                organisation=person.organisation,
                obj=locked,
                object_label=f"{person.get_full_name()} on {locked.course.code}",
                before={"due_on": before.isoformat() if before else None},
                after={"due_on": due_on.isoformat() if due_on else None}
                | ({"reason": reason} if reason else {}),
            )
    enrolment.due_on = locked.due_on
    enrolment.status = locked.status
    return enrolment
