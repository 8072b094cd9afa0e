"""Equality monitoring: a person's own answers, theirs alone; everyone else gets counts with
groups under 10 suppressed (and a second group when only one would be)."""

import pytest

from bluelamp.people.equality import answers_save, equality_breakdown, own_answers
from conftest import make_person

pytestmark = pytest.mark.django_db


def test_a_person_answers_changes_and_deletes_their_own(client, signed_in, kent, bob):
    signed_in(bob)
    page = client.get("/people/me/equality/").content.decode()
    assert "Only you can see your answers" in page and "Prefer not to say" in page
    client.post("/people/me/equality/", {"sex": "female", "ethnic_group": "prefer_not"})
    assert own_answers(bob)["sex"] == "female" and own_answers(bob)["ethnic_group"] == "prefer_not"
    bad = client.post("/people/me/equality/", {"sex": "robot"}).content.decode()
    assert "is not one of the answers" in bad
    client.post("/people/me/equality/", {"forget": "yes"})
    assert own_answers(bob) == {}


def test_counts_only_with_small_groups_suppressed(kent):
    people = [make_person(kent, f"p{n}@kent.police.uk", first=f"P{n}", last="K") for n in range(27)]
    for person in people[:15]:
        answers_save(person=person, answers={"sex": "female"})
    for person in people[15:25]:
        answers_save(person=person, answers={"sex": "male"})
    answers_save(person=people[25], answers={"sex": "prefer_not"})  # one: suppressed
    groups = {g.label: g.count for g in equality_breakdown([p.pk for p in people], "sex")}
    # 1 prefer not to say and 1 not answered would add up to 2 of the known 27: Male is hidden too.
    assert groups == {"Female": 15, "Male": None, "Prefer not to say": None, "Not answered": None}
    only_one_small = equality_breakdown([p.pk for p in people[:26]], "sex")
    counts = {g.label: g.count for g in only_one_small}
    # "Prefer not to say" (1) is hidden, so the next smallest (Male, 10) is hidden too.
    assert sum(1 for g in only_one_small if g.count is None) == 2
    assert counts == {"Female": 15, "Male": None, "Prefer not to say": None, "Not answered": 0}
