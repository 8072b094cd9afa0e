"""Who may do what with changes and releases, and reading them (the `access_*` helpers give the
same "not found" for a missing record and one the person may not see)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from bluelamp.changes.models import ChangeRequest, Release
from bluelamp.organisations.api import DEFINITIONS, Perm, RoleAssignment, access_for
from bluelamp.people.api import Person


def may_see_changes(person) -> bool:
    """National service-desk staff (engineers, the contact centre, leads) and CAB members."""
    if not getattr(person, "is_authenticated", False):
        return False
    return access_for(person, Perm.SERVICE_DESK).national or access_for(person, Perm.CHANGES_APPROVE).national


def may_raise_changes(person) -> bool:
    """Engineers and leads raise requests for change; so may CAB members."""
    return may_see_changes(person)


def may_decide_changes(person) -> bool:
    """CAB members, the lead engineer, the IT service manager (the CAB's permission)."""
    return getattr(person, "is_authenticated", False) and access_for(person, Perm.CHANGES_APPROVE).national


def may_manage_releases(person) -> bool:
    """Those who lead the service (the lead engineer, the IT service manager, team leaders)."""
    return getattr(person, "is_authenticated", False) and access_for(person, Perm.SERVICE_DESK_LEAD).national


def rfc_list(person, *, status: str = "") -> QuerySet[ChangeRequest]:
    if not may_see_changes(person):
        return ChangeRequest.objects.none()
    rows = ChangeRequest.objects.select_related("raised_by")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-pk")


def access_rfc(person, reference: str) -> ChangeRequest:
    if not may_see_changes(person):
        raise Http404("No such request for change")
    rfc = (
        ChangeRequest.objects.select_related("raised_by", "decided_by")
        .filter(reference=(reference or "").strip().upper())
        .first()
    )
    if rfc is None:
        raise Http404("No such request for change")
    return rfc


def approved_changes(person) -> QuerySet[ChangeRequest]:
    """Approved changes not yet implemented (a maintenance window may carry one out)."""
    return rfc_list(person, status=ChangeRequest.Status.APPROVED)


def approved_unreleased(person) -> QuerySet[ChangeRequest]:
    """Approved changes a release may bundle: those in no release (but a cancelled one)."""
    in_a_release = Release.objects.exclude(status=Release.Status.CANCELLED).values("changes")
    return approved_changes(person).exclude(pk__in=in_a_release)


def release_list(person, *, status: str = "") -> QuerySet[Release]:
    if not may_see_changes(person):
        return Release.objects.none()
    rows = Release.objects.all()
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("planned_for", "pk")


def access_release(person, reference: str) -> Release:
    if not may_see_changes(person):
        raise Http404("No such release")
    release = (
        Release.objects.select_related("created_by")
        .filter(reference=(reference or "").strip().upper())
        .first()
    )
    if release is None:
        raise Http404("No such release")
    return release


def cab_members():
    """The active people who sit on the CAB: whoever holds a role with the CAB's permission
    nationally (CAB members, the lead engineer, the IT service manager, platform administrators)."""
    roles = [
        role for role, definition in DEFINITIONS.items() if Perm.CHANGES_APPROVE in definition.permissions
    ]
    holders = RoleAssignment.objects.current().filter(role__in=roles, organisation__isnull=True)
    return Person.objects.filter(pk__in=holders.values("person_id"), is_active=True).order_by(
        "last_name", "first_name"
    )
