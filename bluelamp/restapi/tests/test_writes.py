"""Writes go through the domain services: validated, audited, and explained when refused."""

import pytest

from bluelamp.audit.api import AuditEvent
from bluelamp.organisations.models import Licence, Organisation, Unit
from bluelamp.people.models import Person

from ._helpers import results


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


def test_admin_adds_units_and_duplicates_are_explained(api_as, alice, kent_world):
    client = api_as(alice)
    response = client.post("/api/v1/units/", {"organisation": "kent", "name": "West Division", "code": "W"})
    assert response.status_code == 201
    assert response.json() | {"id": 0, "created_at": ""} == {
        "id": 0,
        "organisation": "kent",
        "name": "West Division",
        "code": "W",
        "full_path": "West Division",
        "parent": None,
        "depth": 1,
        "created_at": "",
    }
    response = client.post("/api/v1/units/", {"parent": kent_world["east"].pk, "name": "Response Team 1"})
    assert response.status_code == 400
    assert response.json() == {"name": ["There is already a unit called “East Division/Response Team 1”."]}
    assert client.post("/api/v1/units/", {"name": "Nowhere"}).json() == {
        "organisation": ["Give the organisation's slug, or the id of a parent unit."]
    }
    assert AuditEvent.objects.filter(action="unit.create", actor=alice, object_label="West Division").exists()
    assert not Unit.objects.filter(name="Nowhere").exists()


def test_only_platform_admins_add_and_change_organisations_and_licences(
    api_as, alice, platform_admin, kent_world
):
    alice_client = api_as(alice)
    assert (
        alice_client.patch("/api/v1/organisations/kent/", {"name": "Kent"}, format="json").status_code == 403
    )
    licence_url = f"/api/v1/licences/{kent_world['licence'].pk}/"
    assert alice_client.patch(licence_url, {"status": "revoked"}, format="json").status_code == 403

    client = api_as(platform_admin)
    response = client.post(
        "/api/v1/organisations/",
        {
            "slug": "surrey",
            "name": "Surrey Police",
            "kind": "home_office_force",
            "host_name": "surrey.learn.example",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert Organisation.objects.get(slug="surrey").host_name == "surrey.learn.example"
    response = client.post(
        "/api/v1/organisations/", {"slug": "x y", "name": "X", "kind": "force"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["kind"] == [
        "“force” is not a kind of organisation. Use one of: national_body, home_office_force, other_force, "
        "partner_agency."
    ]
    response = client.patch("/api/v1/organisations/surrey/", {"brand_colour": "blue"}, format="json")
    assert response.json() == {"brand_colour": ["Enter a colour as #rrggbb, e.g. #1d4f91."]}
    response = client.patch("/api/v1/organisations/surrey/", {"brand_colour": "#003366"}, format="json")
    assert response.status_code == 200 and response.json()["brand_colour"] == "#003366"

    response = client.post(
        "/api/v1/licences/",
        {"organisation": "surrey", "type": "PL-P-101", "reference": "SUR-1", "starts_on": "2026-01-01"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["ends_on"] is None and response.json()["in_force"] is True
    licence_id = response.json()["id"]
    response = client.patch(
        f"/api/v1/licences/{licence_id}/", {"starts_on": "2026-01-01", "ends_on": "2025-01-01"}, format="json"
    )
    assert response.json() == {"ends_on": ["The end date must be the same as or after the start date."]}
    response = client.patch(f"/api/v1/licences/{licence_id}/", {"status": "suspended"}, format="json")
    assert response.json()["status"] == "suspended" and response.json()["in_force"] is False
    response = client.post(
        "/api/v1/licences/",
        {"organisation": "nowhere", "type": "PL-P-999", "reference": "N-1", "starts_on": "1 May 2026"},
        format="json",
    )
    errors = response.json()
    assert "PL-P-101, PL-P-200" in errors["type"][0]
    assert "YYYY-MM-DD" in errors["starts_on"][0]
    assert Licence.objects.get(pk=licence_id).status == "suspended"
    assert AuditEvent.objects.filter(action="licence.update", actor=platform_admin).count() == 1


def test_put_is_not_offered(api_as, alice, bob, kent_world):
    response = api_as(alice).put(f"/api/v1/people/{bob.pk}/", {"first_name": "B"}, format="json")
    assert response.status_code == 405


@pytest.mark.parametrize("size", [1, 2])
def test_people_are_paged(api_as, alice, kent_world, size):
    page = api_as(alice).get(f"/api/v1/people/?page_size={size}").json()
    assert page["count"] == 3 and len(page["results"]) == size
    assert page["next"].startswith("http://testserver/api/v1/people/?page=2")
    assert Unit.objects.filter(organisation__slug="kent").count() == 2
