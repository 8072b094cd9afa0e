"""Every endpoint is scoped like the web pages: an outsider is refused and learns nothing."""

import pytest

from bluelamp.organisations.models import Licence, Organisation, Unit
from bluelamp.organisations.services import licence_update
from bluelamp.people.models import Person
from bluelamp.restapi.tests.fixtures import results


def kent_detail_requests(world, bob):
    """Every request on one of Kent's things, with the same request on something that does not exist."""
    return [
        ("get", "/api/v1/organisations/kent/", "/api/v1/organisations/nowhere/", None),
        ("patch", "/api/v1/organisations/kent/", "/api/v1/organisations/nowhere/", {"name": "Hacked"}),
        ("get", f"/api/v1/licences/{world['licence'].pk}/", "/api/v1/licences/999999/", None),
        (
            "patch",
            f"/api/v1/licences/{world['licence'].pk}/",
            "/api/v1/licences/999999/",
            {"status": "revoked"},
        ),
        ("get", f"/api/v1/units/{world['east'].pk}/", "/api/v1/units/999999/", None),
        ("get", f"/api/v1/people/{bob.pk}/", "/api/v1/people/999999/", None),
        ("patch", f"/api/v1/people/{bob.pk}/", "/api/v1/people/999999/", {"first_name": "Hacked"}),
        ("get", f"/api/v1/people/{bob.pk}/roles/", "/api/v1/people/999999/roles/", None),
    ]


@pytest.mark.parametrize("via", ["token", "session"])
def test_outsider_gets_not_found_for_every_kent_detail_the_same_as_for_nothing(
    api_as, charlie, kent_world, bob, via
):
    client = api_as(charlie, via=via)
    for method, url, missing_url, body in kent_detail_requests(kent_world, bob):
        response = getattr(client, method)(url, body, format="json")
        missing = getattr(client, method)(missing_url, body, format="json")
        assert response.status_code == 404, (method, url, response.status_code)
        assert response.json() == missing.json(), (method, url)
    # Nothing was changed on the way.
    assert Organisation.objects.get(slug="kent").name == "Kent Police"
    assert Licence.objects.get(pk=kent_world["licence"].pk).status == "active"
    assert Person.objects.get(pk=bob.pk).first_name == "Bob"


def test_outsider_cannot_create_in_kent_and_the_refusal_reads_as_for_nothing(
    api_as, charlie, kent_world, essex_world
):
    client = api_as(charlie)
    units_before, people_before = Unit.objects.count(), Person.objects.count()

    def error(url, body, field):
        response = client.post(url, body, format="json")
        assert response.status_code == 400, (url, body, response.status_code)
        return response.json()[field][0]

    into_kent = error("/api/v1/units/", {"organisation": "kent", "name": "Spies"}, "organisation")
    into_nothing = error("/api/v1/units/", {"organisation": "nowhere", "name": "Spies"}, "organisation")
    assert into_kent == into_nothing.replace("nowhere", "kent")

    under_kent = error("/api/v1/units/", {"parent": kent_world["east"].pk, "name": "Spies"}, "parent")
    under_nothing = error("/api/v1/units/", {"parent": 999999, "name": "Spies"}, "parent")
    assert under_kent == under_nothing.replace("999999", str(kent_world["east"].pk))

    body = {"email": "mole@essex.police.uk", "first_name": "M", "last_name": "Ole"}
    person_kent = error("/api/v1/people/", {**body, "organisation": "kent"}, "organisation")
    person_nothing = error("/api/v1/people/", {**body, "organisation": "nowhere"}, "organisation")
    assert person_kent == person_nothing.replace("nowhere", "kent")

    # A Kent line manager for an Essex person is refused as if there were no such person.
    manager_kent = error(
        "/api/v1/people/", {**body, "organisation": "essex", "line_manager": 999999}, "line_manager"
    )
    assert "999999" in manager_kent

    # Organisations and licences are the platform administrators' to add.
    assert (
        client.post("/api/v1/organisations/", {"slug": "x", "name": "X", "kind": "other_force"}).status_code
        == 403
    )
    licence = {"organisation": "kent", "type": "PL-P-200", "reference": "X-1", "starts_on": "2030-01-01"}
    assert client.post("/api/v1/licences/", licence, format="json").status_code == 403
    assert (Unit.objects.count(), Person.objects.count()) == (units_before, people_before)
    assert not Organisation.objects.filter(slug="x").exists()


