"""Building programmes for tests through the services: courses of one page each (complete once
opened), a CMI-like programme with a mandatory set and an optional set, a cohort, completions."""

from __future__ import annotations

import datetime as dt

from bluelamp.learning.api import (
    Completion,
    activity_add,
    activity_open,
    course_create,
    draft_version,
    enrol_self,
    live_enrolment,
    version_publish,
)
from bluelamp.programmes.structure import (
    ProgrammeInput,
    SetInput,
    UnitInput,
    cohort_create,
    draft_of,
    programme_create,
    set_add,
    unit_add,
)
from bluelamp.programmes.structure import version_publish as programme_publish

AT = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
START = dt.date(2026, 11, 2)


def page_course(owner, actor, *, code: str, title: str):
    course = course_create(actor=actor, owner=owner, code=code, title=title, summary=f"{title}.")
    version = draft_version(course)
    assert version is not None
    activity_add(actor=actor, version=version, kind="page", title=f"Read {title}", body="Read this.")
    version_publish(actor=actor, version=version, at=AT)
    course.refresh_from_db()
    return course


def cmi_programme(owner, actor, *, code="CMI-L7", in_order=False, at=AT):
    """ "CMI Level 7 Certificate in Strategic Leadership": mandatory units 701 (6 credits, due
    after 60 days) and 702 (7 credits, due after 120 days), then at least 1 of the optional units
    703 (7 credits) and 704 (7 credits, due after 180 days); 20 credits needed. Published, open to
    applications. Returns (programme, {unit code: course})."""
    programme = programme_create(
        actor=actor,
        owner=owner,
        data=ProgrammeInput(
            code=code,
            title="CMI Level 7 Certificate in Strategic Leadership",
            summary="Strategic leadership for senior officers and staff.",
            level="Level 7",
            awarding_body="CMI",
            qualification_size="certificate",
            credit_total=20,
            applications_open=True,
            contact_email="leadership@example.police.uk",
        ),
        at=at,
    )
    courses = {
        number: page_course(owner, actor, code=f"{code}-{number}", title=title)
        for number, title in (
            ("701", "Strategic leadership"),
            ("702", "Leading strategic change"),
            ("703", "Developing a strategic organisational culture"),
            ("704", "Strategic approaches to partnerships"),
        )
    }
    version = draft_of(programme)
    mandatory = set_add(
        actor=actor,
        version=version,
        data=SetInput(title="Mandatory units", sequence="ordered" if in_order else "any"),
    )
    unit_add(
        actor=actor, unit_set=mandatory, data=UnitInput(course=courses["701"], credits=6, due_after_days=60)
    )
    unit_add(
        actor=actor, unit_set=mandatory, data=UnitInput(course=courses["702"], credits=7, due_after_days=120)
    )
    optional = set_add(
        actor=actor, version=version, data=SetInput(title="Optional units", rule="units", required_units=1)
    )
    unit_add(actor=actor, unit_set=optional, data=UnitInput(course=courses["703"], credits=7))
    unit_add(
        actor=actor, unit_set=optional, data=UnitInput(course=courses["704"], credits=7, due_after_days=180)
    )
    programme_publish(actor=actor, version=version, notes="First version", at=at)
    programme.refresh_from_db()
    return programme, courses


def cohort(programme, organisation, actor, *, name="Spring 2027", starts_on=START, places=None):
    return cohort_create(
        actor=actor,
        programme=programme,
        organisation=organisation,
        name=name,
        starts_on=starts_on,
        places=places,
    )


def complete(person, course, *, at=AT) -> Completion:
    """The person completes the course (enrolled already by their programme, or now)."""
    enrolment = live_enrolment(person, course) or enrol_self(person=person, course=course, at=at)
    activity_open(enrolment=enrolment, activity=enrolment.version.activities.get(), at=at)
    return Completion.objects.filter(person=person, course=course).latest("pk")
