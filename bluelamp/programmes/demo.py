"""Demo programme: the national body's "CMI Level 7 Certificate in Strategic Leadership" (two
mandatory units in order, then at least one of two optional units; 20 credits), published and
open to applications, with its certificate and Open Badge, a Kent cohort starting next month,
and the demo's Kent officer's application waiting for Kent's training administrator to decide.
Through the services; loading it twice changes nothing. Registered by plugins.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from bluelamp.core.plugins import DemoCast, DemoLoader, register_demo_loaders
from bluelamp.learning.api import (
    Activity,
    Course,
    activity_add,
    course_create,
    draft_version,
    version_publish,
)
from bluelamp.programmes import places, structure
from bluelamp.programmes.models import Programme

CODE = "CMI-L7-CERT"
UNITS = (
    (
        "CMI-701",
        "Strategic leadership",
        6,
        60,
        "What strategic leadership is, and the leader you mean to be.",
    ),
    (
        "CMI-702",
        "Leading strategic change",
        7,
        120,
        "Planning, leading and sustaining change across a force.",
    ),
    ("CMI-703", "Developing a strategic organisational culture", 7, None, "Culture, values and legitimacy."),
    ("CMI-704", "Strategic approaches to partnerships", 7, 180, "Working with partners to keep people safe."),
)


def _course(national, code: str, title: str, summary: str) -> Course:
    course = course_create(
        actor=None, owner=national, code=code, title=f"{title} (CMI Level 7)", summary=summary,
        duration_minutes=600, tags=["leadership", "CMI"],
    )  # fmt: skip
    version = draft_version(course)
    assert version is not None  # a new course has its first version in draft
    activity_add(
        actor=None, version=version, kind=Activity.Kind.PAGE, title=f"{title}: the unit guide",
        body=f"## {title}\n\n{summary}\n\nRead the unit guide, then complete the assessment your tutor sets.",
    )  # fmt: skip
    version_publish(actor=None, version=version)
    course.refresh_from_db()
    return course


def load_demo(cast: DemoCast, log: Callable[[str], None]) -> None:
    national, kent = cast.organisations["national"], cast.organisations["kent"]
    officer = cast.people["kent.officer@kent.police.uk"]
    if Programme.objects.filter(owner=national, code=CODE).exists():
        return
    today = timezone.localdate()
    with transaction.atomic():
        programme = structure.programme_create(
            actor=None,
            owner=national,
            data=structure.ProgrammeInput(
                code=CODE,
                title="CMI Level 7 Certificate in Strategic Leadership",
                summary="For superintendents and senior staff: strategic leadership, change, culture and partnerships. "
                "Blended: unit guides and assignments here, workshops, and remote tuition with your personal tutor.",
                level="Level 7",
                awarding_body="CMI",
                qualification_size=Programme.Size.CERTIFICATE,
                credit_total=20,
                applications_open=True,
                contact_email="leadership.programme@national.example",
            ),
        )
        version = structure.draft_of(programme)
        assert version is not None
        mandatory = structure.set_add(
            actor=None, version=version,
            data=structure.SetInput(title="Mandatory units", description="Both units, in order.", sequence="ordered"),
        )  # fmt: skip
        optional = structure.set_add(
            actor=None, version=version,
            data=structure.SetInput(title="Optional units", description="Choose one.", rule="units", required_units=1),
        )  # fmt: skip
        for n, (code, title, credits, due, summary) in enumerate(UNITS):
            structure.unit_add(
                actor=None, unit_set=mandatory if n < 2 else optional,
                data=structure.UnitInput(course=_course(national, code, title, summary), credits=credits, due_after_days=due),
            )  # fmt: skip
        structure.version_publish(actor=None, version=version, notes="First version")
        programme.refresh_from_db()
        first_of_next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        cohort = structure.cohort_create(
            actor=None, programme=programme, organisation=kent, name="Kent spring cohort", starts_on=first_of_next_month,
            places=12,
        )  # fmt: skip
        from bluelamp.credentials.api import CertificateTemplate

        CertificateTemplate.objects.create(
            owner=national, achievement_kind=places.ACHIEVEMENT_KIND, achievement_uuid=programme.uuid,
            achievement_code=programme.code, title=programme.title, wording="has been awarded the",
            description="Completed the mandatory and optional units of the CMI Level 7 Certificate in Strategic Leadership.",
            signatory_name="Programme Director", signatory_role="College of Policing",
        )  # fmt: skip
        places.place_apply(
            person=officer, programme=programme, cohort=cohort,
            statement="I lead the district's change programme and want the strategic tools to do it well.",
        )  # fmt: skip
    log(
        f"Programmes: {programme.title} ({CODE}), a Kent cohort from {first_of_next_month:%d %B %Y}; "
        "Bob Officer's application waits for Kent's training administrator (Applications)"
    )


def register() -> None:
    register_demo_loaders(DemoLoader("programmes", order=70, load=load_demo))
