"""The gradebook's tests build their world through the project's services: a published Kent
course, learners enrolled on it, and grades handed down through the sink as a quiz would."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from bluelamp.assessment.gradebook.sink import grade_item_ensure, grade_record
from bluelamp.learning.api import enrol_people
from bluelamp.learning.tests.courses import publish_course
from bluelamp.organisations.api import role_grant, unit_create
from conftest import make_person

AT = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 3, 3, 9, 30, tzinfo=dt.UTC)


def quiz_item(course, title="Knowledge check", *, max_grade=10, pass_grade=None):
    """An item as a quiz makes it, through the sink."""
    return grade_item_ensure(
        course=course,
        source="quiz",
        source_key=str(uuid.uuid4()),
        title=title,
        max_grade=max_grade,
        pass_grade=pass_grade,
    )


def quiz_grade(item, person, grade, feedback="", at=AT):
    return grade_record(
        item=item,
        person=person,
        grade=None if grade is None else Decimal(str(grade)),
        feedback=feedback,
        at=at,
    )


def course_with_learners(kent, alice, *, code="GB-1", learners=()):
    """A published Kent course with `learners` (people) enrolled by Alice."""
    course = publish_course(kent, alice, code)
    if learners:
        enrol_people(actor=alice, course=course, people=list(learners), at=AT)
    return course


def tutor_of(organisation, email="tess@kent.police.uk", *, unit=None, first="Tess", last="Tutor"):
    """A tutor over the whole organisation, or (with `unit`) over that unit and below it."""
    tutor = make_person(organisation, email, first=first, last=last)
    role_grant(actor=None, person=tutor, role="tutor", organisation=organisation, unit=unit, as_operator=True)
    return tutor


def unit_of(organisation, name, *, actor=None, parent=None):
    return unit_create(actor=actor, organisation=organisation, name=name, parent=parent)


class Queries:
    """Counts the SQL a block runs, through the connection's execute wrapper (a request through
    the test client resets Django's query log when it starts, so CaptureQueriesContext misses it:
    ../shared/FIELD-NOTES.md)."""

    def __init__(self) -> None:
        self.sql: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.sql.append(sql)
        return execute(sql, params, many, context)

    def __enter__(self):
        from django.db import connection

        self._wrapped = connection.execute_wrapper(self)
        self._wrapped.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapped.__exit__(*exc)

    def __len__(self) -> int:
        return len(self.sql)
