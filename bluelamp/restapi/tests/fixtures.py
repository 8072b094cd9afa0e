"""The cast for API tests, built through the project's services, and a client acting as one of
them. The API's tests live with the endpoints they test (each domain's tests/test_rest_*.py) and
those that walk the whole API here; their conftest.py imports these fixtures.

Kent: Alice (organisation admin), Bob (officer reporting to Alice), Carol (in a Kent team).
Essex: Charlie (organisation admin, the outsider to everything of Kent's) and Dave.
"""

import pytest
from rest_framework.test import APIClient

from bluelamp.organisations.services import unit_create
from bluelamp.restapi.services import api_token_create
from conftest import force_sign_in, make_person, with_mfa


@pytest.fixture
def kent_world(kent, alice, bob):
    east = unit_create(actor=alice, organisation=kent, name="East Division")
    team = unit_create(actor=alice, organisation=kent, name="Response Team 1", parent=east)
    carol = make_person(
        kent, "carol@kent.police.uk", first="Carol", last="Constable", unit=team, staff_number="K3"
    )
    return {"east": east, "team": team, "carol": carol, "licence": kent.licences.get(type="PL-P-101")}


@pytest.fixture
def essex_world(essex, charlie):
    north = unit_create(actor=charlie, organisation=essex, name="North Division")
    dave = make_person(
        essex, "dave@essex.police.uk", first="Dave", last="Essex", unit=north, staff_number="E2"
    )
    return {"north": north, "dave": dave}


@pytest.fixture
def api_as(db):
    """An API client acting as `person`: with a token of theirs (default) or their browser session."""

    def client_for(person, *, via="token"):
        client = APIClient()
        if via == "token":
            _, token = api_token_create(actor=person, name=f"test {person.pk}", expires_in_days=None)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        else:
            from bluelamp.organisations.api import requires_mfa

            if requires_mfa(person):
                with_mfa(person)
            force_sign_in(client, person)
        return client

    return client_for


def results(response) -> list[dict]:
    """The items of a page of a list endpoint, after checking the page came back."""
    assert response.status_code == 200, (response.status_code, response.content[:500])
    return response.json()["results"]
