"""Mandatory training's part of a person's upcoming tasks (bluelamp/core/upcoming.py): the
requirements they must meet by a date in the window, neither met nor exempt. A requirement the
person is already enrolled on a course of, with a due date, is left out: that enrolment is
listed by learning, and the same training would show twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse

from bluelamp.compliance import rules
from bluelamp.compliance.models import Assignment, Requirement, RequirementCourse
from bluelamp.core.upcoming import UpcomingTask, register_upcoming_source
from bluelamp.learning.api import Enrolment

DONE = (rules.COMPLIANT, rules.EXEMPT)


def _due(start: dt.date, end: dt.date):
    return Assignment.objects.filter(
        in_audience=True,
        requirement__state=Requirement.State.ACTIVE,
        due_on__gte=start,
        due_on__lte=end,
    ).exclude(status__in=DONE)


def tasks_due(person, start: dt.date, end: dt.date) -> list[UpcomingTask]:
    rows = list(_due(start, end).filter(person=person).select_related("requirement"))
    if not rows:
        return []
    courses: dict[int, set[int]] = {}
    for requirement_id, course_id in RequirementCourse.objects.filter(
        requirement_id__in=[r.requirement_id for r in rows]
    ).values_list("requirement_id", "course_id"):
        courses.setdefault(requirement_id, set()).add(course_id)
    enrolled_with_date = set(
        Enrolment.objects.filter(
            person=person,
            status=Enrolment.Status.ACTIVE,
            due_on__isnull=False,
            course_id__in={c for ids in courses.values() for c in ids},
        ).values_list("course_id", flat=True)
    )
    mine = reverse("compliance:mine")
    return [
        UpcomingTask(
            key=f"compliance.requirement:{row.requirement.uuid}",
            title=row.requirement.title,
            due_on=row.due_on,
            kind="Mandatory training",
            href=mine,
            context=row.requirement.code,
        )
        for row in rows
        if row.due_on is not None and not (courses.get(row.requirement_id, set()) & enrolled_with_date)
    ]


def people_due(start: dt.date, end: dt.date) -> Iterable[int]:
    return _due(start, end).values_list("person_id", flat=True).distinct()


def register() -> None:
    register_upcoming_source("compliance", tasks_due, people=people_due)
