"""The audience preview (preview.py): who an audience would take in, and who would join or leave
compared with the requirement as saved, without writing anything."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bluelamp.compliance import audiences
from bluelamp.compliance.models import Assignment
from bluelamp.compliance.preview import NAMED, audience_preview
from bluelamp.compliance.tests.helpers import AT, make_requirement
from bluelamp.learning.tests.courses import publish_course
from bluelamp.organisations.api import Access, unit_create
from bluelamp.people.api import person_update
from conftest import make_person

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 3, 2)


@pytest.fixture
def first_aid(kent, alice):
    return publish_course(kent, alice, "FA-101")


@pytest.fixture
def units(kent):
    east = unit_create(actor=None, organisation=kent, name="East")
    return {
        "east": east,
        "east_team": unit_create(actor=None, organisation=kent, name="Team 1", parent=east),
        "west": unit_create(actor=None, organisation=kent, name="West"),
    }


@pytest.fixture
def people(kent, alice, bob, units):
    dan = make_person(
        kent, "dan@kent.police.uk", first="Dan", last="East", staff_number="K3", unit=units["east_team"]
    )
    erin = make_person(
        kent, "erin@kent.police.uk", first="Erin", last="West", staff_number="K4", unit=units["west"]
    )
    person_update(actor=alice, person=dan, rank="Sergeant")
    return {"alice": alice, "bob": bob, "dan": dan, "erin": erin}


def names(change):
    return [someone.name for someone in change.named]


def test_a_new_requirement_takes_in_everyone_and_everyone_joins(kent, people):
    preview = audience_preview(owner=kent, audience={"all": True}, on=ON)
    assert preview.total == 4 and preview.saved is None
    assert preview.joining.count == 4 and preview.leaving.count == 0
    # By last name, then first name.
    assert names(preview.joining) == ["Alice Admin", "Dan East", "Bob Officer", "Erin West"]


def test_a_unit_takes_in_everything_below_it_and_rules_combine(kent, people, units):
    east = audience_preview(owner=kent, audience={"units": [units["east"].id]}, on=ON)
    assert names(east.joining) == ["Dan East"]
    sergeants_in_west = audience_preview(
        owner=kent, audience={"units": [units["west"].id], "ranks": ["sergeant"]}, on=ON
    )
    assert sergeants_in_west.total == 0
    named = audience_preview(
        owner=kent,
        audience={"units": [units["west"].id], "include": [people["bob"].id], "exclude": [people["erin"].id]},
        on=ON,
    )
    assert names(named.joining) == ["Bob Officer"]


def test_joining_and_leaving_are_against_the_saved_audience(kent, alice, people, units, first_aid):
    requirement = make_requirement(kent, "FA", [first_aid], audience={"units": [units["east"].id]}, at=AT)
    preview = audience_preview(
        owner=kent, audience={"units": [units["west"].id]}, requirement=requirement, on=ON
    )
    assert preview.saved == 1 and preview.total == 1
    assert names(preview.joining) == ["Erin West"] and names(preview.leaving) == ["Dan East"]
    joining = preview.joining.named[0]
    assert joining.staff_number == "K4" and joining.unit == "West" and joining.uuid == people["erin"].uuid
    same = audience_preview(
        owner=kent, audience={"units": [units["east"].id]}, requirement=requirement, on=ON
    )
    assert same.unchanged


def test_the_requirements_rule_reads_the_saved_audiences(kent, alice, people, units, first_aid):
    east = make_requirement(kent, "EAST", [first_aid], audience={"units": [units["east"].id]}, at=AT)
    preview = audience_preview(owner=kent, audience={"requirements": [east.id]}, on=ON)
    assert names(preview.joining) == ["Dan East"]
    # What counts is the saved assignment, as evaluation would find it.
    Assignment.objects.filter(requirement=east).update(in_audience=False)
    assert audience_preview(owner=kent, audience={"requirements": [east.id]}, on=ON).total == 0


def test_people_the_reader_may_not_see_by_name_are_counted_not_named(kent, people, units):
    east_only = Access(unit_paths=frozenset({(kent.id, units["east"].path)}))
    preview = audience_preview(owner=kent, audience={"all": True}, on=ON, names=east_only)
    assert preview.joining.count == 4 and names(preview.joining) == ["Dan East"]
    assert preview.joining.not_named == 3 and preview.joining.more == 0


def test_only_the_first_ones_are_named(kent, people, monkeypatch):
    monkeypatch.setattr("bluelamp.compliance.preview.NAMED", 2)
    preview = audience_preview(owner=kent, audience={"all": True}, on=ON)
    assert len(preview.joining.named) == 2 and preview.joining.more == 2
    assert NAMED == 50


def test_another_forces_people_and_leavers_are_in_no_audience(kent, essex, alice, people, charlie):
    person_update(actor=alice, person=people["erin"], status="leaver")
    preview = audience_preview(owner=kent, audience={"all": True}, on=ON)
    assert preview.total == 3 and "Charlie Outsider" not in names(preview.joining)


def test_a_bad_audience_is_refused_by_name(kent, people):
    with pytest.raises(audiences.AudienceError, match="started_from"):
        audience_preview(owner=kent, audience={"started_from": "31/12/2024"}, on=ON)


def test_nothing_is_written(kent, alice, people, units, first_aid):
    requirement = make_requirement(kent, "FA", [first_aid], audience={"units": [units["east"].id]}, at=AT)
    before = list(Assignment.objects.order_by("id").values())
    with CaptureQueriesContext(connection) as queries:
        audience_preview(owner=kent, audience={"all": True}, requirement=requirement, on=ON)
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == []
    assert list(Assignment.objects.order_by("id").values()) == before
