"""Compliance reports e-mailed on a schedule: who may keep them, what a valid one is, and the daily
job that sends those whose day has come.

Who: those who manage an organisation's mandatory training (services.may_manage_requirements:
"Manage courses and enrolments" over the whole organisation) keep its schedules; anyone else is
told "not found". A report names people, so it goes only to people who may see them by name
(selectors.sight: training and organisation administrators and report viewers over the
organisation, or over the schedule's unit). That is checked when the schedule is saved and again
when each report is sent: someone who lost the role since stops receiving it.

When: weekly schedules are due each Monday, monthly ones on the 1st. The daily job sends each due
schedule once for its period (`last_sent_on`), so a missed day is made up by the next run and a
second run sends nothing. A schedule created in the middle of a period first goes at the start of
the next. The report is the one of `report.compliance_rows` (plus name and unit) as things stand
on the day it is sent, attached as CSV or XLSX (bluelamp.core.exports, which escapes formulas), and
queued through bluelamp.notifications in the same transaction that records it as sent: an SMTP
outage delays it, never loses it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.compliance import evaluation
from bluelamp.compliance.models import ReportSchedule, Requirement
from bluelamp.compliance.report import compliance_rows
from bluelamp.compliance.selectors import organisations_managed, sight
from bluelamp.compliance.services import may_manage_requirements
from bluelamp.core.exports import CONTENT_TYPES, dataset, dataset_bytes
from bluelamp.core.timefmt import format_date
from bluelamp.notifications.api import OutgoingEmail, email_queue, email_render
from bluelamp.organisations.api import Organisation, Unit
from bluelamp.people.api import Person

logger = logging.getLogger(__name__)

MAX_RECIPIENTS = 20
HEADER = ("staff_number", "name", "unit", "requirement", "status", "due_date", "expires")
EMAIL_TEMPLATE = "compliance/email/scheduled_report"
EMAIL_KIND = "compliance.scheduled_report"


# --- reading: which schedules an actor may see ----------------------------------------------------


def schedules_visible(actor) -> QuerySet[ReportSchedule]:
    """Schedules of the organisations whose mandatory training the actor manages."""
    organisations = organisations_managed(actor)
    return ReportSchedule.objects.filter(organisation__in=organisations).select_related(
        "organisation", "unit", "requirement"
    )


def access_schedule(actor, schedule_uuid) -> ReportSchedule:
    """A schedule the actor may change; "not found" for any other, as for one that does not exist."""
    schedule = (
        ReportSchedule.objects.select_related("organisation", "unit", "requirement")
        .filter(uuid=schedule_uuid)
        .first()
    )
    if schedule is None or not may_manage_requirements(actor, schedule.organisation):
        raise Http404("No such schedule")
    return schedule


def requirements_for(organisation: Organisation, *, on: dt.date | None = None) -> QuerySet[Requirement]:
    """Active requirements that apply to `organisation`'s people: its own, and the national body's
    where its PL-P-200 licence is in force."""
    national, licensed = evaluation._scope(on or evaluation.local_day(None))
    owners = {organisation.pk}
    if national is not None and organisation.pk in licensed:
        owners.add(national)
    return Requirement.objects.filter(owner_id__in=owners, state=Requirement.State.ACTIVE).order_by("code")


# --- writing: create, change, delete ----------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleInput:
    """A schedule as the form gives it: `recipients` as typed (one address per line)."""

    frequency: str
    format: str
    recipients: str
    unit: Unit | None = None
    requirement: Requirement | None = None
    active: bool = True


def recipients_parse(text: str) -> tuple[list[str], list[str]]:
    """The addresses of `text` (one per line; commas and semicolons also separate), and what is
    wrong with them, each problem naming the line and the value."""
    addresses: list[str] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        for value in line.replace(";", ",").split(","):
            value = value.strip()
            if not value:
                continue
            try:
                validate_email(value)
            except ValidationError:
                problems.append(
                    f"Line {number}, “{value[:80]}”, is not an e-mail address: enter addresses like name@kent.police.uk, one per line"
                )
                continue
            if value.casefold() in seen:
                problems.append(f"{value} is listed twice: enter each address once")
                continue
            seen.add(value.casefold())
            addresses.append(value)
    if not addresses and not problems:
        problems.append("Enter at least one e-mail address, one per line")
    if len(addresses) > MAX_RECIPIENTS:
        problems.append(
            f"You entered {len(addresses)} addresses: at most {MAX_RECIPIENTS} are accepted. A shared mailbox can stand for a team"
        )
    return addresses, problems


def _may_see_report(person: Person, organisation: Organisation, unit: Unit | None) -> bool:
    names = sight(person).names
    return names.covers_organisation(organisation.pk) or (
        unit is not None and names.covers_unit(organisation.pk, unit.path)
    )


def recipients_allowed(
    addresses: Sequence[str], *, organisation: Organisation, unit: Unit | None
) -> tuple[list[str], list[str]]:
    """Of `addresses`, those of active people who may see the report's people by name (as their
    account spells them), and those that are not."""
    people = {
        p.email.casefold(): p
        for p in Person.objects.filter(
            email__in=[a for a in addresses], status=Person.Status.ACTIVE, is_active=True
        )
    }
    # E-mail addresses are unique whatever their case: look up those typed in another case too.
    for address in addresses:
        if address.casefold() not in people:
            match = Person.objects.filter(
                email__iexact=address, status=Person.Status.ACTIVE, is_active=True
            ).first()
            if match is not None:
                people[address.casefold()] = match
    allowed, refused = [], []
    for address in addresses:
        person = people.get(address.casefold())
        if person is not None and _may_see_report(person, organisation, unit):
            allowed.append(person.email)
        else:
            refused.append(address)
    return allowed, refused


def schedule_errors(
    *, organisation: Organisation, data: ScheduleInput
) -> tuple[dict[str, list[str]], list[str]]:
    """What is wrong with `data`, by field (empty when it can be saved), and the recipients' addresses."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if data.frequency not in ReportSchedule.Frequency.values:
        add("frequency", "Choose how often: weekly (on Mondays) or monthly (on the 1st)")
    if data.format not in ReportSchedule.Format.values:
        add("format", "Choose the file format: CSV or Excel (XLSX)")
    if data.unit is not None and data.unit.organisation_id != organisation.pk:
        add(
            "unit",
            f"{data.unit.full_path} is not one of {organisation.name}'s units: choose one of them, or none",
        )
    if (
        data.requirement is not None
        and not requirements_for(organisation).filter(pk=data.requirement.pk).exists()
    ):
        add(
            "requirement",
            f"{data.requirement.code} does not apply to {organisation.name}'s people: choose one of its active requirements, or all",
        )
    addresses, problems = recipients_parse(data.recipients)
    for problem in problems:
        add("recipients", problem)
    if addresses and not problems and "unit" not in errors:
        allowed, refused = recipients_allowed(addresses, organisation=organisation, unit=data.unit)
        scope = f"{organisation.name}: {data.unit.full_path}" if data.unit is not None else organisation.name
        for address in refused:
            add(
                "recipients",
                f"{address} is not the address of anyone who may see {scope}'s people by name. The report names people, so it goes only to training administrators, organisation administrators and report viewers over them",
            )
        addresses = allowed
    return errors, addresses


