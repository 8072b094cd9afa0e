"""The outsider cases of programmes' places pages (see tests/test_every_url_has_an_outsider.py):
Kent runs a programme on which Bob has applied (waiting for Alice, his line manager), one Kent
learner is on it with a registration number and another has completed it. Essex's people and
someone signed out must reach none of it: not the application, the people on it, their places'
pages, nor the awarding body's files."""

from tests.test_every_url_has_an_outsider import OWN, REFUSED, Case


def _get(url):
    return Case(url, REFUSED)


def _form(url):
    return Case(url, REFUSED, methods=("get", "post"))


def _manage(w, rest):
    return f"/programmes/manage/{w.places_programme.uuid}/{rest}"


def _place(w, rest):
    return f"/programmes/places/{w.places_place.uuid}/{rest}/"


CASES = {
    "programmes/applications/": Case(
        lambda w: "/programmes/applications/",
        OWN,
        why="applications waiting for the reader: their reports' and those of programmes they run",
    ),
    "programmes/applications/<>/": _form(lambda w: f"/programmes/applications/{w.places_application.uuid}/"),
    "programmes/manage/<>/places/": _get(lambda w: _manage(w, "places/")),
    "programmes/manage/<>/places/add/": _form(lambda w: _manage(w, "places/add/")),
    "programmes/manage/<>/registrations.csv": _get(lambda w: _manage(w, "registrations.csv")),
    "programmes/manage/<>/claims/": _form(lambda w: _manage(w, "claims/?claimed=all")),
    "programmes/manage/<>/claims.csv": _get(lambda w: _manage(w, "claims.csv?claimed=all")),
    "programmes/manage/<>/audience/": _form(lambda w: _manage(w, "audience/")),
    "programmes/manage/<>/audience/<>/stop/": Case(
        lambda w: _manage(w, f"audience/{w.places_rule.uuid}/stop/"), REFUSED, methods=("post",)
    ),
    "programmes/places/<>/allocate/": _form(lambda w: _place(w, "allocate")),
    "programmes/places/<>/registration/": _form(lambda w: _place(w, "registration")),
    "programmes/places/<>/withdraw/": _form(lambda w: _place(w, "withdraw")),
}


def build(w) -> None:
    import datetime as dt

    from bluelamp.programmes.places import place_add, place_apply, place_register
    from bluelamp.programmes.tests.helpers import AT, cmi_programme, cohort, complete
    from conftest import make_person

    programme, courses = cmi_programme(w.kent, w.alice, code="KENTONLY-PL")
    w.places_programme = programme
    spring = cohort(programme, w.kent, w.alice, name="KENTONLY cohort")
    from bluelamp.organisations.api import unit_create
    from bluelamp.programmes.audiences import audience_rule_save

    district = unit_create(actor=w.alice, organisation=w.kent, name="KENTONLY district")
    w.places_rule = audience_rule_save(
        actor=w.alice, programme=programme, cohort=spring, unit_ids=[district.pk], ranks=[], job_roles=[]
    )
    w.places_application = place_apply(
        person=w.bob, programme=programme, cohort=spring, statement="KENTONLY statement", at=AT
    )
    learner = make_person(
        w.kent, "kentonly.learner@kent.police.uk", first="KENTONLY", last="Learner", staff_number="KPL1"
    )
    w.places_place = place_add(actor=w.alice, programme=programme, person=learner, cohort=spring, at=AT)
    place_register(
        actor=w.alice,
        place=w.places_place,
        registration_number="KENTONLY-REG",
        registered_on=dt.date(2026, 11, 5),
    )
    finished = make_person(
        w.kent, "kentonly.finished@kent.police.uk", first="KENTONLY", last="Finished", staff_number="KPL2"
    )
    place_add(actor=w.alice, programme=programme, person=finished, cohort=spring, at=AT)
    for number in ("701", "702", "703"):
        complete(finished, courses[number])
