"""people.api.people_version: what others see of people (names, units, leaving) drawn again at
once after any write to people, the HR import's bulk writes included; not after a sign-in."""

import datetime as dt

import pytest

from bluelamp.people.api import Person, forget_people, people_version, run_import
from bluelamp.people.services import person_update

pytestmark = pytest.mark.django_db


def test_every_write_to_a_person_moves_the_version(alice):
    before = people_version()
    person_update(actor=alice, person=alice, first_name="Alicia")
    after_save = people_version()
    assert after_save != before
    forget_people()
    assert people_version() != after_save


def test_signing_in_alone_does_not_move_it(alice):
    before = people_version()
    alice.last_login = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    alice.save(update_fields=["last_login"])
    assert people_version() == before


def test_the_hr_imports_bulk_writes_move_it(kent, alice):
    before = people_version()
    data = b"staff_number,email,first_name,last_name\nK1,alice@kent.police.uk,Alice,Jones\n"
    result = run_import(actor=alice, organisation=kent, data=data, file_name="hr.csv", dry_run=False)
    assert result.ok and result.applied, result.errors
    assert Person.objects.get(pk=alice.pk).last_name == "Jones"
    assert people_version() != before
