"""Programmes in the REST API: what is open or run, with structure; places and standing."""

import pytest

from bluelamp.programmes.places import place_add
from bluelamp.programmes.tests.helpers import cmi_programme, complete


@pytest.fixture
def cmi(kent, alice):
    return cmi_programme(kent, alice)


def test_programmes_open_to_the_reader_with_their_structure(signed_in, client, bob, charlie, cmi):
    programme, _ = cmi
    data = signed_in(bob).get("/api/v1/programmes/").json()
    assert [p["code"] for p in data["results"]] == ["CMI-L7"]
    detail = client.get(f"/api/v1/programmes/{programme.uuid}/").json()
    assert detail["credit_total"] == 20 and detail["awarding_body"] == "CMI"
    assert [s["title"] for s in detail["sets"]] == ["Mandatory units", "Optional units"]
    assert detail["sets"][1]["rule"] == "units" and detail["sets"][1]["required_units"] == 1
    assert client.get("/api/v1/programmes/null,null/").status_code == 404  # found by schemathesis: was a 500
    client.logout()
    assert signed_in(charlie).get(f"/api/v1/programmes/{programme.uuid}/").status_code == 404


def test_places_mine_and_of_a_programme_i_run(signed_in, client, alice, bob, charlie, cmi):
    programme, courses = cmi
    place = place_add(actor=alice, programme=programme, person=bob)
    complete(bob, courses["701"])
    mine = signed_in(bob).get("/api/v1/programme-places/").json()["results"]
    assert [p["id"] for p in mine] == [str(place.uuid)]
    assert mine[0]["credits_earned"] == 6
    assert {u["course_code"]: u["state"] for u in mine[0]["units"]}["CMI-L7-701"] == "completed"
    assert client.get(f"/api/v1/programme-places/?programme={programme.uuid}").status_code == 404
    client.logout()
    run = signed_in(alice).get(f"/api/v1/programme-places/?programme={programme.uuid}").json()["results"]
    assert [p["person_name"] for p in run] == ["Bob Officer"]
    client.logout()
    assert signed_in(charlie).get(f"/api/v1/programme-places/{place.uuid}/").status_code == 404
