"""Every people service that takes an actor checks it: Essex's Charlie (organisation
administrator) and Dave (officer), adding, changing, moving or importing Kent's people, are refused
with PermissionDenied and nothing is written, audit log included.

The system adds people with person_create(check_access=False) (single sign-on, the platform
administrator command, the demo, tests' factories) and imports from the command line with
run_import(check_access=False); both are pinned elsewhere (conftest.make_person, test_importing).
"""

import pytest
from django.core.exceptions import PermissionDenied

from bluelamp.audit.api import AuditEvent
from bluelamp.organisations.api import unit_create
from bluelamp.people.api import ImportRun, Person, person_create, person_transfer, person_update, run_import
from conftest import make_person

HR_FILE = b"staff_number,first_name,last_name,email\nK9,Spy,Essex,spy@kent.police.uk\n"

ATTEMPTS = {
    "person_create": lambda w: (
        person_create,
        {"organisation": w["kent"], "email": "spy@kent.police.uk", "first_name": "Spy", "last_name": "E"},
    ),
    "person_create in a unit": lambda w: (
        person_create,
        {
            "organisation": w["kent"],
            "unit": w["east"],
            "email": "spy@kent.police.uk",
            "first_name": "Spy",
            "last_name": "E",
        },
    ),
    "person_update": lambda w: (person_update, {"person": w["bob"], "first_name": "Hacked"}),
    "person_update to a leaver": lambda w: (person_update, {"person": w["bob"], "status": "leaver"}),
    "person_transfer": lambda w: (person_transfer, {"person": w["bob"], "to_organisation": w["essex"]}),
    "run_import": lambda w: (
        run_import,
        {"organisation": w["kent"], "data": HR_FILE, "file_name": "hr.csv", "dry_run": False},
    ),
}


@pytest.fixture
def world(kent, essex, alice, bob, charlie):
    return {
        "kent": kent,
        "essex": essex,
        "east": unit_create(actor=alice, organisation=kent, name="East Division"),
        "bob": bob,
        "charlie": charlie,
        "dave": make_person(essex, "dave@essex.police.uk", first="Dave", last="Essex", staff_number="E2"),
    }


def _state(bob):
    bob.refresh_from_db()
    return (
        AuditEvent.objects.count(),
        Person.objects.count(),
        ImportRun.objects.count(),
        (bob.first_name, bob.status, bob.organisation_id),
    )


@pytest.mark.parametrize("outsider", ["charlie", "dave"])
@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_an_outsider_is_refused_and_nothing_is_written(world, outsider, attempt):
    service, arguments = ATTEMPTS[attempt](world)
    before = _state(world["bob"])
    with pytest.raises(PermissionDenied):
        service(actor=world[outsider], **arguments)
    assert _state(world["bob"]) == before