def _snapshot(schedule: ReportSchedule) -> dict:
    return {
        "frequency": schedule.frequency,
        "format": schedule.format,
        "recipients": list(schedule.recipients),
        "unit": schedule.unit.full_path if schedule.unit else "",
        "requirement": schedule.requirement.code if schedule.requirement else "",
        "active": schedule.active,
    }


def report_schedule_save(
    *,
    actor,
    organisation: Organisation,
    data: ScheduleInput,
    schedule: ReportSchedule | None = None,
    at: dt.datetime | None = None,
) -> ReportSchedule:
    """Create a schedule for `organisation` (or change `schedule`), after checking that the actor
    manages its mandatory training and that everything is valid; audited in the same transaction.
    Raises ValidationError by field, PermissionDenied for an actor who may not."""
    if schedule is not None:
        organisation = schedule.organisation
    if actor is not None and not may_manage_requirements(actor, organisation):
        raise PermissionDenied("You may not manage this organisation's mandatory training reports.")
    errors, addresses = schedule_errors(organisation=organisation, data=data)
    if errors:
        raise ValidationError(errors)
    now = at or timezone.now()
    with transaction.atomic():
        before = _snapshot(schedule) if schedule is not None else None
        if schedule is None:
            schedule = ReportSchedule(organisation=organisation, created_by=actor, created_at=now)
        schedule.frequency = data.frequency
        schedule.format = data.format
        schedule.recipients = addresses
        schedule.unit = data.unit
        schedule.requirement = data.requirement
        schedule.active = data.active
        schedule.full_clean()
        schedule.save()
        audit_record(
            actor=actor,
            action="compliance.report_schedule_update" if before else "compliance.report_schedule_create",
            organisation=organisation,
            obj=schedule,
            object_label=describe(schedule),
            before=before,
            after=_snapshot(schedule),
        )
    return schedule


def report_schedule_delete(*, actor, schedule: ReportSchedule) -> None:
    if actor is not None and not may_manage_requirements(actor, schedule.organisation):
        raise PermissionDenied("You may not manage this organisation's mandatory training reports.")
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="compliance.report_schedule_delete",
            organisation=schedule.organisation,
            obj=schedule,
            object_label=describe(schedule),
            before=_snapshot(schedule),
        )
        schedule.delete()


def describe(schedule: ReportSchedule) -> str:
    """'Weekly (Mondays) CSV report of Kent Police: East, FA'."""
    scope = schedule.organisation.name + (f": {schedule.unit.full_path}" if schedule.unit else "")
    what = schedule.requirement.code if schedule.requirement else "all requirements"
    return f"{schedule.get_frequency_display()} {schedule.get_format_display()} report of {scope}, {what}"


# --- sending -----------------------------------------------------------------------------------------


