"""What follows a change of someone's standing: automatic enrolment (they see the training in My
learning with its due date). Called by evaluation.py in the same transaction. Reminders and
notifications are sent by reminders.py."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from bluelamp.compliance.evaluation import Change
from bluelamp.compliance.models import Requirement
from bluelamp.learning.api import Course, enrol_required, live_enrolment
from bluelamp.people.api import Person

NEEDS_TRAINING = {"assigned", "due", "overdue"}


def enrol_automatically(changes: list[Change], at: dt.datetime) -> None:
    """People who must do an auto-enrolling requirement are enrolled on its first course, due on
    their due date; an enrolment in progress follows the due date as it moves."""
    wanted = [c for c in changes if c.status in NEEDS_TRAINING]
    if not wanted:
        return
    requirements = {
        r.pk: r
        for r in Requirement.objects.filter(
            pk__in={c.requirement_id for c in wanted}, auto_enrol=True
        ).prefetch_related("course_links")
    }
    wanted = [c for c in wanted if c.requirement_id in requirements]
    if not wanted:
        return
    people = Person.objects.in_bulk({c.person_id for c in wanted})
    course_ids = {link.course_id for r in requirements.values() for link in r.course_links.all()}
    courses = Course.objects.in_bulk(course_ids)
    for change in wanted:
        requirement = requirements[change.requirement_id]
        links = list(requirement.course_links.all())
        person = people.get(change.person_id)
        if person is None or not links:
            continue
        # Someone already on one of the courses keeps that enrolment (its due date follows).
        chosen = next(
            (courses[link.course_id] for link in links if _in_progress(person, courses[link.course_id])),
            courses[links[0].course_id],
        )
        try:
            with transaction.atomic():
                enrol_required(
                    person=person,
                    course=chosen,
                    due_on=change.due_on,
                    at=at,
                    reason=f"Mandatory training {requirement.code}: {requirement.title}",
                    again_after_completion=change.status in {"due", "overdue"},
                )
        except ValidationError:
            # Not available to their organisation (e.g. unpublished): their status still shows it.
            continue


def _in_progress(person, course) -> bool:
    enrolment = live_enrolment(person, course)
    return enrolment is not None and enrolment.status == "active"
