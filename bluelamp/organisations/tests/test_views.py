"""Organisation, unit, licence and role pages, each with an outsider who must be refused."""

import pytest
from django.urls import reverse

from bluelamp.audit.api import AuditEvent
from bluelamp.organisations.models import Licence, LicenceContact, Organisation, RoleAssignment, Unit
from bluelamp.organisations.services import licence_contact_add, role_grant, unit_create
from conftest import page_body


@pytest.fixture
def kent_things(kent, alice, bob):
    unit = unit_create(actor=alice, organisation=kent, name="East Division")
    licence = Licence.objects.get(organisation=kent, type="PL-P-101")
    contact = licence_contact_add(
        actor=None, licence=licence, name="Head of Learning", email="hol@kent.police.uk"
    )
    assignment = role_grant(actor=alice, person=bob, role="tutor", organisation=kent)
    return {"unit": unit, "licence": licence, "contact": contact, "assignment": assignment}


def outsider_urls(kent_things):
    t = kent_things
    return [
        ("get", "/organisations/kent/"),
        ("get", "/organisations/units/?org=kent"),
        ("get", f"/organisations/units/{t['unit'].pk}/"),
        ("get", f"/organisations/licences/{t['licence'].pk}/"),
        ("post", f"/organisations/licence-contacts/{t['contact'].pk}/remove/"),
        ("get", f"/organisations/roles/{t['assignment'].pk}/revoke/"),
        ("post", f"/organisations/roles/{t['assignment'].pk}/revoke/"),
        ("get", "/organisations/"),
        ("get", "/organisations/add/"),
        ("get", "/organisations/licences/add/"),
    ]


def test_outsider_is_refused_every_kent_page_as_not_found(signed_in, charlie, kent_things):
    client = signed_in(charlie)
    for method, url in outsider_urls(kent_things):
        response = getattr(client, method)(url)
        assert response.status_code == 404, (method, url, response.status_code)
    # Refused and "missing" look the same.
    assert page_body(client.get("/organisations/licences/999999/")) == page_body(
        client.get(f"/organisations/licences/{kent_things['licence'].pk}/")
    )
    assert LicenceContact.objects.filter(pk=kent_things["contact"].pk).exists()
    assert RoleAssignment.objects.current().filter(pk=kent_things["assignment"].pk).exists()


def test_outsider_lists_show_nothing_of_kent(signed_in, charlie, kent_things):
    client = signed_in(charlie)
    licences = client.get("/organisations/licences/").content.decode()
    assert "KENT-" not in licences and "ESSEX-" in licences
    roles = client.get("/organisations/roles/").content.decode()
    assert "Bob" not in roles and "Alice" not in roles
    assert client.get("/organisations/roles/?org=kent").status_code == 200
    assert "Alice" not in client.get("/organisations/roles/?org=kent").content.decode()


