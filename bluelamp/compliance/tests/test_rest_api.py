"""Mandatory training's REST API: requirements (read by those who may see them, written by those
who manage them, with the service's messages as 400s), a person's standing and the counts of a
unit or an organisation; anyone else gets the 404 of something that does not exist."""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bluelamp.audit.api import AuditEvent
from bluelamp.compliance.models import Assignment, Requirement
from bluelamp.compliance.tests.helpers import complete_course, make_requirement
from bluelamp.learning.tests.courses import publish_course
from bluelamp.restapi.tests.fixtures import results
from conftest import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(kent, alice, bob, national, platform_admin, kent_world, essex, charlie, essex_world):
    fa = publish_course(kent, alice, "FA-101")
    nat_course = publish_course(national, platform_admin, "NAT-1")
    essex_course = publish_course(essex, charlie, "E-FA")
    complete_course(bob, fa, at=dt.datetime(2026, 2, 1, 9, 0, tzinfo=dt.UTC))
    requirement = make_requirement(kent, "KENT-FA", [fa], validity_months=12, first_due_days=60)
    national_requirement = make_requirement(national, "NAT-FA", [nat_course], first_due_days=60)
    essex_requirement = make_requirement(essex, "ESSEX-FA", [essex_course])
    return {
        "fa": fa,
        "nat_course": nat_course,
        "essex_course": essex_course,
        "requirement": requirement,
        "national_requirement": national_requirement,
        "essex_requirement": essex_requirement,
    }


@pytest.fixture
def as_(api_as):
    """A client acting as a person, by their token (one token each)."""
    clients: dict = {}

    def client(person):
        if person.pk not in clients:
            clients[person.pk] = api_as(person)
        return clients[person.pk]

    return client


def body(**overrides) -> dict:
    return {
        "code": "NEW-1",
        "title": "A new requirement",
        "audience": {"all": True},
        "first_due_kind": "joining",
        "first_due_days": 30,
        "validity_months": 24,
        "window_days": 60,
        **overrides,
    }


# --- requirements ----------------------------------------------------------------------------


def test_a_force_sees_its_own_and_national_requirements_and_an_outsider_neither_of_kents(
    as_, alice, bob, charlie, setup
):
    codes = [r["code"] for r in results(as_(alice).get("/api/v1/requirements/"))]
    assert codes == ["KENT-FA", "NAT-FA"]  # Kent Police, then National body
    assert [r["code"] for r in results(as_(bob).get("/api/v1/requirements/"))] == codes
    assert [r["code"] for r in results(as_(alice).get("/api/v1/requirements/?owner=national"))] == ["NAT-FA"]
    assert [r["code"] for r in results(as_(charlie).get("/api/v1/requirements/"))] == [
        "ESSEX-FA",
        "NAT-FA",
    ]

    kent_one = f"/api/v1/requirements/{setup['requirement'].uuid}/"
    detail = as_(alice).get(kent_one).json()
    assert detail["owner"] == "kent" and detail["validity_months"] == 12
    assert detail["courses"] == [
        {"course": str(setup["fa"].uuid), "code": "FA-101", "title": "Course FA-101", "min_version": None}
    ]
    assert detail["audience"]["all"] is True and detail["audience"]["people_excluded"] == 0
    outsider = as_(charlie).get(kent_one)
    missing = as_(charlie).get(f"/api/v1/requirements/{uuid.uuid4()}/")
    assert outsider.status_code == missing.status_code == 404
    assert outsider.json() == missing.json()


