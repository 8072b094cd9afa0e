"""Building what certificate tests need through the services: a published course with one page
(complete once opened), a learner's completion of it, a certificate template."""

import datetime as dt

from bluelamp.credentials import courses
from bluelamp.credentials.services import TemplateInput, template_create
from bluelamp.learning.api import (
    Completion,
    activity_add,
    activity_open,
    course_create,
    draft_version,
    enrol_self,
    version_publish,
)

AT = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def page_course(owner, actor, *, code="LEGAL-2026", title="Legal update 2026"):
    course = course_create(
        actor=actor, owner=owner, code=code, title=title, summary="What changed in law this year."
    )
    version = draft_version(course)
    activity_add(actor=actor, version=version, kind="page", title="Read the update", body="The changes.")
    version_publish(actor=actor, version=version, at=AT)
    course.refresh_from_db()
    return course


def complete(person, course, *, at=AT) -> Completion:
    enrolment = enrol_self(person=person, course=course, at=at)
    activity_open(enrolment=enrolment, activity=enrolment.version.activities.get(), at=at)
    return Completion.objects.get(person=person, enrolment=enrolment)


def course_template(actor, course, **changes):
    achievement = courses.COURSE_KIND.find(course.uuid)
    data = TemplateInput(title=course.title, signatory_name="Chief Constable", **changes)
    return template_create(actor=actor, achievement=achievement, data=data, at=AT)
