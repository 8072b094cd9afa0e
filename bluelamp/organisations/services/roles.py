"""Granting and revoking roles, nationally, in an organisation or in a unit subtree."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.core.validation import text_errors
from bluelamp.organisations.models import Organisation, RoleAssignment, Unit
from bluelamp.organisations.permissions import access_for, forget_cached_access
from bluelamp.organisations.roles import DEFINITIONS, Perm, Role, Scope
from bluelamp.organisations.services._common import refuse


def _scope_of(organisation: Organisation | None, unit: Unit | None) -> Scope:
    if unit is not None:
        return Scope.UNIT
    if organisation is not None:
        return Scope.ORGANISATION
    return Scope.NATIONAL


def _require_grant_rights(actor, organisation: Organisation | None, unit: Unit | None) -> None:
    access = access_for(actor, Perm.ROLES_GRANT)
    if organisation is None:
        allowed = access.national
    elif unit is not None:
        allowed = access.covers_unit(organisation.pk, unit.path)
    else:
        allowed = access.covers_organisation(organisation.pk)
    if not allowed:
        raise PermissionDenied("You cannot grant or revoke roles in that scope.")


def role_grant(
    *,
    actor,
    person,
    role: str,
    organisation: Organisation | None = None,
    unit: Unit | None = None,
    reason: str = "",
    as_operator: bool = False,
) -> RoleAssignment:
    """Give `person` `role` nationally, in an organisation, or in a unit subtree.

    as_operator: granted from the command line by someone with server access (how the first
    platform administrator is made); the actor's own rights are not checked.
    """
    try:
        definition = DEFINITIONS[Role(role)]
    except ValueError:
        raise ValidationError(
            {"role": f"“{role}” is not a role. Choose one of: " + ", ".join(r.value for r in Role)}
        ) from None
    if unit is not None:
        organisation = unit.organisation
    scope = _scope_of(organisation, unit)
    if definition.implicit:
        raise ValidationError(
            {
                "role": f"{definition.role.label} comes from reporting lines; set the "
                "person's line manager instead."
            }
        )
    if scope not in definition.scopes:
        allowed = " or ".join(s.label.lower() for s in sorted(definition.scopes))
        raise ValidationError({"scope": f"{definition.role.label} can only be held at {allowed} level."})
    if definition.national_body_only and not person.organisation.is_national_body:
        raise ValidationError(
            {"role": f"{definition.role.label} is held only by people of the national body."}
        )
    if organisation is not None and person.organisation_id != organisation.pk:
        raise ValidationError(
            {
                "person": f"{person} belongs to {person.organisation}, not {organisation}; "
                "roles in an organisation go to its own people."
            }
        )
    if not person.is_active or person.is_leaver:
        raise ValidationError({"person": f"{person} is a leaver and cannot be given a role."})
    if not as_operator:
        _require_grant_rights(actor, organisation, unit)
    with transaction.atomic():
        existing = (
            RoleAssignment.objects.current()
            .filter(person=person, role=role, organisation=organisation, unit=unit)
            .select_for_update()
        )
        if existing.exists():
            raise ValidationError({"role": f"{person} already holds {definition.role.label} there."})
        assignment = RoleAssignment.objects.create(
            person=person,
            role=role,
            organisation=organisation,
            unit=unit,
            granted_at=timezone.now(),
            granted_by=actor if getattr(actor, "pk", None) else None,
            reason=reason.strip()[:300],
        )
        _sync_django_flags(person)
        audit_record(
            actor=actor,
            action="role.grant",
            organisation=organisation,
            obj=person,
            object_label=str(person),
            after={"role": role, "scope": assignment.scope_label, "reason": assignment.reason},
        )
    forget_cached_access(person)
    return assignment


def role_revoke(*, actor, assignment: RoleAssignment, reason: str = "") -> RoleAssignment:
    if assignment.revoked_at is not None:
        raise ValidationError("That role has already been revoked.")
    refuse(text_errors(reason=reason, multiline=("reason",)))
    _require_grant_rights(actor, assignment.organisation, assignment.unit)
    with transaction.atomic():
        assignment.revoked_at = timezone.now()
        assignment.revoked_by = actor if getattr(actor, "pk", None) else None
        if reason:
            assignment.reason = reason.strip()[:300]
        assignment.save(update_fields=["revoked_at", "revoked_by", "reason"])
        _sync_django_flags(assignment.person)
        audit_record(
            actor=actor,
            action="role.revoke",
            organisation=assignment.organisation,
            obj=assignment.person,
            object_label=str(assignment.person),
            before={"role": assignment.role, "scope": assignment.scope_label, "since": assignment.granted_at},
            after={"reason": reason},
        )
    forget_cached_access(assignment.person)
    return assignment


def _sync_django_flags(person) -> None:
    """Django admin is for platform administrators only."""
    is_platform_admin = (
        RoleAssignment.objects.current().filter(person=person, role=Role.PLATFORM_ADMIN).exists()
    )
    if person.is_staff != is_platform_admin or person.is_superuser != is_platform_admin:
        person.is_staff = person.is_superuser = is_platform_admin
        person.save(update_fields=["is_staff", "is_superuser"])
