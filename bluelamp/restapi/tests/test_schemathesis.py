"""Schemathesis against the OpenAPI document: every operation, fed generated valid and invalid
input, answers without a server error (5xx) — as a Kent administrator with a real API token, as a
platform administrator (who may also add organisations and licences), and anonymously.

Generated ids, slugs and uuids almost never name anything, so every other example of the signed-in
passes is pointed at real things (Kent, its licence, a unit, Bob, a course, Bob's enrolment):
that is what takes the generated dates and text past the lookups and into the services.

Bounded and repeatable (about a minute on two busy cores): a fixed seed, derandomised generation,
no example database, ten examples per operation and pass (plus the coverage phase's boundary
cases in the Kent pass), the requests made in-process through Django's WSGI handler inside the
test's transaction. A failure prints the request that broke and a curl line to replay it.

schemathesis.pytest.from_fixture would load the schema per test, but its lazy loader sets
pytest's private Node._nodeid, which pytest 9 no longer has; so the document is generated at
import instead, which needs no database.
"""

import itertools
import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from bluelamp.compliance.tests.helpers import make_requirement
from bluelamp.learning.api import enrol_self
from bluelamp.learning.tests.courses import publish_course
from bluelamp.restapi.services import api_token_create
from conftest import make_person, with_mfa

EXAMPLES_PER_OPERATION = 10
# Strings that have broken things before, mixed into the generated ones: a NUL (PostgreSQL cannot
# store it), other control characters, a spreadsheet formula, out-of-range dates and ids. (No line
# breaks: they would reach headers, which the test client itself refuses to send.)
HOSTILE = [
    "\x00",
    "kent\x00",
    "\x1b[31m",
    "a\x07b",
    '=HYPERLINK("http://x","y")',
    "0336-05-01",
    "9999-12-31",
    "0001-01-01",
    "99999999999999999999",
    "-1",
]


def _config(*, coverage: bool) -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "seed": 20260514,
            "dictionaries": {"hostile": {"values": HOSTILE}},
            "generation": {
                "max-examples": EXAMPLES_PER_OPERATION,
                "deterministic": True,
                "database": "none",
                "no-shrink": True,
                "dictionaries": {"string": {"dictionary": "hostile", "probability": 0.25}},
            },
            # The coverage phase (boundary values, missing and wrong types, unexpected content
            # types) found what fuzzing did not, but triples the time: one pass runs it.
            "phases": {"coverage": {"enabled": coverage}, "stateful": {"enabled": False}},
        }
    )


def _openapi_document() -> dict:
    """The document /api/v1/schema/ serves, generated without a request (and so without the
    database, which is closed while tests are collected)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


_document = _openapi_document()
schema = schemathesis.openapi.from_dict(_document, config=_config(coverage=False))
schema_with_coverage = schemathesis.openapi.from_dict(_document, config=_config(coverage=True))
schema.app = schema_with_coverage.app = WSGIHandler()

# The world and the tokens are made once per operation and shared by its examples, on purpose:
# the examples only add to it (people, units, enrolments), as an API in use would.
shared_by_examples = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(autouse=True)
def _inside_the_test_transaction(db):
    """Outside Django's test client, the request signals would close the connection (and so the
    test's transaction) after each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _assessment_world(kent, alice, bob, kent_course):
    """A Kent question bank, a quiz on Kent's course, an assignment with Bob's marked work in a
    moderation sample, another with his draft, and a manual gradebook item with his grade."""
    from types import SimpleNamespace

    from bluelamp.assessment.assignments import moderation
    from bluelamp.assessment.assignments.services import (
        AssignmentInput,
        assignment_create,
        submission_save_draft,
    )
    from bluelamp.assessment.assignments.tests.helpers import course_with_assignment, enrol
    from bluelamp.assessment.assignments.tests.outsiders_marking import marked_ready, submitted
    from bluelamp.assessment.banks.services import bank_create, questions_import
    from bluelamp.assessment.formats import gift
    from bluelamp.assessment.gradebook.services import manual_grade_enter, manual_item_create
    from bluelamp.assessment.quizzes.services import quiz_create
    from bluelamp.learning.api import course_create, enrol_people, version_publish, version_start

    bank = bank_create(actor=alice, owner=kent, name="Kent law")
    questions_import(actor=alice, bank=bank, result=gift.parse("::Q::Why?{T}"))
    version_start(actor=alice, course=kent_course)
    quiz = quiz_create(actor=alice, course=kent_course, title="Kent check")
    marking_course, assignment = course_with_assignment(kent, alice, code="KENT-A")
    enrol(alice, marking_course, bob)
    marked = marked_ready(alice, submitted(assignment, bob))
    sample = moderation.sample_draw(actor=alice, assignment=assignment, percent=100, seed=1)
    draft_course = course_create(
        actor=alice, owner=kent, code="KENT-ASG", title="Kent assignments", summary="x"
    )
    draft_version = draft_course.versions.get()
    drafted = assignment_create(
        actor=alice, course=draft_course, version=draft_version, data=AssignmentInput(title="Kent assignment")
    )
    version_publish(actor=alice, version=draft_version)
    enrol_people(actor=alice, course=draft_course, people=[bob])
    draft = submission_save_draft(actor=bob, assignment=drafted, online_text="Draft.")
    enrol_self(person=bob, course=kent_course)
    practical = manual_item_create(actor=alice, course=kent_course, title="Practical", max_grade=10)
    manual_grade_enter(actor=alice, item=practical, person=bob, grade=7, feedback="Steady")
    return SimpleNamespace(
        bank=bank, quiz=quiz, assignment=assignment, marked=marked, sample=sample, draft=draft
    )


