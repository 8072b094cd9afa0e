"""The outsider cases of tutors' programme pages (see tests/test_every_url_has_an_outsider.py):
Bob's place on Kent's programme (built by outsiders_learner.py) has a Kent tutor and a message
from Bob. Essex's people see only their own caseload (empty), and neither Bob's place nor his
thread."""

from tests.test_every_url_has_an_outsider import OWN, REFUSED, Case


def _place(w, rest=""):
    return f"/programmes/places/{w.learner_place.uuid}/{rest}"


CASES = {
    "programmes/caseload/": Case(
        lambda w: "/programmes/caseload/?inactive_days=7",
        OWN,
        why="the learners whose tutor or concierge the reader is",
    ),
    "programmes/places/<>/": Case(lambda w: _place(w), REFUSED),
    "programmes/places/<>/messages/": Case(
        lambda w: _place(w, "messages/"), REFUSED, methods=("get", "post")
    ),
}


def build(w) -> None:
    """Nothing of its own: the learner part's world has Bob's place, his tutor and his thread."""
