"""Writes go through the domain services: validated, audited, and explained when refused."""

from bluelamp.audit.api import AuditEvent
from bluelamp.organisations.models import Licence, Organisation, Unit


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
