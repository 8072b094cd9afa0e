"""Escalation to training administrators: when someone has been overdue on a requirement for its
`escalate_after_days`, the training and organisation administrators whose organisation or unit
scope covers them are told (the daily `send_escalations` job, after the nightly sweep). National
roles are not: they would hear of every force.

One message per administrator per run, listing the newly escalated people; each person is
escalated once per due date (a new due date, after an extension or a lapse, may escalate again).
Each escalation is written to the audit log (who was told of whom, when), which is also what says
that a person was already escalated: the log is append-only and kept, where read notifications are
deleted after a year. A person no administrator covers is not recorded, so they are escalated once
someone is appointed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bluelamp.audit.api import AuditEvent, audit_record
from bluelamp.compliance import evaluation, rules
from bluelamp.compliance.models import Assignment, Requirement
from bluelamp.compliance.reminders import (
    ESCALATION,
    absolute_url,
    dashboard_path,
    date_in_words,
    subject_fit,
)
from bluelamp.core.timefmt import format_date
from bluelamp.notifications.api import Notice, notify_many
from bluelamp.organisations.api import LicenceType, Role, RoleAssignment, licensed_organisation_ids
from bluelamp.people.api import Person

logger = logging.getLogger(__name__)

ESCALATED_TO = (Role.TRAINING_ADMIN, Role.ORGANISATION_ADMIN)
ESCALATION_ACTION = "compliance.escalate"
ESCALATION_OBJECT = "compliance.assignment"
EMAIL_ESCALATION = "compliance/email/escalation"
_CHUNK = 1000


def escalation_key(row: Assignment) -> str:
    """How the audit log names one escalation: the assignment and the due date it was about."""
    assert row.due_on is not None
    return f"{row.pk}:{row.due_on.isoformat()}"


def _escalation_due(today: dt.date):
    """Assignments overdue at least their requirement's escalation period today (not yet checked
    for an earlier escalation)."""
    rows = (
        Assignment.objects.filter(
            in_audience=True,
            requirement__state=Requirement.State.ACTIVE,
            person__status=Person.Status.ACTIVE,
            person__is_active=True,
            due_on__lt=today,
        )
        .exclude(status=rules.EXEMPT)
        .select_related("person", "requirement", "unit", "organisation")
        .order_by(
            "organisation_id", "person__last_name", "person__first_name", "person_id", "requirement__code"
        )
    )
    for row in rows.iterator(chunk_size=_CHUNK):
        if row.due_on is not None and (today - row.due_on).days >= row.requirement.escalate_after_days:
            yield row


def administrators_over(rows: Sequence[Assignment], *, on: dt.date) -> dict[int, list[Person]]:
    """For each assignment (by pk), the active training and organisation administrators whose
    organisation or unit scope covers its person (never the person themselves). Roles in an
    organisation without its PL-P-101 licence in force confer nothing, so they are not told."""
    organisation_ids = {row.organisation_id for row in rows} & licensed_organisation_ids(
        LicenceType.DIGITAL_SERVICES, on=on
    )
    holders = list(
        RoleAssignment.objects.current()
        .filter(
            role__in=ESCALATED_TO,
            organisation_id__in=organisation_ids,
            person__status=Person.Status.ACTIVE,
            person__is_active=True,
        )
        .select_related("person", "unit")
    )
    by_organisation: dict[int, list[RoleAssignment]] = defaultdict(list)
    for holder in holders:
        if holder.organisation_id is not None:
            by_organisation[holder.organisation_id].append(holder)
    covered: dict[int, list[Person]] = {}
    for row in rows:
        path = row.unit.path if row.unit is not None else None
        admins: dict[int, Person] = {}
        for holder in by_organisation.get(row.organisation_id, []):
            if holder.person_id == row.person_id:
                continue
            if holder.unit is None or (path is not None and path.startswith(holder.unit.path)):
                admins[holder.person_id] = holder.person
        covered[row.pk] = list(admins.values())
    return covered


@dataclass(frozen=True)
class EscalationLine:
    name: str
    staff_number: str
    unit: str
    requirement: str
    due_on: dt.date
    due_words: str
    days_overdue: int
    person_path: str


def escalations_send(*, at: dt.datetime | None = None) -> int:
    """Tell administrators of people newly overdue beyond the requirement's escalation period: one
    message per administrator listing them, each person escalated once per due date. Returns how
    many people were escalated."""
    at = at or timezone.now()
    today = evaluation.local_day(at)
    candidates = list(_escalation_due(today))
    if not candidates:
        return 0
    with transaction.atomic():
        # Two runs at once: the second waits here, then finds the first one's escalations.
        list(
            Requirement.objects.select_for_update()
            .filter(pk__in=sorted({row.requirement_id for row in candidates}))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        done: set[str] = set()
        keys = [escalation_key(row) for row in candidates]
        for start in range(0, len(keys), _CHUNK):
            done.update(
                AuditEvent.objects.filter(
                    action=ESCALATION_ACTION,
                    object_type=ESCALATION_OBJECT,
                    object_id__in=keys[start : start + _CHUNK],
                ).values_list("object_id", flat=True)
            )
        fresh = [row for row in candidates if escalation_key(row) not in done]
        admins_of = administrators_over(fresh, on=today)
        told: dict[int, list[EscalationLine]] = defaultdict(list)
        recipients: dict[int, Person] = {}
        escalated = 0
        for row in fresh:
            admins = admins_of.get(row.pk, [])
            if not admins:
                # Nobody to tell yet: not recorded, so it is escalated once someone is appointed.
                logger.warning(
                    "No training administrator covers person %s (assignment %s)", row.person_id, row.pk
                )
                continue
            line = _escalation_line(row, today=today)
            for admin in admins:
                told[admin.pk].append(line)
                recipients[admin.pk] = admin
            audit_record(
                actor=None,
                action=ESCALATION_ACTION,
                organisation=row.organisation,
                object_type=ESCALATION_OBJECT,
                object_id=escalation_key(row),
                object_label=f"{row.person.get_full_name()}: {row.requirement.code} overdue since {format_date(row.due_on)}",
                after={
                    "person": row.person.get_full_name(),
                    "requirement": row.requirement.code,
                    "due_on": row.due_on,
                    "days_overdue": line.days_overdue,
                    "told": sorted(admin.get_full_name() or admin.email for admin in admins),
                },
            )
            escalated += 1
        notices = [_escalation_notice(recipients[pk], told[pk], today=today) for pk in sorted(recipients)]
        if notices:
            notify_many(notices, at=at)
    return escalated


def _escalation_line(row: Assignment, *, today: dt.date) -> EscalationLine:
    assert row.due_on is not None
    return EscalationLine(
        name=row.person.get_full_name(),
        staff_number=row.person.staff_number,
        unit=row.unit.full_path if row.unit is not None else "",
        requirement=f"{row.requirement.code} {row.requirement.title}",
        due_on=row.due_on,
        due_words=date_in_words(row.due_on),
        days_overdue=(today - row.due_on).days,
        person_path=reverse("compliance:person", args=[row.person.uuid]),
    )


def _escalation_notice(admin: Person, lines: list[EscalationLine], *, today: dt.date) -> Notice:
    people = len({(line.name, line.staff_number) for line in lines})
    subject = (
        f"{lines[0].name} is {lines[0].days_overdue} days overdue on {lines[0].requirement}"
        if len(lines) == 1
        else f"{people} {'person is' if people == 1 else 'people are'} long overdue on mandatory training"
    )
    body = "\n".join(
        [
            "Overdue for longer than the requirement allows, and newly so:",
            "",
            *(
                f"- {line.name}{f' ({line.staff_number})' if line.staff_number else ''}"
                f"{f', {line.unit}' if line.unit else ''}: {line.requirement}, due {line.due_words}, "
                f"{line.days_overdue} days overdue"
                for line in lines
            ),
        ]
    )
    # The dedupe key is the day and who is on the list: a second run finds nobody new (the audit
    # log says who was escalated), and a list that differs is a message of its own.
    digest = hashlib.sha256(
        "|".join(f"{line.person_path}{line.requirement}" for line in lines).encode()
    ).hexdigest()
    return Notice(
        person=admin,
        kind=ESCALATION,
        subject=subject_fit(subject),
        body=body,
        link=lines[0].person_path if len(lines) == 1 else dashboard_path(),
        email_template=EMAIL_ESCALATION,
        email_context={
            "lines": lines,
            "site": absolute_url(""),
        },
        dedupe_key=f"{ESCALATION}:{today.isoformat()}:{digest[:16]}",
    )
