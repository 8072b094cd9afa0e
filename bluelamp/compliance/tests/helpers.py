"""Building mandatory-training data for tests through the services."""

import datetime as dt

from bluelamp.compliance.services import CourseChoice, RequirementInput, requirement_save
from bluelamp.learning.api import enrol_self
from bluelamp.learning.tests.courses import complete

AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def make_requirement(owner, code, courses, *, actor=None, at=AT, audience=None, **kwargs):
    data = RequirementInput(
        code=code,
        title=kwargs.pop("title", f"Requirement {code}"),
        courses=[CourseChoice(c) if not isinstance(c, CourseChoice) else c for c in courses],
        audience={"all": True} if audience is None else audience,
        **kwargs,
    )
    return requirement_save(actor=actor, owner=owner, data=data, at=at)


def complete_course(person, course, *, at):
    """Enrol and finish a page course at `at` (a platform completion on the record)."""
    enrolment = enrol_self(person=person, course=course, at=at)
    from bluelamp.learning import progress

    for activity in enrolment.version.activities.order_by("order"):
        progress.activity_open(enrolment=enrolment, activity=activity, at=at)
    enrolment.refresh_from_db()
    return enrolment


__all__ = ["AT", "complete", "complete_course", "make_requirement"]
