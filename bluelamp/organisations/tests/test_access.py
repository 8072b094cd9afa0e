"""Roles, scopes and licences: who may do what, where."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bluelamp.audit.api import AuditEvent
from bluelamp.organisations.licensing import licence_status
from bluelamp.organisations.models import Licence, RoleAssignment
from bluelamp.organisations.permissions import access_for, forget_cached_access
from bluelamp.organisations.roles import Perm
from bluelamp.organisations.services import (
    licence_create,
    licence_update,
    role_grant,
    role_revoke,
    unit_create,
)
from bluelamp.people.models import Person
from bluelamp.people.selectors import people_visible
from conftest import make_person


def test_org_admin_sees_own_organisation_only(alice, bob, charlie):
    assert set(people_visible(alice)) >= {alice, bob}
    assert charlie not in people_visible(alice)
    assert alice not in people_visible(charlie)


def test_unit_scoped_role_covers_the_subtree_only(kent, alice):
    east = unit_create(actor=alice, organisation=kent, name="East")
    east_team = unit_create(actor=alice, organisation=kent, name="Team 1", parent=east)
    west = unit_create(actor=alice, organisation=kent, name="West")
    in_east = make_person(kent, "e@kent.police.uk", unit=east_team, staff_number="E1")
    in_west = make_person(kent, "w@kent.police.uk", unit=west, staff_number="W1")
    trainer = make_person(kent, "t@kent.police.uk", unit=east, staff_number="T1")
    role_grant(actor=alice, person=trainer, role="training_admin", unit=east)
    visible = set(people_visible(trainer, Perm.PEOPLE_MANAGE))
    assert in_east in visible and in_west not in visible


def test_line_manager_sees_direct_reports(alice, bob):
    manager_view = people_visible(bob)
    assert list(manager_view) == []  # Bob manages no one
    report = make_person(bob.organisation, "r@kent.police.uk", staff_number="R1", line_manager=bob)
    forget_cached_access(bob)
    assert list(people_visible(bob)) == [report]


def test_grant_is_audited_and_revoke_keeps_history(alice, bob):
    assignment = role_grant(
        actor=alice, person=bob, role="tutor", organisation=bob.organisation, reason="New tutor"
    )
    event = AuditEvent.objects.filter(action="role.grant", object_id=str(bob.pk)).latest("occurred_at")
    assert event.actor == alice and event.after["role"] == "tutor"
    role_revoke(actor=alice, assignment=assignment, reason="Moved on")
    assert RoleAssignment.objects.filter(pk=assignment.pk, revoked_at__isnull=False).exists()
    assert AuditEvent.objects.filter(action="role.revoke", object_id=str(bob.pk)).exists()


def test_outsider_cannot_grant_in_another_organisation(charlie, bob):
    with pytest.raises(PermissionDenied):
        role_grant(actor=charlie, person=bob, role="tutor", organisation=bob.organisation)


def test_roles_go_to_the_organisations_own_people(alice, charlie, kent):
    with pytest.raises(ValidationError, match="belongs to Essex"):
        role_grant(actor=alice, person=charlie, role="tutor", organisation=kent)


def test_national_only_roles_are_refused_for_forces(alice, bob):
    with pytest.raises(ValidationError):
        role_grant(actor=alice, person=bob, role="cc_adviser", organisation=bob.organisation)


def test_duplicate_grant_is_refused(alice, bob):
    role_grant(actor=alice, person=bob, role="tutor", organisation=bob.organisation)
    with pytest.raises(ValidationError, match="already holds"):
        role_grant(actor=alice, person=bob, role="tutor", organisation=bob.organisation)


def test_platform_admin_role_makes_django_staff(platform_admin):
    platform_admin.refresh_from_db()
    assert platform_admin.is_staff and platform_admin.is_superuser


def test_lapsed_digital_services_licence_cuts_roles_without_deleting(alice, bob, kent):
    assert access_for(alice, Perm.PEOPLE_MANAGE).covers_organisation(kent.pk)
    licence = Licence.objects.get(organisation=kent, type="PL-P-101")
    licence_update(actor=None, licence=licence, status=Licence.Status.SUSPENDED)
    forget_cached_access(alice)
    assert not access_for(alice, Perm.PEOPLE_MANAGE).anything
    assert RoleAssignment.objects.current().filter(person=alice).exists()
    assert Person.objects.filter(pk=bob.pk).exists()


def test_licence_status_follows_back_to_back_renewals(kent):
    today = dt.date(2026, 6, 1)
    status = licence_status(organisation=kent, type="PL-P-200", on=today)
    assert status.licensed and status.valid_until == dt.date(2099, 12, 31)
    Licence.objects.filter(organisation=kent).delete()
    licence_create(
        actor=None,
        organisation=kent,
        type="PL-P-200",
        reference="A",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    licence_create(
        actor=None,
        organisation=kent,
        type="PL-P-200",
        reference="B",
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2027, 12, 31),
    )
    assert licence_status(organisation=kent, type="PL-P-200", on=today).valid_until == dt.date(2027, 12, 31)
    assert not licence_status(organisation=kent, type="PL-P-200", on=dt.date(2028, 1, 1)).licensed
    assert not licence_status(organisation=kent, type="PL-P-101", on=today).licensed


def test_licence_end_before_start_is_refused(kent):
    with pytest.raises(ValidationError, match="end date"):
        licence_create(
            actor=None,
            organisation=kent,
            type="PL-P-200",
            reference="X",
            starts_on=dt.date(2026, 1, 2),
            ends_on=dt.date(2026, 1, 1),
        )


def test_audit_log_is_append_only(alice, bob):
    event = AuditEvent.objects.first()
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


def test_database_refuses_audit_changes_on_postgresql(alice, bob):
    from django.db import DatabaseError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL (production and CI)")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditevent SET action = 'tampered'")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent")
