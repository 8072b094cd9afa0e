"""Demo learning content: two national SCORM courses, a Kent course of pages and a link, and a
Kent officer part-way through one. Created through the services; skipped if already there.
Registered as a demo loader by bluelamp/learning/plugins.py (`bluelamp demo-data` runs it)."""

from __future__ import annotations

import io
from collections.abc import Callable

from bluelamp.core.plugins import DemoCast
from bluelamp.learning import courses
from bluelamp.learning.enrolments import enrol_self
from bluelamp.learning.models import Activity, Course
from bluelamp.learning.scorm.samples import build_package


def load_demo(cast: DemoCast, log: Callable[[str], None]) -> None:
    """The demo loader: national courses, a Kent course, and the demo's Kent officer on one."""
    learning_demo_load(
        national=cast.organisations["national"],
        kent=cast.organisations["kent"],
        learner=cast.people["kent.officer@kent.police.uk"],
    )


def learning_demo_load(*, national, kent, learner, author=None) -> None:
    if Course.objects.filter(owner=national, code="SAS-01").exists():
        return
    stop_search, _ = courses.course_import_scorm(
        actor=None,
        owner=national,
        code="SAS-01",
        upload=io.BytesIO(build_package("1.2", title="Stop and search essentials")),
        file_name="stop-and-search.zip",
    )
    courses.course_update(
        actor=None,
        course=stop_search,
        title=stop_search.title,
        summary="The law, the **grounds** you need, and how to record a stop and search fairly.",
        audience="All officers and PCSOs.",
        duration_minutes=20,
        tags=["legislation", "operational"],
    )
    first_aid, _ = courses.course_import_scorm(
        actor=None,
        owner=national,
        code="FA-REFRESH",
        upload=io.BytesIO(build_package("2004", title="First aid refresher", scos=2)),
        file_name="first-aid.zip",
    )
    courses.course_update(
        actor=None,
        course=first_aid,
        title=first_aid.title,
        summary="A two-part refresher: primary survey, then recovery position.",
        audience="Everyone in an operational role.",
        duration_minutes=45,
        tags=["first aid", "operational"],
    )
    custody = courses.course_create(
        actor=None,
        owner=kent,
        code="KENT-CUSTODY",
        title="Kent custody procedures",
        summary="How custody works in Kent: booking in, risk assessment and handover.",
        duration_minutes=30,
        tags=["custody"],
    )
    version = custody.versions.get(number=1)
    courses.activity_add(
        actor=None,
        version=version,
        kind=Activity.Kind.PAGE,
        title="Booking in",
        body="## Before you arrive\n\nCall ahead. On arrival:\n\n- hand over property\n- give the grounds for arrest\n",
    )
    courses.activity_add(
        actor=None,
        version=version,
        kind=Activity.Kind.LINK,
        title="PACE Code C",
        url="https://www.gov.uk/government/publications/pace-code-c-2019",
    )
    courses.version_publish(actor=None, version=version)
    enrol_self(person=learner, course=stop_search)
