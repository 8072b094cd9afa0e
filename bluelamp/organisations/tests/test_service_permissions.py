"""Every organisations service that takes an actor checks it: Essex's Charlie (organisation
administrator) and Dave (officer), acting on Kent's organisation, units, licences, roles and single
sign-on, are refused with PermissionDenied and nothing is written, audit log included.

`actor=None` is the system (the demo, imports and operator commands run from the server, tests'
factories); the services that accept it say so, and the last tests here pin that they do.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from bluelamp.audit.api import AuditEvent
from bluelamp.organisations.models import (
    Licence,
    LicenceContact,
    Organisation,
    RoleAssignment,
    SingleSignOn,
    Unit,
)
from bluelamp.organisations.services import (
    NAME_A_PARENT,
    licence_contact_add,
    licence_contact_remove,
    licence_create,
    licence_update,
    organisation_create,
    organisation_update,
    role_grant,
    role_revoke,
    single_sign_on_save,
    unit_create,
    unit_ensure_path,
    unit_rename,
    units_ensure_paths,
)
from conftest import make_person

SSO = {
    "server_url": "https://login.microsoftonline.com/tenant-id/v2.0",
    "client_id": "spy",
    "client_secret": "secret",
    "allowed_email_domains": "kent.police.uk",
}

# What each outsider tries, on the world below: (service, its arguments but the actor).
ATTEMPTS = {
    "organisation_create": lambda w: (
        organisation_create,
        {"slug": "spies", "name": "Spies", "kind": "other_force"},
    ),
    "organisation_update": lambda w: (organisation_update, {"organisation": w["kent"], "name": "Hacked"}),
    "unit_create at the top": lambda w: (unit_create, {"organisation": w["kent"], "name": "Spies"}),
    "unit_create under a unit": lambda w: (
        unit_create,
        {"organisation": w["kent"], "name": "Spies", "parent": w["east"]},
    ),
    "unit_ensure_path": lambda w: (unit_ensure_path, {"organisation": w["kent"], "path": "Spies/Cell"}),
    "units_ensure_paths": lambda w: (
        units_ensure_paths,
        {"organisation": w["kent"], "paths": ["Spies/Cell"]},
    ),
    "unit_rename": lambda w: (unit_rename, {"unit": w["east"], "name": "Hacked"}),
    "licence_create": lambda w: (
        licence_create,
        {
            "organisation": w["kent"],
            "type": "PL-P-200",
            "reference": "SPY-1",
            "starts_on": dt.date(2026, 1, 1),
        },
    ),
    "licence_update": lambda w: (licence_update, {"licence": w["licence"], "status": "suspended"}),
    "licence_contact_add": lambda w: (
        licence_contact_add,
        {"licence": w["licence"], "name": "Spy", "email": "spy@essex.police.uk"},
    ),
    "licence_contact_remove": lambda w: (licence_contact_remove, {"contact": w["contact"]}),
    "role_grant": lambda w: (role_grant, {"person": w["bob"], "role": "tutor", "organisation": w["kent"]}),
    "role_revoke": lambda w: (role_revoke, {"assignment": w["assignment"]}),
    "single_sign_on_save": lambda w: (single_sign_on_save, {"organisation": w["kent"], **SSO}),
}


@pytest.fixture
def world(kent, essex, alice, bob, charlie):
    east = unit_create(actor=alice, organisation=kent, name="East Division")
    licence = kent.licences.get(type="PL-P-101")
    return {
        "kent": kent,
        "east": east,
        "bob": bob,
        "licence": licence,
        "contact": licence_contact_add(actor=None, licence=licence, name="Kim", email="kim@kent.police.uk"),
        "assignment": role_grant(actor=alice, person=bob, role="tutor", organisation=kent),
        "charlie": charlie,
        "dave": make_person(essex, "dave@essex.police.uk", first="Dave", last="Essex", staff_number="E2"),
    }


def _state(kent, east, licence):
    """Everything an attempt could have changed."""
    kent.refresh_from_db()
    east.refresh_from_db()
    licence.refresh_from_db()
    return (
        AuditEvent.objects.count(),
        Organisation.objects.count(),
        Unit.objects.count(),
        Licence.objects.count(),
        LicenceContact.objects.count(),
        RoleAssignment.objects.current().count(),
        SingleSignOn.objects.count(),
        (kent.name, kent.kind, east.name, east.full_path, licence.status),
    )


@pytest.mark.parametrize("outsider", ["charlie", "dave"])
@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_an_outsider_is_refused_and_nothing_is_written(world, outsider, attempt):
    service, arguments = ATTEMPTS[attempt](world)
    before = _state(world["kent"], world["east"], world["licence"])
    with pytest.raises(PermissionDenied):
        service(actor=world[outsider], **arguments)
    assert _state(world["kent"], world["east"], world["licence"]) == before


def test_kent_administrators_may_change_kent_but_not_its_kind_nor_its_licences(world, alice):
    kent = world["kent"]
    organisation_update(actor=alice, organisation=kent, name="Kent Police Service", kind=kent.kind)
    with pytest.raises(PermissionDenied):
        organisation_update(actor=alice, organisation=kent, kind="other_force")
    with pytest.raises(PermissionDenied):
        licence_update(actor=alice, licence=world["licence"], status="suspended")
    with pytest.raises(PermissionDenied):
        organisation_create(actor=alice, slug="kent2", name="Kent 2", kind="other_force")
    kent.refresh_from_db()
    assert (kent.name, kent.kind) == ("Kent Police Service", "home_office_force")


def test_a_unit_administrator_adds_units_only_under_a_unit_of_hers(world, kent, alice):
    erin = make_person(kent, "erin@kent.police.uk", first="Erin", last="Unit", unit=world["east"])
    role_grant(actor=alice, person=erin, role="organisation_admin", unit=world["east"])
    with pytest.raises(PermissionDenied) as refused:
        unit_create(actor=erin, organisation=kent, name="Elsewhere")
    assert str(refused.value) == NAME_A_PARENT
    assert unit_create(actor=erin, organisation=kent, name="Night shift", parent=world["east"]).full_path == (
        "East Division/Night shift"
    )
    # Paths from an HR file need the whole organisation: importing people into it, or its units.
    with pytest.raises(PermissionDenied):
        units_ensure_paths(actor=erin, organisation=kent, paths=["East Division/Days"])


def test_a_training_administrator_importing_people_may_add_the_units_her_file_names(world, kent):
    tariq = make_person(
        kent, "tariq@kent.police.uk", first="Tariq", last="Training", roles=["training_admin"]
    )
    made = units_ensure_paths(actor=tariq, organisation=kent, paths=["West Division/Team 1"])
    assert sorted(unit.full_path for unit in made.values()) == ["West Division", "West Division/Team 1"]
    with pytest.raises(PermissionDenied):
        unit_create(actor=tariq, organisation=kent, name="Managing units is not hers")


def test_the_system_acts_where_the_services_say_so(db, national):
    """actor=None: the demo and tests' factories build organisations, units and licences."""
    surrey = organisation_create(actor=None, slug="surrey", name="Surrey Police", kind="home_office_force")
    unit = unit_create(actor=None, organisation=surrey, name="HQ")
    unit_rename(actor=None, unit=unit, name="Headquarters")
    licence = licence_create(
        actor=None, organisation=surrey, type="PL-P-101", reference="SUR-1", starts_on=dt.date(2026, 1, 1)
    )
    licence_update(actor=None, licence=licence, notes="Signed")
    assert AuditEvent.objects.filter(actor=None, actor_label="system", organisation=surrey).count() == 5
