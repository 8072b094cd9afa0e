"""The outsider cases of the requirements' pages of mandatory training (see
tests/test_every_url_has_an_outsider.py): Kent has a requirement of its own (and a retired one,
to restore); Essex's people and someone signed out must reach neither, nor see them listed."""

from tests.test_every_url_has_an_outsider import OWN, REFUSED, Case


def _form(url):
    return Case(url, REFUSED, methods=("get", "post"))


def _requirement(w, rest=""):
    return f"/compliance/requirements/{w.kent_requirement.uuid}/{rest}"


CASES = {
    "compliance/requirements/": Case(
        lambda w: "/compliance/requirements/",
        OWN,
        why="the requirements of the reader's own organisation (and the national ones)",
    ),
    "compliance/requirements/new/": Case(
        lambda w: "/compliance/requirements/new/",
        OWN,
        methods=("get", "post"),
        why="a new requirement of the reader's own organisation",
    ),
    "compliance/requirements/<>/": Case(lambda w: _requirement(w), REFUSED),
    "compliance/requirements/<>/edit/": _form(lambda w: _requirement(w, "edit/")),
    "compliance/requirements/<>/retire/": _form(lambda w: _requirement(w, "retire/")),
    "compliance/requirements/<>/restore/": _form(
        lambda w: f"/compliance/requirements/{w.kent_retired_requirement.uuid}/restore/"
    ),
}


def build(w) -> None:
    from bluelamp.compliance.services import requirement_set_state
    from bluelamp.compliance.tests.helpers import AT, make_requirement

    w.kent_requirement = make_requirement(
        w.kent, "KENTONLY-RQ", [w.course], actor=w.alice, at=AT, title="KENTONLY requirement"
    )
    retired = make_requirement(
        w.kent, "KENTONLY-OLD", [w.course], actor=w.alice, at=AT, title="KENTONLY retired requirement"
    )
    w.kent_retired_requirement = requirement_set_state(
        actor=w.alice, requirement=retired, state="retired", at=AT
    )