@pytest.mark.parametrize("via", ["token", "session"])
def test_outsider_lists_show_nothing_of_kent(api_as, charlie, kent_world, essex_world, via):
    client = api_as(charlie, via=via)
    assert [o["slug"] for o in results(client.get("/api/v1/organisations/"))] == ["essex"]
    assert {lic["organisation"] for lic in results(client.get("/api/v1/licences/"))} == {"essex"}
    assert results(client.get("/api/v1/licences/?organisation=kent")) == []
    assert {u["organisation"] for u in results(client.get("/api/v1/units/"))} == {"essex"}
    assert results(client.get("/api/v1/units/?organisation=kent")) == []
    people = results(client.get("/api/v1/people/"))
    assert {p["organisation"] for p in people} == {"essex"}
    assert {p["email"] for p in people} == {"charlie@essex.police.uk", "dave@essex.police.uk"}
    for query in [
        "?organisation=kent",
        "?q=Bob",
        "?q=K2",
        f"?unit={kent_world['east'].pk}",
        "?q=kent.police.uk",
    ]:
        assert results(client.get(f"/api/v1/people/{query}")) == [], query
    # Filtering by a Kent unit reads the same as filtering by one that does not exist.
    assert (
        client.get(f"/api/v1/people/?unit={kent_world['east'].pk}").json()
        == client.get("/api/v1/people/?unit=999999").json()
    )


def test_kent_admin_sees_kent_and_nothing_of_essex(api_as, alice, bob, kent_world, essex_world):
    client = api_as(alice)
    assert [o["slug"] for o in results(client.get("/api/v1/organisations/"))] == ["kent"]
    assert client.get("/api/v1/organisations/kent/").json()["name"] == "Kent Police"
    assert client.get("/api/v1/organisations/essex/").status_code == 404
    licences = results(client.get("/api/v1/licences/"))
    assert sorted(lic["reference"] for lic in licences) == ["KENT-0", "KENT-1"]
    assert all(lic["in_force"] for lic in licences)
    units = results(client.get("/api/v1/units/"))
    assert [(u["full_path"], u["parent"], u["depth"]) for u in units] == [
        ("East Division", None, 1),
        ("East Division/Response Team 1", kent_world["east"].pk, 2),
    ]
    assert client.get(f"/api/v1/units/{kent_world['team'].pk}/").json()["parent"] == kent_world["east"].pk
    assert client.get(f"/api/v1/units/{essex_world['north'].pk}/").status_code == 404
    people = results(client.get("/api/v1/people/"))
    assert [p["last_name"] for p in people] == ["Admin", "Constable", "Officer"]
    assert (
        results(client.get(f"/api/v1/people/?unit={kent_world['east'].pk}"))[0]["email"]
        == "carol@kent.police.uk"
    )
    assert [p["email"] for p in results(client.get("/api/v1/people/?q=K2"))] == ["bob@kent.police.uk"]
    bob_json = client.get(f"/api/v1/people/{bob.pk}/").json()
    assert bob_json["line_manager"] == alice.pk and bob_json["organisation"] == "kent"
    assert client.get(f"/api/v1/people/{essex_world['dave'].pk}/").status_code == 404
    roles = client.get(f"/api/v1/people/{alice.pk}/roles/").json()
    assert [(r["role"], r["scope"], r["organisation"]) for r in roles] == [
        ("organisation_admin", "organisation", "kent")
    ]


def test_a_token_acts_with_its_owners_own_scope(api_as, alice, bob, kent_world):
    client = api_as(bob)  # an officer with no roles: sees himself, nobody else
    assert results(client.get("/api/v1/people/")) == []
    assert client.get(f"/api/v1/people/{bob.pk}/").json()["email"] == "bob@kent.police.uk"
    assert client.get(f"/api/v1/people/{alice.pk}/").status_code == 404
    assert client.patch(f"/api/v1/people/{bob.pk}/", {"rank": "Sergeant"}, format="json").status_code == 404
    assert results(client.get("/api/v1/organisations/")) == []
    assert client.get("/api/v1/organisations/kent/").status_code == 404
    assert results(client.get("/api/v1/licences/")) == []
    # Alice, his line manager, sees him through her token.
    assert api_as(alice).get(f"/api/v1/people/{bob.pk}/").status_code == 200


