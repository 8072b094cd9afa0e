"""Learning fixtures: a national SCORM course (through the import service) and an Essex learner;
for the tests of learning's API, the API tests' cast (bluelamp/restapi/tests/fixtures.py)."""

import io

import pytest

from bluelamp.learning.tests.packages import build_package
from bluelamp.restapi.tests.fixtures import api_as, essex_world, kent_world  # noqa: F401 - the API tests' cast
from conftest import make_person


@pytest.fixture
def national_author(national):
    return make_person(
        national, "nina@national.example", first="Nina", last="Author", roles=["training_admin"]
    )


def import_course(owner, code="SAS-01", version="1.2", scos=1, title="Stop and search essentials", **kwargs):
    from bluelamp.learning.api import course_import_scorm

    data = build_package(version, scos=scos, title=title, **kwargs)
    course, course_version = course_import_scorm(
        actor=None, owner=owner, code=code, upload=io.BytesIO(data), file_name=f"{code}.zip"
    )
    return course


@pytest.fixture
def national_course(national):
    return import_course(national)


@pytest.fixture
def dave(essex):
    """An Essex officer: an outsider to Kent's learners and records."""
    return make_person(essex, "dave@essex.police.uk", first="Dave", last="Essex", staff_number="E2")