def test_a_manager_creates_a_requirement_and_its_audience_is_evaluated(
    as_, alice, bob, kent, setup, kent_world
):
    response = as_(alice).post(
        "/api/v1/requirements/",
        body(
            courses=[
                {"course": str(setup["fa"].uuid)},
                {"course": str(setup["nat_course"].uuid), "min_version": 2},
            ],
            audience={"units": [kent_world["east"].pk], "ranks": ["Sergeant"]},
            prerequisites=[str(setup["national_requirement"].uuid)],
        ),
        format="json",
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["owner"] == "kent" and created["code"] == "NEW-1"
    assert [(c["code"], c["min_version"]) for c in created["courses"]] == [("FA-101", None), ("NAT-1", 2)]
    assert created["audience"]["units"] == [kent_world["east"].pk] and created["audience"]["ranks"] == [
        "Sergeant"
    ]
    assert [p["code"] for p in created["prerequisites"]] == ["NAT-FA"]
    requirement = Requirement.objects.get(uuid=created["uuid"])
    assert AuditEvent.objects.filter(action="compliance.requirement_created", actor=alice).exists()

    # Bringing Carol in by her unit alone: the audience is evaluated on save.
    response = as_(alice).patch(
        f"/api/v1/requirements/{requirement.uuid}/",
        {"title": "Renamed", "audience": {"units": [kent_world["east"].pk]}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "Renamed" and response.json()["audience"]["ranks"] == []
    assert response.json()["validity_months"] == 24  # what was not sent stays
    assert set(
        Assignment.objects.filter(requirement=requirement, in_audience=True).values_list(
            "person__email", flat=True
        )
    ) == {"carol@kent.police.uk"}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"code": "KENT-FA"}, "code", "Kent Police already has a requirement with the code KENT-FA"),
        (
            {"validity_months": None, "window_days": 10},
            "window_days",
            "A recertification window needs a validity",
        ),
        ({"validity_months": 500}, "validity_months", "Validity must be between 1 and 240 months"),
        ({"first_due_days": -1}, "first_due_days", "First due days must be between 0 and 3650"),
        ({"first_due_kind": "date"}, "first_due_date", "Enter the date everyone is first due by"),
        (
            {"first_due_kind": "soon"},
            "first_due_kind",
            "“soon” is not a kind of first due date. Use one of: joining",
        ),
        (
            {"first_due_kind": "date", "first_due_date": "9999-12-31"},
            "first_due_date",
            "9999-12-31 is not a date",
        ),
        ({"audience": {}}, "audience", "Choose who the requirement applies to"),
        ({"audience": {"everyone": True}}, "audience", "“everyone” cannot be set here. Fields accepted: all"),
        ({"audience": {"units": [999999]}}, "audience", "Unit 999999 is not one of Kent Police's units"),
        ({"colour": "blue"}, "colour", "“colour” cannot be set here"),
        ({"code": "A\x00B"}, "code", "Null characters are not allowed"),
        ({"title": "x" * 201}, "title", "Ensure this field has no more than 200 characters"),
        ({"courses": []}, "courses", "Choose at least one course"),
        ({"prerequisites": [str(uuid.uuid4())]}, "prerequisites", "There is no requirement"),
    ],
)
def test_refusals_name_the_field_and_what_is_accepted(as_, alice, setup, overrides, field, message):
    data = body(**{"courses": [{"course": str(setup["fa"].uuid)}], **overrides})
    response = as_(alice).post("/api/v1/requirements/", data, format="json")
    assert response.status_code == 400
    errors = response.json()[field]
    text = str(errors)
    assert message in text, errors
    assert not Requirement.objects.filter(code="NEW-1").exists()


def test_another_forces_course_or_requirement_reads_as_none(as_, alice, setup):
    response = as_(alice).post(
        "/api/v1/requirements/", body(courses=[{"course": str(setup["essex_course"].uuid)}]), format="json"
    )
    assert response.status_code == 400
    assert response.json()["courses"] == [
        f"There is no course {setup['essex_course'].uuid} among Kent Police's or the national body's courses."
    ]
    response = as_(alice).post(
        "/api/v1/requirements/",
        body(
            courses=[{"course": str(setup["fa"].uuid)}], prerequisites=[str(setup["essex_requirement"].uuid)]
        ),
        format="json",
    )
    assert response.status_code == 400 and "There is no requirement" in response.json()["prerequisites"][0]


def test_who_may_create_and_change(as_, alice, bob, charlie, setup):
    data = body(courses=[{"course": str(setup["fa"].uuid)}])
    response = as_(bob).post("/api/v1/requirements/", data, format="json")
    assert response.status_code == 403
    assert "you do not manage mandatory training anywhere" in response.json()["detail"]
    response = as_(charlie).post("/api/v1/requirements/", {**data, "owner": "kent"}, format="json")
    assert response.status_code == 400
    assert response.json()["owner"] == [
        "There is no organisation “kent” whose mandatory training you manage."
    ]

    kent_one = f"/api/v1/requirements/{setup['requirement'].uuid}/"
    response = as_(bob).patch(kent_one, {"title": "Mine now"}, format="json")
    assert response.status_code == 403 and "may see KENT-FA but not change it" in response.json()["detail"]
    assert as_(charlie).patch(kent_one, {"title": "Mine now"}, format="json").status_code == 404
    # Alice sees the national body's requirement but does not manage it.
    national_one = f"/api/v1/requirements/{setup['national_requirement'].uuid}/"
    assert as_(alice).patch(national_one, {"title": "Ours"}, format="json").status_code == 403
    assert Requirement.objects.filter(title__in=["Mine now", "Ours"]).count() == 0
    response = as_(alice).patch(kent_one, {}, format="json")
    assert response.status_code == 400 and "Send at least one field" in str(response.json())


