"""Telling people about mandatory training: learners when it is assigned, coming due and overdue;
line managers once a week about their direct reports. The kinds of notification of the whole
domain (training administrators' escalations too) and its daily jobs are registered here.

Every notice goes through bluelamp.notifications (`notify_many`: in the app, and by e-mail after
commit, retried while the mail server is down) with a dedupe key naming the requirement and the
due date it is about, so a job that runs twice sends nothing twice, and one that missed a day
still sends what was due (each job looks at a window of due dates, not at one day).

- Assigned: when someone joins a requirement's audience needing the training (assigned, due or
  overdue), in the transaction that evaluated them (`evaluation.after_evaluation`).
- Due within 30 days, within 7 days, overdue: the daily `send_reminders` job. Only the nearest
  threshold is sent (no "30 days" notice with 5 days to go), and none that an assigned notice
  for the same due date already covered (told of it inside that window).
- The line managers' digest: the daily `send_manager_digests` job sends the ISO week's once (on
  its first run of the week, normally Monday's), one message per manager with direct reports due
  or overdue; none to a manager with nobody due or overdue.
- Escalation to training administrators: escalations.py (its kind is registered here).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from bluelamp.compliance import evaluation, rules
from bluelamp.compliance.evaluation import Change
from bluelamp.compliance.models import Assignment, Requirement, RequirementCourse, Sweep
from bluelamp.core.timefmt import format_date
from bluelamp.notifications.api import Notice, Notification, notify_many, register_notification_kind
from bluelamp.people.api import Person

ASSIGNED = "compliance.assigned"
DUE_30 = "compliance.due_30"
DUE_7 = "compliance.due_7"
OVERDUE = "compliance.overdue"
DIGEST = "compliance.digest"
ESCALATION = "compliance.escalation"

# Days before the due date each reminder opens (the overdue notice opens the day after it).
REMINDER_DAYS = {DUE_30: 30, DUE_7: 7}
# Overdue notices are looked for this far back: beyond it, the person has long been told.
OVERDUE_LOOKBACK_DAYS = 365
NEEDS_TRAINING = {rules.ASSIGNED, rules.DUE, rules.OVERDUE}
DIGEST_RUN = "weekly_digest"
_CHUNK = 1000

EMAIL_LEARNER = "compliance/email/learner_notice"
EMAIL_DIGEST = "compliance/email/digest"


def register() -> None:
    """Called once at start-up (plugins.py): the kinds of notification, the hook that tells people
    they were assigned, and the daily jobs."""
    from bluelamp.compliance import tasks
    from bluelamp.core.plugins import register_jobs

    register_notification_kind(
        ASSIGNED,
        "Mandatory training assigned to you",
        email_optional=False,
        description="Training your organisation requires of you, and when it is due. Always sent "
        "by e-mail: it tells you of a duty of your job.",
    )
    register_notification_kind(
        DUE_30,
        "Mandatory training due within 30 days",
        email_optional=True,
        description="A reminder a month before your mandatory training is due.",
    )
    register_notification_kind(
        DUE_7,
        "Mandatory training due within 7 days",
        email_optional=True,
        description="A reminder a week before your mandatory training is due.",
    )
    register_notification_kind(
        OVERDUE,
        "Overdue mandatory training",
        email_optional=False,
        description="Mandatory training whose due date has passed. Always sent by e-mail: your "
        "organisation requires it of you.",
    )
    register_notification_kind(
        DIGEST,
        "Weekly summary of your team's mandatory training",
        email_optional=True,
        description="On Mondays, for line managers: who of your direct reports is due or overdue.",
    )
    register_notification_kind(
        ESCALATION,
        "People long overdue on mandatory training",
        email_optional=False,
        description="For training administrators: people in your scope overdue for longer than "
        "the requirement allows. Always sent by e-mail: following them up is part of your role.",
    )
    evaluation.after_evaluation(assigned_notify)
    register_jobs(
        frequency="daily",
        tasks=[
            tasks.nightly_sweep,
            tasks.send_reminders,
            tasks.send_manager_digests,
            tasks.send_escalations,
            tasks.send_scheduled_reports,
        ],
    )


# --- words and links ------------------------------------------------------------------------------


def date_in_words(day: dt.date) -> str:
    """'Friday 3 April 2026'."""
    return f"{day:%A} {format_date(day)}"


def days_in_words(day: dt.date, *, today: dt.date) -> str:
    """How far `day` is from `today`: 'today', 'tomorrow', 'in 12 days', 'yesterday', '3 days ago'."""
    n = (day - today).days
    if n == 0:
        return "today"
    if n == 1:
        return "tomorrow"
    if n == -1:
        return "yesterday"
    return f"in {n} days" if n > 0 else f"{-n} days ago"


def mine_path() -> str:
    """My mandatory training (/compliance/people/me/)."""
    return reverse("compliance:mine")


def subject_fit(text: str) -> str:
    """A subject that fits a notification's (200 characters): a long title is cut, not refused."""
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:199].rstrip() + "…"


