"""The outsider cases of building programmes and running cohorts (see
tests/test_every_url_has_an_outsider.py): Kent runs a published programme with a draft version 2
(its sets and units) and a cohort. Essex's people and someone signed out must reach none of it:
not its overview, details, structure, a set or unit of its draft, publishing, its cohorts or a
cohort's page, nor see it listed among the programmes they run."""

from tests.test_every_url_has_an_outsider import OWN, REFUSED, Case


def _form(url):
    return Case(url, REFUSED, methods=("get", "post"))


def _manage(w, rest=""):
    return f"/programmes/manage/{w.structure_programme.uuid}/{rest}"


CASES = {
    "programmes/manage/": Case(
        lambda w: "/programmes/manage/", OWN, why="the programmes the reader builds or runs cohorts of"
    ),
    "programmes/manage/new/": Case(
        lambda w: "/programmes/manage/new/",
        OWN,
        methods=("get", "post"),
        why="a new programme of an organisation whose learning the reader manages",
    ),
    "programmes/manage/<>/": Case(lambda w: _manage(w), REFUSED),
    "programmes/manage/<>/edit/": _form(lambda w: _manage(w, "edit/")),
    "programmes/manage/<>/structure/": _form(lambda w: _manage(w, "structure/")),
    "programmes/manage/<>/structure/sets/<>/": _form(
        lambda w: _manage(w, f"structure/sets/{w.structure_set.pk}/")
    ),
    "programmes/manage/<>/structure/units/<>/": _form(
        lambda w: _manage(w, f"structure/units/{w.structure_unit.pk}/")
    ),
    "programmes/manage/<>/publish/": _form(lambda w: _manage(w, "publish/")),
    "programmes/manage/<>/cohorts/": _form(lambda w: _manage(w, "cohorts/")),
    "programmes/manage/<>/cohorts/<>/": _form(lambda w: _manage(w, f"cohorts/{w.structure_cohort.uuid}/")),
}


def build(w) -> None:
    from bluelamp.programmes.structure import version_start
    from bluelamp.programmes.tests.helpers import AT, cmi_programme, cohort

    programme, _courses = cmi_programme(w.kent, w.alice, code="KENTONLY-SP")
    w.structure_programme = programme
    draft = version_start(actor=w.alice, programme=programme, at=AT)
    w.structure_set = draft.sets.order_by("order").first()
    w.structure_unit = w.structure_set.units.order_by("order").first()
    w.structure_cohort = cohort(programme, w.kent, w.alice, name="KENTONLY cohort")