def test_anonymous_is_sent_to_sign_in(client, kent_things):
    response = client.get("/organisations/units/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_org_admin_manages_units(signed_in, alice, kent):
    client = signed_in(alice)
    response = client.post("/organisations/units/", {"org": "kent", "name": "West Division", "code": "WD"})
    assert response.status_code == 302
    west = Unit.objects.get(organisation=kent, full_path="West Division")
    client.post("/organisations/units/", {"org": "kent", "name": "Team 1", "parent": west.pk})
    assert Unit.objects.filter(full_path="West Division/Team 1").exists()
    response = client.post("/organisations/units/", {"org": "kent", "name": "Bad/Name"})
    assert response.status_code == 200
    assert "cannot contain" in response.content.decode()
    client.post(f"/organisations/units/{west.pk}/", {"name": "West Area", "code": "WA"})
    assert Unit.objects.filter(full_path="West Area/Team 1").exists()
    assert AuditEvent.objects.filter(action="unit.rename").exists()


def test_org_admin_edits_branding_not_kind(signed_in, alice, kent):
    client = signed_in(alice)
    page = client.get("/organisations/kent/").content.decode()
    assert 'name="kind"' not in page
    response = client.post(
        "/organisations/kent/",
        {"name": "Kent Police", "host_name": "kent.learn.example", "brand_colour": "#00ff00"},
    )
    assert response.status_code == 302
    kent.refresh_from_db()
    assert kent.brand_colour == "#00ff00"
    response = client.post("/organisations/kent/", {"name": "Kent Police", "brand_colour": "green"})
    assert "#rrggbb" in response.content.decode()


def test_platform_admin_creates_organisation_and_licence(signed_in, platform_admin):
    client = signed_in(platform_admin)
    response = client.post(
        "/organisations/add/",
        {"slug": "btp", "name": "British Transport Police", "kind": "other_force", "brand_colour": "#123456"},
    )
    assert response.status_code == 302
    btp = Organisation.objects.get(slug="btp")
    response = client.post(
        "/organisations/licences/add/",
        {
            "organisation": btp.pk,
            "type": "PL-P-200",
            "reference": "PL-P-200-BTP",
            "starts_on": "2026-04-01",
            "ends_on": "2026-03-01",
            "status": "active",
        },
    )
    assert "must be the same as or after" in response.content.decode()
    response = client.post(
        "/organisations/licences/add/",
        {
            "organisation": btp.pk,
            "type": "PL-P-200",
            "reference": "PL-P-200-BTP",
            "starts_on": "2026-04-01",
            "ends_on": "2027-03-31",
            "status": "active",
            "shares_names_nationally": "on",
        },
    )
    assert response.status_code == 302
    licence = Licence.objects.get(organisation=btp)
    assert licence.shares_names_nationally


def test_platform_admin_sets_whether_the_national_body_sees_names(signed_in, platform_admin, kent):
    licence = Licence.objects.get(organisation=kent, type="PL-P-200")
    assert not licence.shares_names_nationally  # figures only, unless the licence says otherwise
    client = signed_in(platform_admin)
    page = client.get(f"/organisations/licences/{licence.pk}/").content.decode()
    assert 'name="shares_names_nationally"' in page and "figures only" in page.lower()
    fields = {
        "form": "licence",
        "type": licence.type,
        "reference": licence.reference,
        "starts_on": licence.starts_on.isoformat(),
        "ends_on": licence.ends_on.isoformat(),
        "status": licence.status,
    }
    response = client.post(
        f"/organisations/licences/{licence.pk}/", {**fields, "shares_names_nationally": "on"}
    )
    assert response.status_code == 302
    licence.refresh_from_db()
    assert licence.shares_names_nationally
    event = AuditEvent.objects.filter(action="licence.update").latest("pk")
    assert event.before["shares_names_nationally"] is False and event.after["shares_names_nationally"] is True
    page = client.get(f"/organisations/licences/{licence.pk}/").content.decode()
    assert "Yes, while the licence is in force" in page
    client.post(f"/organisations/licences/{licence.pk}/", fields)  # unticked: names no longer shared
    licence.refresh_from_db()
    assert not licence.shares_names_nationally


def test_admin_privileges_report_and_csv(signed_in, alice, bob, charlie, kent):
    role_grant(actor=alice, person=bob, role="training_admin", organisation=kent)
    client = signed_in(alice)
    page = client.get(reverse("organisations:roles")).content.decode()
    assert "Bob Officer" in page and "Training administrator" in page
    assert "Charlie" not in page
    csv = client.get(reverse("organisations:roles") + "?format=csv").content.decode()
    assert csv.splitlines()[0].startswith("name,email")
    assert "bob@kent.police.uk" in csv and "charlie" not in csv


def test_revoke_from_the_page(signed_in, alice, bob, kent):
    assignment = role_grant(actor=alice, person=bob, role="tutor", organisation=kent)
    client = signed_in(alice)
    response = client.post(f"/organisations/roles/{assignment.pk}/revoke/", {"reason": "No longer needed"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.revoked_at is not None and assignment.revoked_by == alice