@dataclass(frozen=True)
class _RequirementFacts:
    id: int
    code: str
    title: str
    course_path: str  # the first course's page, or "" when it has none


def _requirement_facts(ids: Iterable[int]) -> dict[int, _RequirementFacts]:
    wanted = set(ids)
    if not wanted:
        return {}
    first_course: dict[int, str] = {}
    for requirement_id, course_uuid in (
        RequirementCourse.objects.filter(requirement_id__in=wanted)
        .order_by("requirement_id", "order", "id")
        .values_list("requirement_id", "course__uuid")
    ):
        first_course.setdefault(requirement_id, reverse("learning:course", args=[course_uuid]))
    return {
        pk: _RequirementFacts(pk, code, title, first_course.get(pk, ""))
        for pk, code, title in Requirement.objects.filter(pk__in=wanted).values_list("pk", "code", "title")
    }


def _learner_notice(
    *, person, kind: str, requirement: _RequirementFacts, due_on: dt.date, today: dt.date
) -> Notice:
    when = date_in_words(due_on)
    relative = days_in_words(due_on, today=today)
    name = f"{requirement.code} {requirement.title}"
    if kind == ASSIGNED:
        subject = f"Mandatory training assigned: {requirement.title}, due {when}"
        lead = f"Your organisation requires you to complete {name} by {when} ({relative})."
        if due_on < today:
            subject = f"Mandatory training assigned: {requirement.title}, overdue since {when}"
            lead = f"Your organisation requires you to complete {name}. It was due on {when}, so it is already overdue: please complete it as soon as you can."
    elif kind == OVERDUE:
        subject = f"Overdue: {requirement.title} was due on {when}"
        lead = f"{name} was due on {when} ({relative}) and is now overdue. Please complete it as soon as you can; your organisation requires it."
    else:
        subject = f"Reminder: {requirement.title} is due {relative}, on {when}"
        lead = f"{name} is due on {when} ({relative})."
    mine = mine_path()
    link = requirement.course_path or mine
    body = f"{lead}\n\nDue date: {when}."
    return Notice(
        person=person,
        kind=kind,
        subject=subject_fit(subject),
        body=body,
        link=link,
        email_template=EMAIL_LEARNER,
        email_context={
            "lead": lead,
            "requirement_name": name,
            "due_words": when,
            "course_url": absolute_url(requirement.course_path) if requirement.course_path else "",
            "mine_url": absolute_url(mine),
        },
        dedupe_key=f"{kind}:{requirement.id}:{due_on.isoformat()}",
    )


def absolute_url(path: str) -> str:
    from django.conf import settings

    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _active_people(ids: Iterable[int]) -> dict[int, Person]:
    return {
        p.pk: p
        for p in Person.objects.filter(pk__in=set(ids), status=Person.Status.ACTIVE, is_active=True).only(
            "pk", "email", "first_name", "last_name", "is_active", "status"
        )
    }


# --- assigned: as evaluation finds people joining an audience --------------------------------------


