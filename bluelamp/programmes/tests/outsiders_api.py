"""The outsider cases of programmes' REST API: Kent runs a programme and Bob has a place on it;
Essex's people and someone signed out must reach none of it (a Kent programme is not open to
Essex), nor see it listed."""

from tests.test_every_url_has_an_outsider import OWN, REFUSED, Case

CASES = {
    "api/v1/programmes/": Case(
        lambda w: "/api/v1/programmes/", OWN, why="programmes open to the reader, or that they run"
    ),
    "api/v1/programmes/<>/": Case(lambda w: f"/api/v1/programmes/{w.api_programme.uuid}/", REFUSED),
    "api/v1/programme-places/": Case(
        lambda w: "/api/v1/programme-places/", OWN, why="the reader's own places on programmes"
    ),
    "api/v1/programme-places/<>/": Case(lambda w: f"/api/v1/programme-places/{w.api_place.uuid}/", REFUSED),
}


def build(w) -> None:
    from bluelamp.programmes.places import place_add
    from bluelamp.programmes.tests.helpers import cmi_programme

    w.api_programme, _courses = cmi_programme(w.kent, w.alice, code="KENTONLY-PROG")
    w.api_place = place_add(actor=w.alice, programme=w.api_programme, person=w.bob)