# --- a person's standing ---------------------------------------------------------------------


def test_a_persons_compliance_by_id_or_uuid_for_those_who_may_see_it(
    as_, alice, bob, charlie, setup, kent_world
):
    for key in (bob.pk, bob.uuid):
        response = as_(alice).get(f"/api/v1/people/{key}/compliance/")
        assert response.status_code == 200
        data = response.json()
        assert data["person"] == bob.pk and data["name"] == "Bob Officer"
        by_code = {a["requirement_code"]: a for a in data["assignments"]}
        assert by_code["KENT-FA"]["status"] == "compliant"
        assert by_code["KENT-FA"]["last_completed_on"] == "2026-02-01"
        assert by_code["KENT-FA"]["expires_on"] == "2027-02-01"
        assert by_code["KENT-FA"]["in_audience"] is True
        assert by_code["NAT-FA"]["owner"] == "national"
    assert as_(bob).get(f"/api/v1/people/{bob.pk}/compliance/").status_code == 200  # his own

    missing = as_(charlie).get("/api/v1/people/999999/compliance/")
    assert missing.status_code == 404
    for outsider in (charlie, kent_world["carol"]):
        response = as_(outsider).get(f"/api/v1/people/{bob.pk}/compliance/")
        assert response.status_code == 404 and response.json() == missing.json()
    assert as_(alice).get(f"/api/v1/people/{uuid.uuid4()}/compliance/").status_code == 404


# --- counts ----------------------------------------------------------------------------------


def counts(response) -> dict:
    assert response.status_code == 200, response.content
    return {
        r["code"]: {k: v for k, v in r.items() if isinstance(v, int) and v}
        for r in response.json()["requirements"]
    }


def test_unit_and_organisation_counts_for_those_who_see_figures(
    as_, alice, bob, charlie, platform_admin, setup, kent_world
):
    make_person(
        kent_world["east"].organisation, "erin@kent.police.uk", unit=kent_world["east"], staff_number="K9"
    )
    east = f"/api/v1/units/{kent_world['east'].pk}/compliance/"
    # Carol (in a team below East Division) and Erin: never completed, first due in 60 days.
    assert counts(as_(alice).get(east)) == {
        "KENT-FA": {"people": 2, "assigned": 2},
        "NAT-FA": {"people": 2, "assigned": 2},
    }
    data = as_(alice).get(east).json()
    assert data["unit"] == kent_world["east"].pk and data["unit_path"] == "East Division"
    team = counts(as_(alice).get(f"/api/v1/units/{kent_world['team'].pk}/compliance/"))
    assert team["KENT-FA"] == {"people": 1, "assigned": 1}
    # Kent as a whole: Alice, Bob (compliant), Carol, Erin.
    whole = counts(as_(alice).get("/api/v1/organisations/kent/compliance/"))
    assert whole["KENT-FA"] == {"people": 4, "compliant": 1, "assigned": 3}
    assert "ESSEX-FA" not in whole
    assert counts(as_(platform_admin).get("/api/v1/organisations/kent/compliance/")) == whole

    for outsider in (charlie, bob):
        for url in (east, "/api/v1/organisations/kent/compliance/"):
            assert as_(outsider).get(url).status_code == 404
    assert as_(alice).get("/api/v1/units/999999/compliance/").status_code == 404
    assert as_(alice).get("/api/v1/organisations/atlantis/compliance/").status_code == 404
    assert as_(alice).get("/api/v1/organisations/essex/compliance/").status_code == 404


def test_the_list_of_requirements_does_not_grow_in_queries_with_rows(as_, alice, kent, setup):
    client = as_(alice)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/requirements/").status_code == 200
        return len(captured)

    few = queries()
    for n in range(4):
        make_requirement(
            kent,
            f"MORE-{n}",
            [setup["fa"], setup["nat_course"]],
            prerequisites=[setup["requirement"]],
            audience={"requirements": [setup["requirement"].pk]},
        )
    assert queries() == few