def assigned_notify(changes: list[Change], at: dt.datetime) -> None:
    """Tell people who joined a requirement's audience and need the training (not those already
    compliant, exempt or suspended). Runs in the evaluation's transaction: the notifications are
    written with the assignments, their e-mails go after commit."""
    wanted = [c for c in changes if c.joined and c.status in NEEDS_TRAINING and c.due_on is not None]
    if not wanted:
        return
    today = evaluation.local_day(at)
    people = _active_people(c.person_id for c in wanted)
    facts = _requirement_facts(c.requirement_id for c in wanted)
    notices = [
        _learner_notice(
            person=people[c.person_id],
            kind=ASSIGNED,
            requirement=facts[c.requirement_id],
            due_on=c.due_on,
            today=today,
        )
        for c in wanted
        if c.person_id in people and c.requirement_id in facts and c.due_on is not None
    ]
    if notices:
        notify_many(notices, at=at)


# --- reminders: due within 30 days, within 7, overdue ---------------------------------------------


def reminder_kind(due_on: dt.date, *, today: dt.date) -> str | None:
    """The one reminder that applies today: the nearest threshold passed, so a missed day still
    sends the right one and never an out-of-date one."""
    days = (due_on - today).days
    if days < 0:
        return OVERDUE
    if days <= REMINDER_DAYS[DUE_7]:
        return DUE_7
    if days <= REMINDER_DAYS[DUE_30]:
        return DUE_30
    return None


def _opens_on(kind: str, due_on: dt.date) -> dt.date:
    if kind == OVERDUE:
        return due_on + dt.timedelta(days=1)
    return due_on - dt.timedelta(days=REMINDER_DAYS[kind])


def _assigned_notices_on(rows: Sequence[Assignment]) -> dict[tuple[int, str], dt.date]:
    """When each person was told of being assigned, by (person, dedupe key), for these rows."""
    keys = {f"{ASSIGNED}:{a.requirement_id}:{a.due_on.isoformat()}" for a in rows if a.due_on}
    found = Notification.objects.filter(
        kind=ASSIGNED, person_id__in={a.person_id for a in rows}, dedupe_key__in=keys
    ).values_list("person_id", "dedupe_key", "created_at")
    return {(pid, key or ""): timezone.localdate(created) for pid, key, created in found}


def reminders_send(*, at: dt.datetime | None = None) -> int:
    """Send today's reminders (due within 30 days, within 7, overdue) to everyone in an audience
    who has not had them for their current due date. Returns how many were sent."""
    at = at or timezone.now()
    today = evaluation.local_day(at)
    rows = (
        Assignment.objects.filter(
            in_audience=True,
            requirement__state=Requirement.State.ACTIVE,
            person__status=Person.Status.ACTIVE,
            person__is_active=True,
            due_on__gte=today - dt.timedelta(days=OVERDUE_LOOKBACK_DAYS),
            due_on__lte=today + dt.timedelta(days=REMINDER_DAYS[DUE_30]),
        )
        .exclude(status=rules.EXEMPT)
        .select_related("person")
        .order_by("person_id", "requirement_id")
    )
    sent = 0
    chunk: list[Assignment] = []
    for row in rows.iterator(chunk_size=_CHUNK):
        chunk.append(row)
        if len(chunk) >= _CHUNK:
            sent += _remind(chunk, today=today, at=at)
            chunk = []
    if chunk:
        sent += _remind(chunk, today=today, at=at)
    return sent


def _remind(rows: list[Assignment], *, today: dt.date, at: dt.datetime) -> int:
    told_assigned = _assigned_notices_on(rows)
    facts = _requirement_facts(a.requirement_id for a in rows)
    notices = []
    for row in rows:
        if row.due_on is None:
            continue
        kind = reminder_kind(row.due_on, today=today)
        if kind is None:
            continue
        # Told of the assignment on or after this reminder opened: it said as much already.
        told_on = told_assigned.get(
            (row.person_id, f"{ASSIGNED}:{row.requirement_id}:{row.due_on.isoformat()}")
        )
        if told_on is not None and told_on >= _opens_on(kind, row.due_on):
            continue
        notices.append(
            _learner_notice(
                person=row.person,
                kind=kind,
                requirement=facts[row.requirement_id],
                due_on=row.due_on,
                today=today,
            )
        )
    if not notices:
        return 0
    with transaction.atomic():
        return len(notify_many(notices, at=at))


# --- the line managers' weekly digest --------------------------------------------------------------