def all_requests(world, bob):
    return [
        ("get", "/api/v1/organisations/"),
        ("post", "/api/v1/organisations/"),
        ("get", "/api/v1/organisations/kent/"),
        ("patch", "/api/v1/organisations/kent/"),
        ("get", "/api/v1/licences/"),
        ("post", "/api/v1/licences/"),
        ("get", f"/api/v1/licences/{world['licence'].pk}/"),
        ("patch", f"/api/v1/licences/{world['licence'].pk}/"),
        ("get", "/api/v1/units/"),
        ("post", "/api/v1/units/"),
        ("get", f"/api/v1/units/{world['east'].pk}/"),
        ("get", "/api/v1/people/"),
        ("post", "/api/v1/people/"),
        ("get", f"/api/v1/people/{bob.pk}/"),
        ("patch", f"/api/v1/people/{bob.pk}/"),
        ("get", f"/api/v1/people/{bob.pk}/roles/"),
    ]


def test_anonymous_requests_are_refused_except_the_licence_check(client, kent_world, bob):
    for method, url in all_requests(kent_world, bob):
        response = getattr(client, method)(url, {}, content_type="application/json")
        assert response.status_code == 401, (method, url, response.status_code)
        assert response["WWW-Authenticate"] == "Token"
        assert "Kent" not in response.content.decode()
    assert client.get("/api/v1/licence-check/?organisation=kent&type=PL-P-200").status_code == 200


def test_a_bad_or_revoked_token_is_refused(api_as, alice, kent_world):
    client = api_as(alice)
    assert client.get("/api/v1/people/").status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 64)
    assert client.get("/api/v1/people/").status_code == 401


def test_a_leavers_token_stops_working(api_as, alice, bob, kent_world):
    from bluelamp.people.services import person_update

    client = api_as(bob)
    assert client.get(f"/api/v1/people/{bob.pk}/").status_code == 200
    person_update(actor=alice, person=bob, status="leaver")
    assert client.get(f"/api/v1/people/{bob.pk}/").status_code == 401


def test_lapsed_digital_services_licence_takes_away_alices_api_and_deletes_nothing(
    api_as, alice, bob, kent_world, platform_admin
):
    client = api_as(alice)
    assert len(results(client.get("/api/v1/people/"))) == 3
    counts_before = (
        Person.objects.filter(organisation__slug="kent").count(),
        Unit.objects.filter(organisation__slug="kent").count(),
        Licence.objects.filter(organisation__slug="kent").count(),
    )

    licence_update(actor=platform_admin, licence=kent_world["licence"], status="suspended")

    for method, url in all_requests(kent_world, bob):
        response = getattr(client, method)(url, {}, format="json")
        assert response.status_code == 403, (method, url, response.status_code)
        assert "PL-P-101" in response.json()["detail"]
    # Not even her own reports through the line-manager relationship.
    assert client.get(f"/api/v1/people/{bob.pk}/").status_code == 403
    # Nothing was deleted: the platform administrator still sees all of Kent.
    admin = api_as(platform_admin)
    assert len(results(admin.get("/api/v1/people/?organisation=kent"))) == 3
    assert (
        Person.objects.filter(organisation__slug="kent").count(),
        Unit.objects.filter(organisation__slug="kent").count(),
        Licence.objects.filter(organisation__slug="kent").count(),
    ) == counts_before

    # Renewed: the same token works again.
    licence_update(actor=platform_admin, licence=kent_world["licence"], status="active")
    assert len(results(client.get("/api/v1/people/"))) == 3


def test_session_api_needs_administrators_to_have_set_up_mfa(client, alice, kent_world):
    client.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/api/v1/people/")
    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]


def test_platform_admin_sees_every_organisation(api_as, platform_admin, kent_world, essex_world):
    client = api_as(platform_admin)
    assert [o["slug"] for o in results(client.get("/api/v1/organisations/"))] == ["essex", "kent", "national"]
    assert {p["organisation"] for p in results(client.get("/api/v1/people/"))} == {
        "essex",
        "kent",
        "national",
    }
