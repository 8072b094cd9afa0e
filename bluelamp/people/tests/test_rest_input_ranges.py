"""Control characters and absurd dates sent through the API are refused by the services with a
400 naming the field and what is accepted, never stored and never a 500 (security sweep, low
items: a licence starting in the year 336 was accepted)."""

from bluelamp.people.models import Person

DATE_RANGE = "give a date from 1 January 1900 to 31 December 2200."
CONTROL = "This contains a control character (U+{}"


def test_people_with_control_characters_or_absurd_dates_are_refused(api_as, alice, bob, kent):
    client = api_as(alice)
    response = client.post(
        "/api/v1/people/",
        {
            "organisation": "kent",
            "email": "eve@kent.police.uk",
            "first_name": "\x1b[31mEve",
            "last_name": "Smith",
            "job_role": "Ana\x0blyst",
            "employment_start_date": "0336-01-01",
        },
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert errors["first_name"][0].startswith(CONTROL.format("001B"))
    assert errors["job_role"][0].startswith(CONTROL.format("000B"))
    assert errors["employment_start_date"] == [
        f"0336-01-01 is not a date that can be used here: {DATE_RANGE}"
    ]
    assert not Person.objects.filter(email="eve@kent.police.uk").exists()
    response = client.patch(
        f"/api/v1/people/{bob.pk}/", {"status": "leaver", "left_on": "1066-10-14"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"left_on": [f"1066-10-14 is not a date that can be used here: {DATE_RANGE}"]}
    bob.refresh_from_db()
    assert bob.status == "active"