def period_start(frequency: str, day: dt.date) -> dt.date:
    """The day the period holding `day` began: its week's Monday, or its month's 1st."""
    if frequency == ReportSchedule.Frequency.MONTHLY:
        return day.replace(day=1)
    return day - dt.timedelta(days=day.weekday())


def is_due(schedule: ReportSchedule, day: dt.date) -> bool:
    """Whether the report of the period holding `day` is still to send: the period began on or
    after the schedule was made (so a new one first goes at the next Monday or 1st), and nothing
    was sent for it yet."""
    start = period_start(schedule.frequency, day)
    return (
        schedule.active
        and start >= timezone.localdate(schedule.created_at)
        and (schedule.last_sent_on is None or schedule.last_sent_on < start)
    )


@dataclass(frozen=True)
class ReportFile:
    filename: str
    content: bytes
    mimetype: str
    rows: int
    statuses: dict[str, int]


def report_file(schedule: ReportSchedule, *, on: dt.date) -> ReportFile:
    """The schedule's report as things stand on `on`: one row per active person per requirement
    that applies to them (of the schedule's unit and below, and its requirement, if it has them)."""
    people = None
    if schedule.unit is not None:
        people = Person.objects.filter(
            organisation=schedule.organisation, unit__path__startswith=schedule.unit.path
        )
    table = dataset(headers=HEADER, title="Compliance")
    statuses: Counter[str] = Counter()
    count = 0
    for row in compliance_rows(
        organisation=schedule.organisation, on=on, requirement=schedule.requirement, people=people
    ):
        table.append(
            (
                row.staff_number,
                row.name,
                row.unit,
                row.requirement_code,
                row.status,
                row.due_on,
                row.expires_on,
            )
        )
        statuses[row.status] += 1
        count += 1
    fmt = schedule.format
    name = "-".join(
        part
        for part in (
            "compliance",
            schedule.organisation.slug,
            schedule.requirement.code.lower() if schedule.requirement else "",
            on.isoformat(),
        )
        if part
    )
    return ReportFile(
        filename=f"{name}.{fmt}",
        content=dataset_bytes(table, fmt=fmt),
        mimetype=CONTENT_TYPES[fmt].split(";")[0],
        rows=count,
        statuses=dict(statuses),
    )


def report_schedule_send(schedule: ReportSchedule, *, at: dt.datetime | None = None) -> OutgoingEmail | None:
    """Send one due schedule's report, to those of its recipients who may still see it, and record
    it as sent for the current period, in one transaction. Returns the queued e-mail; None when it
    was not due (another run sent it) or no recipient may still have it (nothing is sent, and the
    period counts as done)."""
    at = at or timezone.now()
    day = evaluation.local_day(at)
    with transaction.atomic():
        schedule = (
            ReportSchedule.objects.select_for_update(of=("self",))
            .select_related("organisation", "unit", "requirement")
            .get(pk=schedule.pk)
        )
        if not is_due(schedule, day):
            return None  # another run sent it while this one waited
        allowed, refused = recipients_allowed(
            schedule.recipients, organisation=schedule.organisation, unit=schedule.unit
        )
        for address in refused:
            logger.warning(
                "Scheduled report %s not sent to %s: no longer someone who may see it", schedule.uuid, address
            )
        email = None
        if allowed:
            report = report_file(schedule, on=day)
            scope = schedule.organisation.name + (f": {schedule.unit.full_path}" if schedule.unit else "")
            subject = f"Mandatory training report, {scope}, {format_date(day)}"
            text, html = email_render(
                EMAIL_TEMPLATE,
                {
                    "subject": subject,
                    "schedule": schedule,
                    "description": describe(schedule),
                    "scope": scope,
                    "on": format_date(day),
                    "report": report,
                    "statuses": sorted(report.statuses.items()),
                },
            )
            email = email_queue(
                to=allowed,
                subject=subject,
                text=text,
                html=html,
                attachments=[(report.filename, report.content, report.mimetype)],
                kind=EMAIL_KIND,
                at=at,
            )
        schedule.last_sent_on = day
        schedule.save(update_fields=["last_sent_on"])
    return email


def report_schedules_send(*, at: dt.datetime | None = None) -> int:
    """Send every schedule that is due today (once per period). A schedule that fails is logged
    and left due, for the next run; the others still go. Returns how many were sent."""
    at = at or timezone.now()
    day = evaluation.local_day(at)
    sent = 0
    for schedule in ReportSchedule.objects.filter(active=True).select_related("organisation").order_by("pk"):
        if not is_due(schedule, day):
            continue
        try:
            if report_schedule_send(schedule, at=at) is not None:
                sent += 1
        except Exception:  # noqa: BLE001 - one broken schedule must not stop the others
            logger.exception("Scheduled report %s could not be sent; it stays due", schedule.uuid)
    return sent


__all__ = [
    "ScheduleInput",
    "access_schedule",
    "describe",
    "is_due",
    "period_start",
    "recipients_parse",
    "report_file",
    "report_schedule_delete",
    "report_schedule_save",
    "report_schedule_send",
    "report_schedules_send",
    "requirements_for",
    "schedules_visible",
]
