"""Courses for tests, built through the learning services: published, with page activities that
are complete once opened."""

from bluelamp.learning.api import activity_add, activity_open, course_create, version_publish


def publish_course(owner, actor, code, *, pages=2, title=None, tags=(), self_enrolment=True):
    """A published course of `pages` page activities (a page is complete once opened)."""
    course = course_create(
        actor=actor,
        owner=owner,
        code=code,
        title=title or f"Course {code}",
        summary=f"All about {code}.",
        tags=tags,
        self_enrolment=self_enrolment,
        duration_minutes=20,
    )
    version = course.versions.get()
    for n in range(1, pages + 1):
        activity_add(actor=actor, version=version, kind="page", title=f"Page {n}", body="Read this.")
    version_publish(actor=actor, version=version)
    course.refresh_from_db()
    return course


def complete(enrolment):
    for activity in enrolment.version.activities.order_by("order"):
        activity_open(enrolment=enrolment, activity=activity)
    enrolment.refresh_from_db()
    return enrolment
