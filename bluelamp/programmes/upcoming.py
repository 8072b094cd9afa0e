"""Upcoming tasks for learners: what each person has due in the next 14 days across their
programmes and courses (every domain's source, bluelamp/core/upcoming.py), a programme's units
named with their programme, and the notices about it: a weekly digest on Mondays and a reminder
3 days before each deadline (the daily job `tasks.send_upcoming_tasks`).

Functions take the London date they are about (`on`); only the job reads the clock. Each notice
has a dedupe key (the ISO week of a digest; the task and its due date of a reminder), so a job
that runs twice sends nothing twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from bluelamp.core.plugins import register_jobs
from bluelamp.core.timefmt import format_date
from bluelamp.core.upcoming import UpcomingTask, people_with_upcoming, upcoming_tasks
from bluelamp.learning.api import Enrolment
from bluelamp.notifications.api import Notice, notify_many, register_notification_kind
from bluelamp.people.api import Person
from bluelamp.programmes.models import Place, ProgrammeUnit

DIGEST = "programmes.upcoming_digest"
DUE_SOON = "programmes.due_soon"
EMAIL_DIGEST = "programmes/email/digest"

# "The next 14 days": today and the 14 days after it.
WINDOW_DAYS = 14
DUE_SOON_DAYS = 3
LEARNING_KEY = "learning.enrolment:"
_CHUNK = 500


def register() -> None:
    """Called once at start-up (plugins.py): the two kinds of notice and the daily job."""
    from bluelamp.programmes import tasks

    register_notification_kind(
        DIGEST,
        "Weekly digest of upcoming tasks",
        email_optional=True,
        description="On Mondays: what you have due in the next 14 days across your programmes and courses.",
    )
    register_notification_kind(
        DUE_SOON,
        "Reminders 3 days before a deadline",
        email_optional=True,
        description="A course, unit, assignment, quiz or mandatory training of yours due in 3 days.",
    )
    register_jobs(frequency="daily", tasks=[tasks.send_upcoming_tasks])


# --- words ------------------------------------------------------------------------------------


def window(on: dt.date) -> tuple[dt.date, dt.date]:
    return on, on + dt.timedelta(days=WINDOW_DAYS)


def due_words(day: dt.date, *, today: dt.date) -> str:
    """'due today', 'due tomorrow', 'due in 3 days'; 'overdue' for a day gone."""
    days = (day - today).days
    if days < 0:
        return "overdue"
    if days == 0:
        return "due today"
    if days == 1:
        return "due tomorrow"
    return f"due in {days} days"


def long_date(day: dt.date) -> str:
    """'Thursday 5 November 2026'."""
    return f"{day:%A} {format_date(day)}"


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


# --- a person's tasks -------------------------------------------------------------------------


def with_programmes(person, tasks: list[UpcomingTask]) -> list[UpcomingTask]:
    """Name the programme of each course that is a unit of one of the person's programmes
    (learning lists them as courses, knowing nothing of programmes). Two queries, or none."""
    uuids = [t.key.removeprefix(LEARNING_KEY) for t in tasks if t.key.startswith(LEARNING_KEY)]
    if not uuids:
        return tasks
    course_of = {
        str(uuid): course_id
        for uuid, course_id in Enrolment.objects.filter(person=person, uuid__in=uuids).values_list(
            "uuid", "course_id"
        )
    }
    programme_of: dict[int, str] = {}
    versions = Place.objects.filter(person=person, status=Place.Status.ACTIVE).values("version_id")
    for unit_course, title in ProgrammeUnit.objects.filter(unit_set__version_id__in=versions).values_list(
        "course_id", "unit_set__version__programme__title"
    ):
        programme_of.setdefault(unit_course, title)
    named = []
    for task in tasks:
        course_id: int | None = None
        if task.key.startswith(LEARNING_KEY):
            course_id = course_of.get(task.key.removeprefix(LEARNING_KEY))
        if course_id is not None and course_id in programme_of:
            task = replace(task, kind="Programme unit", context=programme_of[course_id])
        named.append(task)
    return named


def tasks_for(person, *, start: dt.date, end: dt.date) -> list[UpcomingTask]:
    """The person's tasks due from `start` to `end` inclusive, their programmes named."""
    return with_programmes(person, upcoming_tasks(person, start=start, end=end))


