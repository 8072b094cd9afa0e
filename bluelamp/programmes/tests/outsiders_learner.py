"""The outsider cases of the learner's programme pages (see tests/test_every_url_has_an_outsider.py):
Kent runs a programme Bob is on, with a tutor and a message in his thread. Essex's people and
someone signed out must reach none of it: not the programme's page, applying to it, Bob's
programme page, his messages or leaving it for him."""

from tests.test_every_url_has_an_outsider import OWN, REFUSED, Case


def _form(url):
    return Case(url, REFUSED, methods=("get", "post"))


def _mine(w, rest=""):
    return f"/programmes/mine/{w.learner_place.uuid}/{rest}"


CASES = {
    "programmes/": Case(
        lambda w: "/programmes/", OWN, why="the programmes open to the reader, and their own places"
    ),
    "programmes/<>/": Case(lambda w: f"/programmes/{w.learner_programme.uuid}/", REFUSED),
    "programmes/<>/apply/": _form(lambda w: f"/programmes/{w.learner_programme.uuid}/apply/"),
    "programmes/mine/<>/": Case(lambda w: _mine(w), REFUSED),
    "programmes/mine/<>/messages/": _form(lambda w: _mine(w, "messages/")),
    "programmes/mine/<>/withdraw/": _form(lambda w: _mine(w, "withdraw/")),
    "programmes/upcoming/": Case(
        lambda w: "/programmes/upcoming/", OWN, why="what the reader has due in the next 14 days"
    ),
}


def build(w) -> None:
    from bluelamp.programmes.messages import message_send
    from bluelamp.programmes.places import place_add, place_assign
    from bluelamp.programmes.tests.helpers import AT, cmi_programme, cohort
    from conftest import make_person

    programme, _ = cmi_programme(w.kent, w.alice, code="KENTONLY-LP")
    w.learner_programme = programme
    spring = cohort(programme, w.kent, w.alice, name="KENTONLY learners")
    w.learner_place = place_add(actor=w.alice, programme=programme, person=w.bob, cohort=spring, at=AT)
    w.learner_tutor = make_person(
        w.kent,
        "kentonly.tutor@kent.police.uk",
        first="KENTONLY",
        last="Tutor",
        staff_number="KLT1",
        roles=["tutor"],
    )
    place_assign(actor=w.alice, place=w.learner_place, tutor=w.learner_tutor, concierge=w.alice, at=AT)
    message_send(actor=w.bob, place=w.learner_place, body="KENTONLY message from Bob", at=AT)
