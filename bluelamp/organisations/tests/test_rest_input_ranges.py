"""Control characters and absurd dates sent through the API are refused by the services with a
400 naming the field and what is accepted, never stored and never a 500 (security sweep, low
items: a licence starting in the year 336 was accepted)."""

import datetime as dt

from bluelamp.organisations.models import Licence, Organisation, Unit

DATE_RANGE = "give a date from 1 January 1900 to 31 December 2200."
CONTROL = "This contains a control character (U+{}"


def test_a_licence_starting_in_the_year_336_is_refused(api_as, platform_admin, kent):
    client = api_as(platform_admin)
    response = client.post(
        "/api/v1/licences/",
        {"organisation": "kent", "type": "PL-P-101", "reference": "K-336", "starts_on": "0336-05-01"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"starts_on": [f"0336-05-01 is not a date that can be used here: {DATE_RANGE}"]}
    assert not Licence.objects.filter(reference="K-336").exists()


def test_licence_changes_with_absurd_dates_or_control_characters_are_refused(api_as, platform_admin, kent):
    licence = kent.licences.get(type="PL-P-101")
    client = api_as(platform_admin)
    response = client.patch(
        f"/api/v1/licences/{licence.pk}/",
        {"ends_on": "9999-12-31", "reference": "K\x1b[2J", "notes": "Renewed\r\nby phone\x07"},
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"ends_on", "reference", "notes"}
    assert errors["ends_on"] == [f"9999-12-31 is not a date that can be used here: {DATE_RANGE}"]
    assert errors["reference"][0].startswith(CONTROL.format("001B"))
    assert errors["notes"][0].startswith(CONTROL.format("0007"))
    licence.refresh_from_db()
    assert licence.ends_on == dt.date(2099, 12, 31)
    # Line breaks are fine in notes.
    response = client.patch(
        f"/api/v1/licences/{licence.pk}/", {"notes": "Renewed\r\nby phone"}, format="json"
    )
    assert response.status_code == 200 and response.json()["notes"] == "Renewed\r\nby phone"


def test_organisation_names_with_control_characters_are_refused(api_as, platform_admin, kent):
    client = api_as(platform_admin)
    response = client.post(
        "/api/v1/organisations/",
        {"slug": "bell", "name": "Bell\x07 Police", "kind": "home_office_force"},
        format="json",
    )
    assert response.status_code == 400 and response.json()["name"][0].startswith(CONTROL.format("0007"))
    response = client.patch("/api/v1/organisations/kent/", {"name": "Kent\x08Police"}, format="json")
    assert response.status_code == 400 and "U+0008" in response.json()["name"][0]
    assert not Organisation.objects.filter(slug="bell").exists()
    assert Organisation.objects.get(slug="kent").name == "Kent Police"


def test_unit_names_and_codes_with_control_characters_are_refused(api_as, alice, kent):
    response = api_as(alice).post(
        "/api/v1/units/", {"organisation": "kent", "name": "East\x01", "code": "E\x02"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"name", "code"}
    assert not Unit.objects.filter(name__startswith="East").exists()
