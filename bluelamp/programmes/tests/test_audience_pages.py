"""The audience rules page: making a rule places those it matches, with named errors and
nothing written on bad input; stopping one; outsiders get 404 (see outsiders_places.py)."""

import pytest

from bluelamp.organisations.api import unit_create
from bluelamp.people.api import person_update
from bluelamp.programmes.models import AudienceRule, Place
from bluelamp.programmes.tests.helpers import cmi_programme, cohort
from conftest import make_person


@pytest.fixture
def setup(kent, alice):
    programme, _ = cmi_programme(kent, alice)
    spring = cohort(programme, kent, alice)
    district = unit_create(actor=alice, organisation=kent, name="North district")
    inspector = make_person(kent, "insp@kent.police.uk", first="Ida", last="Inspector", unit=district)
    person_update(actor=alice, person=inspector, rank="Inspector")
    return programme, spring, district


def _url(programme):
    return f"/programmes/manage/{programme.uuid}/audience/"


def test_making_a_rule_places_those_it_matches(signed_in, alice, setup):
    programme, spring, district = setup
    client = signed_in(alice)
    page = client.get(_url(programme)).content.decode()
    assert "No rules" in page and "North district" in page
    response = client.post(
        _url(programme),
        {"cohort": str(spring.uuid), "units": [str(district.pk)], "ranks": ["Inspector"], "job_roles": ""},
        follow=True,
    )
    body = response.content.decode()
    assert "1 person was placed in Spring 2027 now" in body
    assert "Everyone in Kent Police in North district (and below), ranked Inspector" in body
    assert Place.objects.get(programme=programme).method == Place.Method.AUDIENCE
    rule = AudienceRule.objects.get()
    response = client.post(f"{_url(programme)}{rule.uuid}/stop/", follow=True)
    assert "no one more is placed by it" in response.content.decode()
    rule.refresh_from_db()
    assert not rule.active


def test_a_rule_for_everyone_or_without_a_cohort_is_refused_and_nothing_written(signed_in, alice, setup):
    programme, spring, _ = setup
    client = signed_in(alice)
    response = client.post(_url(programme), {"cohort": str(spring.uuid), "job_roles": " \n "})
    assert response.status_code == 400
    assert "Choose at least one unit, rank or job role" in response.content.decode()
    response = client.post(_url(programme), {"cohort": "", "ranks": ["Inspector"]})
    assert response.status_code == 400 and "Choose the cohort" in response.content.decode()
    assert not AudienceRule.objects.exists() and not Place.objects.exists()


def test_outsiders_reach_no_rule(signed_in, charlie, alice, setup):
    programme, spring, district = setup
    client = signed_in(charlie)
    assert client.get(_url(programme)).status_code == 404
    assert (
        client.post(_url(programme), {"cohort": str(spring.uuid), "ranks": ["Inspector"]}).status_code == 404
    )
    assert not AudienceRule.objects.exists()
