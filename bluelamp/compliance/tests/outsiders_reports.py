"""The outsider cases of the compliance dashboards (see tests/test_every_url_has_an_outsider.py):
a Kent officer in Kent's unit, in the audience of Kent's requirement (outsiders_requirements.py);
Essex's people asking for that unit's figures and forecast, or for the national view, are told
"not found", and someone signed out is sent to sign in."""

from tests.test_every_url_has_an_outsider import REFUSED, Case

CASES = {
    # The dashboard of the reader's own organisation is theirs; Kent's unit is not.
    "compliance/": Case(lambda w: f"/compliance/?unit={w.unit.pk}&below=on", REFUSED),
    "compliance/national/": Case(lambda w: "/compliance/national/", REFUSED),
    "compliance/forecast/": Case(lambda w: f"/compliance/forecast/?unit={w.unit.pk}", REFUSED),
}


def build(w) -> None:
    from bluelamp.compliance import evaluation
    from bluelamp.compliance.tests.helpers import AT
    from conftest import make_person

    w.kent_unit_officer = make_person(
        w.kent,
        "kentonly.unit@kent.police.uk",
        first="Kentonly",
        last="Unit-officer",
        staff_number="KENT-9",
        unit=w.unit,
    )
    evaluation.evaluate_people([w.kent_unit_officer.pk], at=AT)
