"""Writes go through the domain services: validated, audited, and explained when refused."""

import pytest

from bluelamp.audit.api import AuditEvent
from bluelamp.organisations.models import Unit
from bluelamp.people.models import Person
from bluelamp.restapi.tests.fixtures import results


def test_admin_adds_a_person_in_her_organisation(api_as, alice, kent_world):
    client = api_as(alice)
    response = client.post(
        "/api/v1/people/",
        {
            "organisation": "kent",
            "email": "Dan@Kent.Police.UK",
            "first_name": "Dan",
            "last_name": "New",
            "unit": kent_world["team"].pk,
            "line_manager": alice.pk,
            "rank": "sergeant",
            "staff_number": "K9",
            "employment_start_date": "2026-09-01",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    person = Person.objects.get(pk=body["id"])
    assert (person.email, person.rank, person.unit, person.line_manager) == (
        "dan@kent.police.uk",
        "Sergeant",
        kent_world["team"],
        alice,
    )
    assert body["unit_path"] == "East Division/Response Team 1" and body["organisation"] == "kent"
    event = AuditEvent.objects.get(action="person.create", object_id=str(person.pk))
    assert event.actor == alice


def test_refused_person_fields_say_what_was_wrong_and_what_is_accepted(api_as, alice, bob, kent_world):
    client = api_as(alice)
    before = Person.objects.count()
    response = client.post(
        "/api/v1/people/",
        {"organisation": "kent", "email": "not-an-email", "first_name": "X", "last_name": "Y"},
        format="json",
    )
    assert response.status_code == 400 and "email" in response.json()

    response = client.post(
        "/api/v1/people/",
        {
            "organisation": "kent",
            "email": "bob@kent.police.uk",
            "first_name": "X",
            "last_name": "Y",
            "rank": "Admiral",
        },
        format="json",
    )
    errors = response.json()
    assert response.status_code == 400
    assert "“Admiral” is not a police rank" in errors["rank"][0]
    assert "bob@kent.police.uk is already used" in errors["email"][0]

    response = client.post(
        "/api/v1/people/",
        {
            "organisation": "kent",
            "email": "x@kent.police.uk",
            "first_name": "X",
            "last_name": "Y",
            "nickname": "Z",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "“nickname” cannot be set here. Fields accepted:" in response.json()["nickname"][0]
    assert Person.objects.count() == before

    response = client.patch(f"/api/v1/people/{bob.pk}/", {"status": "retired"}, format="json")
    assert response.json() == {"status": ["“retired” is not a status. Use one of: active, leaver."]}
    response = client.patch(f"/api/v1/people/{bob.pk}/", {"organisation": "essex"}, format="json")
    assert response.status_code == 400 and "organisation" in response.json()
    response = client.patch(f"/api/v1/people/{bob.pk}/", {}, format="json")
    assert response.status_code == 400
    assert client.get("/api/v1/people/?status=retired").json() == {
        "status": ["“retired” is not a status. Use one of: active, leaver."]
    }
    assert client.get("/api/v1/people/?unit=east").status_code == 400


def test_admin_changes_a_person_and_marks_a_leaver(api_as, alice, bob, kent_world):
    client = api_as(alice)
    response = client.patch(
        f"/api/v1/people/{bob.pk}/",
        {"job_role": "Response officer", "unit": kent_world["east"].pk},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["job_role"] == "Response officer"
    assert response.json()["unit_path"] == "East Division"
    response = client.patch(f"/api/v1/people/{bob.pk}/", {"status": "leaver"}, format="json")
    assert response.json()["status"] == "leaver" and response.json()["left_on"]
    bob.refresh_from_db()
    assert not bob.is_active
    assert AuditEvent.objects.filter(action="person.update", object_id=str(bob.pk), actor=alice).count() == 2
    assert [p["email"] for p in results(client.get("/api/v1/people/?status=leaver"))] == [
        "bob@kent.police.uk"
    ]


def test_unit_admin_can_only_place_people_and_units_in_her_units(api_as, kent, alice, bob, kent_world):
    from bluelamp.organisations.services import role_grant
    from conftest import make_person

    erin = make_person(kent, "erin@kent.police.uk", first="Erin", last="Unit", unit=kent_world["team"])
    role_grant(actor=alice, person=erin, role="organisation_admin", unit=kent_world["team"])
    client = api_as(erin)
    # She sees only her team's people and units.
    assert [p["email"] for p in results(client.get("/api/v1/people/"))] == [
        "carol@kent.police.uk",
        "erin@kent.police.uk",
    ]
    assert [u["full_path"] for u in results(client.get("/api/v1/units/"))] == [
        "East Division/Response Team 1"
    ]
    assert client.get(f"/api/v1/people/{bob.pk}/").status_code == 404
    body = {"organisation": "kent", "email": "f@kent.police.uk", "first_name": "F", "last_name": "G"}
    response = client.post("/api/v1/people/", body, format="json")
    assert response.status_code == 400 and "part of Kent Police" in response.json()["unit"][0]
    response = client.post("/api/v1/people/", {**body, "unit": kent_world["team"].pk}, format="json")
    assert response.status_code == 201
    response = client.post("/api/v1/units/", {"organisation": "kent", "name": "Elsewhere"}, format="json")
    assert response.status_code == 400 and "part of the organisation" in response.json()["parent"][0]
    response = client.post(
        "/api/v1/units/", {"parent": kent_world["team"].pk, "name": "Night shift"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["full_path"] == "East Division/Response Team 1/Night shift"


def test_put_is_not_offered(api_as, alice, bob, kent_world):
    response = api_as(alice).put(f"/api/v1/people/{bob.pk}/", {"first_name": "B"}, format="json")
    assert response.status_code == 405


@pytest.mark.parametrize("size", [1, 2])
def test_people_are_paged(api_as, alice, kent_world, size):
    page = api_as(alice).get(f"/api/v1/people/?page_size={size}").json()
    assert page["count"] == 3 and len(page["results"]) == size
    assert page["next"].startswith("http://testserver/api/v1/people/?page=2")
    assert Unit.objects.filter(organisation__slug="kent").count() == 2