def _people(ids: Iterable[int]):
    return (
        Person.objects.filter(pk__in=set(ids), status=Person.Status.ACTIVE, is_active=True)
        .order_by("pk")
        .only("pk", "email", "first_name", "last_name", "is_active", "status")
    )


def _send(notices: list[Notice], *, at: dt.datetime | None) -> int:
    sent = 0
    for i in range(0, len(notices), _CHUNK):
        with transaction.atomic():
            sent += len(notify_many(notices[i : i + _CHUNK], at=at))
    return sent


# --- the weekly digest ------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestLine:
    title: str
    kind: str
    context: str
    due_on: dt.date
    due_date: str  # 'Thursday 5 November 2026'
    due_words: str  # 'due in 3 days'
    url: str


def week_name(day: dt.date) -> str:
    """The ISO week of `day`, e.g. '2026-W45'."""
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def digest_notice(person, tasks: list[UpcomingTask], *, on: dt.date) -> Notice:
    lines = [
        DigestLine(
            title=t.title,
            kind=t.kind,
            context=t.context,
            due_on=t.due_on,
            due_date=long_date(t.due_on),
            due_words=due_words(t.due_on, today=on),
            url=absolute_url(t.href),
        )  # fmt: skip
        for t in tasks
    ]
    count = len(tasks)
    subject = f"{count} {'task' if count == 1 else 'tasks'} due in the next {WINDOW_DAYS} days"
    shown = lines[:10]
    body = "\n".join(
        f"- {line.title} ({line.kind}{', ' + line.context if line.context else ''}): {line.due_words}, "
        f"{line.due_date}"
        for line in shown
    )
    if count > len(shown):
        body += f"\n… and {count - len(shown)} more."
    link = reverse("programmes:upcoming")
    return Notice(
        person=person,
        kind=DIGEST,
        subject=subject,
        body=body,
        link=link,
        email_template=EMAIL_DIGEST,
        email_context={
            "lines": lines,
            "count": count,
            "days": WINDOW_DAYS,
            "from_date": long_date(on),
            "upcoming_url": absolute_url(link),
        },
        dedupe_key=f"digest:{week_name(on)}",
    )


def digests_send(*, on: dt.date, at: dt.datetime | None = None) -> int:
    """On a Monday (`on`, London's date), send each person with something due in the next 14
    days their digest of it, once for the ISO week. Returns how many were sent."""
    if on.weekday() != 0:
        return 0
    start, end = window(on)
    notices = []
    for person in _people(people_with_upcoming(start=start, end=end)).iterator(chunk_size=_CHUNK):
        tasks = tasks_for(person, start=start, end=end)
        if tasks:
            notices.append(digest_notice(person, tasks, on=on))
    return _send(notices, at=at)


# --- 3 days before each deadline ----------------------------------------------------------------


def due_soon_notice(person, task: UpcomingTask) -> Notice:
    where = f" ({task.kind}{', ' + task.context if task.context else ''})"
    return Notice(
        person=person,
        kind=DUE_SOON,
        subject=f"Due in {DUE_SOON_DAYS} days: {task.title}"[:200],
        body=f"{task.title}{where} is due on {long_date(task.due_on)}.",
        link=task.href,
        dedupe_key=f"due-soon:{task.key}:{task.due_on.isoformat()}",
    )


def due_soon_send(*, on: dt.date, at: dt.datetime | None = None) -> int:
    """Remind each person of every task due exactly 3 days after `on`. Returns how many."""
    day = on + dt.timedelta(days=DUE_SOON_DAYS)
    notices = [
        due_soon_notice(person, task)
        for person in _people(people_with_upcoming(start=day, end=day)).iterator(chunk_size=_CHUNK)
        for task in tasks_for(person, start=day, end=day)
    ]
    return _send(notices, at=at)
