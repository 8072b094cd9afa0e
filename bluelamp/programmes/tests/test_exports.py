"""The awarding body's files and the lists' standings (bluelamp/programmes/exports.py): the same
credits and units as progress.place_progress, read for many places in two queries; a claim lists
the units the qualification was achieved with; every column is documented for whoever sends
the files (docs/awarding-body-files.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bluelamp.programmes import exports
from bluelamp.programmes.models import Place, Programme
from bluelamp.programmes.places import place_add, place_register
from bluelamp.programmes.progress import place_progress
from bluelamp.programmes.selectors import places_run
from bluelamp.programmes.tests.helpers import AT, cmi_programme, cohort, complete
from conftest import make_person

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[3] / "docs" / "awarding-body-files.md"
LATER = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def cmi(kent, alice):
    return cmi_programme(kent, alice)


@pytest.fixture
def people(kent):
    return [
        make_person(
            kent, f"learner{n}@kent.police.uk", first="Learner", last=f"Number{n}", staff_number=f"L{n}"
        )
        for n in range(3)
    ]


@pytest.fixture
def placed(cmi, people, kent, alice):
    """Three learners: one with nothing done, one with unit 701, one who completed (701, 702, 703)."""
    programme, courses = cmi
    spring = cohort(programme, kent, alice)
    for person in people:
        place_add(actor=alice, programme=programme, person=person, cohort=spring, at=AT)
    complete(people[1], courses["701"])
    for number in ("701", "702", "703"):
        complete(people[2], courses[number])
    return list(places_run(alice, programme).order_by("person__last_name"))


def test_standings_count_as_progress_does(placed):
    standing = exports.standings(placed)
    for place in placed:
        progress = place_progress(place)
        assert standing[place.pk].credits_earned == progress.credits_earned
        assert standing[place.pk].units_done == progress.units_done
    assert [standing[p.pk].summary for p in placed] == [
        "0 of 20 credits",
        "6 of 20 credits",
        "20 of 20 credits",
    ]
    assert placed[2].status == Place.Status.COMPLETED


def test_without_a_credit_total_standings_count_the_units_the_rules_need(placed, cmi):
    programme, _courses = cmi
    Programme.objects.filter(pk=programme.pk).update(credit_total=None)
    for place in placed:
        place.programme.credit_total = None
    # Two mandatory units, and at least one of the two optional ones.
    assert [s.summary for s in exports.standings(placed).values()] == [
        "0 of 3 units",
        "1 of 3 units",
        "3 of 3 units",
    ]


def test_standings_take_two_queries_whatever_the_number_of_places(placed, django_assert_num_queries):
    with django_assert_num_queries(2):
        exports.standings(placed)
    with django_assert_num_queries(2):
        exports.standings(placed[:1])
    with django_assert_num_queries(0):
        assert exports.standings([]) == {}


def test_a_claim_lists_the_units_achieved_by_the_day_of_completion(placed, cmi, people):
    _programme, courses = cmi
    completed = placed[2]
    complete(people[2], courses["704"], at=LATER)  # after the qualification: not claimed with it
    achieved = exports.standings([completed])[completed.pk].achieved
    assert [(u.code, u.credits, u.completed_on) for u in achieved] == [
        ("CMI-L7-701", 6, dt.date(2026, 11, 2)),
        ("CMI-L7-702", 7, dt.date(2026, 11, 2)),
        ("CMI-L7-703", 7, dt.date(2026, 11, 2)),
    ]
    assert (
        exports.units_cell(achieved)
        == "CMI-L7-701:6:2026-11-02;CMI-L7-702:7:2026-11-02;CMI-L7-703:7:2026-11-02"
    )
    # The list still counts every unit on the record toward the credits.
    assert exports.standings([completed])[completed.pk].credits_earned == 27


def test_rows_match_their_columns(placed, alice):
    place_register(
        actor=alice, place=placed[0], registration_number="CMI-1", registered_on=dt.date(2026, 11, 5)
    )
    registration = list(exports.registration_rows(placed))
    assert {len(row) for row in registration} == {len(exports.REGISTRATION_COLUMNS)}
    completed = [p for p in placed if p.status == Place.Status.COMPLETED]
    claims = list(exports.claim_rows(completed))
    assert {len(row) for row in claims} == {len(exports.CLAIM_COLUMNS)}
    claim = dict(zip(exports.CLAIM_COLUMNS, claims[0], strict=True))
    assert claim["unit_count"] == 3 and claim["total_credits"] == 20
    assert claim["completed_on"] == dt.date(2026, 11, 2) and claim["claimed_on"] is None


def test_every_column_is_documented_for_the_person_who_sends_the_files():
    doc = DOC.read_text(encoding="utf-8")
    for columns in (exports.REGISTRATION_COLUMNS, exports.CLAIM_COLUMNS):
        missing = [column for column in columns if f"| `{column}` |" not in doc]
        assert not missing, f"Document these columns in {DOC.name}: {missing}"
    assert "date of birth" in doc.lower()  # not held: the document says so
