"""Learning's part of a person's upcoming tasks (bluelamp/core/upcoming.py): the courses they are
enrolled on, not yet completed, with a due date in the window. A programme's units are
enrolments with due dates too, so they come through here; learning knows nothing of programmes
and leaves `context` empty for the programmes' pages to fill in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse

from bluelamp.core.upcoming import UpcomingTask, register_upcoming_source
from bluelamp.learning.models import Enrolment

KEY_PREFIX = "learning.enrolment:"


def enrolment_key(enrolment_uuid) -> str:
    return f"{KEY_PREFIX}{enrolment_uuid}"


def tasks_due(person, start: dt.date, end: dt.date) -> list[UpcomingTask]:
    """One query: the person's enrolments in progress due from `start` to `end`."""
    rows = (
        Enrolment.objects.filter(
            person=person, status=Enrolment.Status.ACTIVE, due_on__gte=start, due_on__lte=end
        )
        .select_related("course")
        .order_by("due_on", "course__title")
    )
    return [
        UpcomingTask(
            key=enrolment_key(row.uuid),
            title=row.course.title,
            due_on=row.due_on,
            kind="Course",
            href=reverse("learning:course", args=[row.course.uuid]),
        )
        for row in rows
        if row.due_on is not None
    ]


def people_due(start: dt.date, end: dt.date) -> Iterable[int]:
    return (
        Enrolment.objects.filter(status=Enrolment.Status.ACTIVE, due_on__gte=start, due_on__lte=end)
        .values_list("person_id", flat=True)
        .distinct()
    )


def register() -> None:
    register_upcoming_source("learning", tasks_due, people=people_due)
