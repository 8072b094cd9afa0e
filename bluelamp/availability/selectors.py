"""Who may do what with availability, and reading it. The public status page needs no one; the
report and maintenance pages answer "not found" to anyone who may not see them."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import Http404

from bluelamp.availability.models import HealthSample, MaintenanceWindow
from bluelamp.organisations.api import Perm, access_for

# A sample older than this says nothing of now: the status page says the state is not known.
FRESH_FOR = dt.timedelta(minutes=3)


def _signed_in(person) -> bool:
    return bool(getattr(person, "is_authenticated", False))


def may_see_availability(person) -> bool:
    """National service-desk staff and CAB members; and those who read an organisation's reports
    (the licensees hold the service to its 98 %)."""
    if not _signed_in(person):
        return False
    if access_for(person, Perm.SERVICE_DESK).national or access_for(person, Perm.CHANGES_APPROVE).national:
        return True
    reports = access_for(person, Perm.REPORTS_VIEW)
    return reports.national or bool(reports.organisation_ids)


def may_see_maintenance(person) -> bool:
    """The maintenance list and each window's page: national desk staff and CAB members."""
    if not _signed_in(person):
        return False
    return access_for(person, Perm.SERVICE_DESK).national or access_for(person, Perm.CHANGES_APPROVE).national


def may_manage_maintenance(person) -> bool:
    """Plan, announce, move and cancel maintenance: the service's leads (as for releases)."""
    return _signed_in(person) and access_for(person, Perm.SERVICE_DESK_LEAD).national


def maintenance_list(person) -> QuerySet[MaintenanceWindow]:
    if not may_see_maintenance(person):
        return MaintenanceWindow.objects.none()
    return MaintenanceWindow.objects.select_related("change", "created_by", "announced_by")


def access_maintenance(person, window_uuid) -> MaintenanceWindow:
    if not may_see_maintenance(person):
        raise Http404("No such maintenance window")
    window = maintenance_list(person).filter(uuid=window_uuid).first()
    if window is None:
        raise Http404("No such maintenance window")
    return window


def public_maintenance(*, at: dt.datetime) -> list[MaintenanceWindow]:
    """Announced maintenance not yet over, soonest first: what the status page and the banner
    show (a window not announced is not public)."""
    return list(
        MaintenanceWindow.objects.filter(
            status=MaintenanceWindow.Status.PLANNED, announced_at__isnull=False, ends_at__gt=at
        ).order_by("starts_at", "pk")
    )


def latest_sample(*, at: dt.datetime) -> HealthSample | None:
    """The newest sample if it is recent enough to say how the service is now."""
    sample = HealthSample.objects.filter(minute__lte=at).order_by("-minute").first()
    if sample is None or at - sample.minute > FRESH_FOR:
        return None
    return sample