def _programmes_world(kent, alice, bob, kent_course):
    """Bob's certificate (with its signed badge) for Kent's course, and his place on a Kent programme."""
    from bluelamp.credentials.services import certificate_issue
    from bluelamp.credentials.tests.helpers import course_template
    from bluelamp.programmes.places import place_add
    from bluelamp.programmes.tests.helpers import cmi_programme

    template = course_template(alice, kent_course)
    certificate = certificate_issue(
        actor=alice, template=template, person=bob, achieved_on=template.created_at.date(), source_ref="api",
        sign_now=True,
    )  # fmt: skip
    programme, _courses = cmi_programme(kent, alice)
    return certificate, programme, place_add(actor=alice, programme=programme, person=bob)


def _events_world(kent, bob):
    """A session of a Kent event open for booking, and Bob's place on it."""
    from bluelamp.events.booking import book
    from bluelamp.events.tests.helpers import AT, event

    _, session = event(kent)
    return session, book(actor=None, session=session, person=bob, at=AT)


@pytest.fixture
def api_world(national, kent, essex, alice, bob, charlie, kent_world, essex_world):
    """Something in every list, and the real values generated requests are pointed at."""
    platform_admin = make_person(
        national, "nat@national.example", first="Nat", last="Admin", roles=["platform_admin"]
    )
    national_course = publish_course(national, platform_admin, "NAT-1")
    kent_course = publish_course(kent, alice, "KENT-1")
    enrolment = enrol_self(person=bob, course=national_course)
    requirement = make_requirement(kent, "KENT-REQ", [kent_course], actor=alice)
    assessment = _assessment_world(kent, alice, bob, kent_course)
    certificate, programme, place = _programmes_world(kent, alice, bob, kent_course)
    event_session, event_booking = _events_world(kent, bob)
    ids = {
        "organisations": "kent",
        "licences": kent_world["licence"].pk,
        "units": kent_world["team"].pk,
        "people": bob.pk,
        "courses": str(kent_course.uuid),
        "enrolments": str(enrolment.uuid),
        "requirements": str(requirement.uuid),
        "question-banks": str(assessment.bank.uuid),
        "questions": str(assessment.bank.questions.get().uuid),
        "quizzes": str(assessment.quiz.uuid),
        "assignments": str(assessment.assignment.uuid),
        "assignment-submissions": str(assessment.draft.uuid),
        "marking-submissions": str(assessment.marked.uuid),
        "moderation-samples": str(assessment.sample.uuid),
        "certificates": certificate.code,  # /certificates/verify/{code}
        "credentials": str(certificate.uuid),
        "programmes": str(programme.uuid),
        "programme-places": str(place.uuid),
        "availability": "2026-11",  # /availability/{month}/
        "event-sessions": str(event_session.uuid),
        "bookings": str(event_booking.uuid),
    }
    references = {
        "organisation": "kent",
        "parent": kent_world["east"].pk,
        "unit": kent_world["team"].pk,
        "line_manager": alice.pk,
        "person": bob.pk,
        "course": str(national_course.uuid),
        "assignment": str(assessment.assignment.uuid),
    }
    return {"platform_admin": platform_admin, "ids": ids, "references": references}


@pytest.fixture
def every_other_example():
    return itertools.cycle([True, False])


def _pointed_at_real_things(case, world) -> None:
    """Path parameters, query filters and body references of `case` set to real values."""
    for name in case.path_parameters or {}:
        # /api/v1/<collection>/{id}/...: the collection says what the id names.
        collection = case.path.split("/")[3]
        case.path_parameters[name] = world["ids"][collection]
    references = world["references"]
    for name in list(case.query or {}):
        if name in references:
            case.query[name] = references[name]
    if isinstance(case.body, dict):
        for name in list(case.body):
            if name in references:
                case.body[name] = references[name]


def _token_of(person) -> dict:
    with_mfa(person)
    _, token = api_token_create(actor=person, name="schemathesis", expires_in_days=None)
    return {"Authorization": f"Token {token}"}


@pytest.fixture
def kent_admin(api_world, alice) -> dict:
    return _token_of(alice)


@pytest.fixture
def platform_admin(api_world) -> dict:
    return _token_of(api_world["platform_admin"])


@schema_with_coverage.parametrize()
@shared_by_examples
def test_no_server_errors_as_a_kent_admin(case, kent_admin, api_world, every_other_example):
    if next(every_other_example):
        _pointed_at_real_things(case, api_world)
    case.call_and_validate(headers=kent_admin, checks=[not_a_server_error])


@schema.parametrize()
@shared_by_examples
def test_no_server_errors_as_a_platform_admin(case, platform_admin, api_world, every_other_example):
    if next(every_other_example):
        _pointed_at_real_things(case, api_world)
    case.call_and_validate(headers=platform_admin, checks=[not_a_server_error])


@schema.parametrize()
@shared_by_examples
def test_no_server_errors_anonymously(case, api_world):
    case.call_and_validate(checks=[not_a_server_error])
