"""The outsider cases of mandatory training's REST API (see tests/test_every_url_has_an_outsider.py):
Kent has a requirement, Bob stands on it, and Kent's unit and Kent itself have counts; Essex's
people and someone signed out must reach none of it, nor see it listed."""

from tests.test_every_url_has_an_outsider import OWN, REFUSED, Case

CASES = {
    "api/v1/requirements/": Case(
        lambda w: "/api/v1/requirements/",
        OWN,
        methods=("get", "post"),
        why="the requirements of the reader's own organisation (and the national ones); adds the reader's own",
    ),
    "api/v1/requirements/<>/": Case(
        lambda w: f"/api/v1/requirements/{w.api_requirement.uuid}/", REFUSED, methods=("get", "patch")
    ),
    "api/v1/people/<>/compliance/": Case(lambda w: f"/api/v1/people/{w.bob.pk}/compliance/", REFUSED),
    "api/v1/units/<>/compliance/": Case(lambda w: f"/api/v1/units/{w.unit.pk}/compliance/", REFUSED),
    "api/v1/organisations/<>/compliance/": Case(lambda w: "/api/v1/organisations/kent/compliance/", REFUSED),
}


def build(w) -> None:
    from bluelamp.compliance.tests.helpers import AT, make_requirement

    w.api_requirement = make_requirement(
        w.kent, "KENTONLY-API", [w.course], actor=w.alice, at=AT, title="KENTONLY API requirement"
    )
