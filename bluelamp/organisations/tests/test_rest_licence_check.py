"""The public licence check: outside checks rely on its exact shape, so these tests pin it."""

import datetime as dt

import pytest

from bluelamp.organisations.models import Licence
from bluelamp.organisations.services import licence_create, licence_update
from conftest import make_org

URL = "/api/v1/licence-check/"
SHAPE = {"organisation", "type", "licensed", "valid_until", "open_ended"}


def check(client, **params):
    return client.get(URL, params)


def test_licensed(client, kent):
    response = check(client, organisation="kent", type="PL-P-200")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "organisation": "kent",
        "type": "PL-P-200",
        "licensed": True,
        "valid_until": "2099-12-31",
        "open_ended": False,
    }


def test_valid_until_follows_a_back_to_back_renewal(client, kent):
    licence_create(
        actor=None,
        organisation=kent,
        type="PL-P-200",
        reference="KENT-RENEWAL",
        starts_on=dt.date(2100, 1, 1),
        ends_on=dt.date(2102, 12, 31),
    )
    assert check(client, organisation="kent", type="PL-P-200").json()["valid_until"] == "2102-12-31"


def test_lapsed(client, kent, platform_admin):
    licence = Licence.objects.get(organisation=kent, type="PL-P-101")
    licence_update(actor=platform_admin, licence=licence, status="suspended")
    assert check(client, organisation="kent", type="PL-P-101").json() == {
        "organisation": "kent",
        "type": "PL-P-101",
        "licensed": False,
        "valid_until": None,
        "open_ended": False,
    }
    # The other licence is unaffected.
    assert check(client, organisation="kent", type="PL-P-200").json()["licensed"] is True


def test_expired_by_date(client, db):
    org = make_org("old", "Old Constabulary", licences=())
    licence_create(
        actor=None,
        organisation=org,
        type="PL-P-200",
        reference="OLD-1",
        starts_on=dt.date(2010, 1, 1),
        ends_on=dt.date(2011, 1, 1),
    )
    assert check(client, organisation="old", type="PL-P-200").json()["licensed"] is False


def test_open_ended(client, db):
    org = make_org("btp", "British Transport Police", licences=())
    licence_create(
        actor=None,
        organisation=org,
        type="PL-P-101",
        reference="BTP-1",
        starts_on=dt.date(2020, 1, 1),
        ends_on=None,
    )
    assert check(client, organisation="btp", type="PL-P-101").json() == {
        "organisation": "btp",
        "type": "PL-P-101",
        "licensed": True,
        "valid_until": None,
        "open_ended": True,
    }


def test_reveals_nothing_else(client, kent):
    from bluelamp.organisations.services import licence_contact_add

    licence = Licence.objects.get(organisation=kent, type="PL-P-200")
    licence_contact_add(actor=None, licence=licence, name="Head of Learning", email="hol@kent.police.uk")
    response = check(client, organisation="kent", type="PL-P-200")
    assert set(response.json()) == SHAPE
    text = response.content.decode()
    for secret in ["KENT-", "hol@kent.police.uk", "Head of Learning", "2020-01-01", "Kent Police"]:
        assert secret not in text


def test_unknown_organisation_is_404_json(client, kent, national):
    for slug in ["nowhere", "national"]:
        response = check(client, organisation=slug, type="PL-P-200")
        assert response.status_code == 404
        assert set(response.json()) == {"detail"}
        assert slug in response.json()["detail"]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"organisation": "kent"}, "type"),
        ({"organisation": "kent", "type": "PL-P-999"}, "type"),
        ({"organisation": "kent", "type": "pl-p-200 "}, "type"),
        ({"type": "PL-P-200"}, "organisation"),
    ],
)
def test_missing_or_invalid_parameters_are_400_naming_what_is_accepted(client, kent, params, field):
    response = check(client, **params)
    assert response.status_code == 400
    message = response.json()[field][0]
    if field == "type":
        assert "PL-P-101" in message and "PL-P-200" in message


def test_needs_no_sign_in_and_ignores_credentials(client, kent):
    response = client.get(
        URL, {"organisation": "kent", "type": "PL-P-200"}, HTTP_AUTHORIZATION="Token nonsense"
    )
    assert response.status_code == 200
