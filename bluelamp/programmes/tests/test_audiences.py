"""Places by audience rule: who matches, as people join and change, and who is left alone."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bluelamp.organisations.api import unit_create
from bluelamp.people.api import person_update
from bluelamp.programmes import audiences, places
from bluelamp.programmes.models import Place
from bluelamp.programmes.tests.helpers import cmi_programme, cohort
from conftest import make_person


@pytest.fixture
def world(kent, alice):
    programme, _ = cmi_programme(kent, alice)
    spring = cohort(programme, kent, alice)
    district = unit_create(actor=alice, organisation=kent, name="North district")
    return programme, spring, district


def test_a_rule_places_those_it_matches_now_and_as_they_change(kent, alice, charlie, world):
    programme, spring, district = world
    inspector = make_person(kent, "insp@kent.police.uk", first="Ida", last="Inspector", unit=district)
    person_update(actor=alice, person=inspector, rank="Inspector")
    constable = make_person(kent, "pc@kent.police.uk", first="Pat", last="Constable", unit=district)
    with pytest.raises(PermissionDenied):
        audiences.audience_rule_save(actor=charlie, programme=programme, cohort=spring, unit_ids=[district.pk],
                                     ranks=["inspector"], job_roles=[])  # fmt: skip
    with pytest.raises(ValidationError, match="at least one unit"):
        audiences.audience_rule_save(actor=alice, programme=programme, cohort=spring, unit_ids=[], ranks=[" "],
                                     job_roles=[])  # fmt: skip
    rule = audiences.audience_rule_save(
        actor=alice,
        programme=programme,
        cohort=spring,
        unit_ids=[district.pk],
        ranks=["inspector"],
        job_roles=[],
    )
    placed = Place.objects.filter(programme=programme)
    assert [p.person for p in placed] == [inspector]
    assert placed.get().method == Place.Method.AUDIENCE and placed.get().cohort == spring
    # Promoted: the people listener places them.
    person_update(actor=alice, person=constable, rank="Inspector")
    assert set(placed.values_list("person__email", flat=True)) == {"insp@kent.police.uk", "pc@kent.police.uk"}
    # Withdrawn people are not placed again by the rule.
    places.place_withdraw(actor=alice, place=Place.objects.get(person=inspector), reason="Moved to HQ")
    assert audiences.audience_rule_apply(rule) == 0
    audiences.audience_rule_stop(actor=alice, rule=rule)
    newcomer = make_person(kent, "new@kent.police.uk", first="Nia", last="New", unit=district)
    person_update(actor=alice, person=newcomer, rank="Inspector")
    assert not Place.objects.filter(person=newcomer).exists()