def week_of(day: dt.date) -> tuple[dt.date, str]:
    """The Monday of `day`'s ISO week, and its name ('2026-W10')."""
    iso = day.isocalendar()
    return day - dt.timedelta(days=day.weekday()), f"{iso.year}-W{iso.week:02d}"


@dataclass(frozen=True)
class DigestLine:
    name: str
    staff_number: str
    requirement: str
    status: str  # "Due" / "Overdue"
    due_on: dt.date
    due_words: str
    person_path: str  # their page, which their line manager may open


def manager_digests_send(*, at: dt.datetime | None = None) -> int:
    """Send the week's digest to each line manager with direct reports due or overdue, once per
    ISO week (the first run of the week does it, whatever the day). Returns how many were sent."""
    at = at or timezone.now()
    today = evaluation.local_day(at)
    monday, week = week_of(today)
    with transaction.atomic():
        if Sweep.objects.filter(kind=DIGEST_RUN, on=monday).exists():
            return 0
        run = Sweep.objects.create(kind=DIGEST_RUN, on=monday, started_at=at)
        lines: dict[int, list[DigestLine]] = defaultdict(list)
        rows = (
            Assignment.objects.filter(
                in_audience=True,
                status__in=[rules.DUE, rules.OVERDUE],
                requirement__state=Requirement.State.ACTIVE,
                person__status=Person.Status.ACTIVE,
                person__is_active=True,
                person__line_manager__isnull=False,
            )
            .select_related("person", "requirement")
            .order_by("person__last_name", "person__first_name", "person_id", "due_on", "requirement__code")
        )
        for row in rows.iterator(chunk_size=_CHUNK):
            manager_id = row.person.line_manager_id
            if row.due_on is None or manager_id is None:
                continue  # neither happens (the query asks for both): for the type checker
            overdue = row.due_on < today  # so even before today's sweep
            lines[manager_id].append(
                DigestLine(
                    name=row.person.get_full_name(),
                    staff_number=row.person.staff_number,
                    requirement=f"{row.requirement.code} {row.requirement.title}",
                    status="Overdue" if overdue else "Due",
                    due_on=row.due_on,
                    due_words=date_in_words(row.due_on),
                    person_path=reverse("compliance:person", args=[row.person.uuid]),
                )
            )
        managers = _active_people(lines)
        notices = [
            _digest_notice(managers[pk], lines[pk], week=week, monday=monday) for pk in sorted(managers)
        ]
        made = notify_many(notices, at=at) if notices else []
        run.finished_at, run.people = timezone.now(), len(made)
        run.save(update_fields=["finished_at", "people"])
    return len(made)


def _digest_notice(manager: Person, lines: list[DigestLine], *, week: str, monday: dt.date) -> Notice:
    overdue = sum(1 for line in lines if line.status == "Overdue")
    due = len(lines) - overdue
    people = len({(line.name, line.staff_number) for line in lines})
    counts = " and ".join(
        part for part in (f"{overdue} overdue" if overdue else "", f"{due} due" if due else "") if part
    )
    subject = f"Your team's mandatory training, week of {format_date(monday)}: {counts}"
    body_lines = [
        f"{people} of your direct reports {'has' if people == 1 else 'have'} mandatory training due or overdue:",
        "",
        *(
            f"- {line.name}: {line.requirement}, {line.status.lower()} (due {line.due_words})"
            for line in lines
        ),
    ]
    return Notice(
        person=manager,
        kind=DIGEST,
        subject=subject_fit(subject),
        body="\n".join(body_lines),
        link=dashboard_path(team=True),
        email_template=EMAIL_DIGEST,
        email_context={
            "lines": lines,
            "people_count": people,
            "week": week,
            "team_url": absolute_url(dashboard_path(team=True)),
            "site": absolute_url(""),
        },
        dedupe_key=f"{DIGEST}:{week}",
    )


def dashboard_path(*, team: bool = False) -> str:
    """The compliance dashboard (people's standing, scoped to the reader), or a line manager's
    team view of it; My mandatory training while the dashboard is not there."""
    try:
        path = reverse("compliance:dashboard")
    except NoReverseMatch:
        return mine_path()
    return f"{path}?view=team" if team else path
