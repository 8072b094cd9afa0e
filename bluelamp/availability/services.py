"""Writes to planned maintenance windows. Each checks who acts first (PermissionDenied), then the
input (ValidationError naming the field, nothing written), then writes, audits and queues its
e-mails in one transaction (they go out after it commits).

`actor=None` is the system (the demo data, tests' factories).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.availability import selectors
from bluelamp.availability.models import MaintenanceWindow
from bluelamp.changes.api import ChangeRequest, access_rfc
from bluelamp.core.sharedcache import Generation
from bluelamp.core.timefmt import format_date, format_datetime, london
from bluelamp.notifications.api import email_queue_each, email_render
from bluelamp.organisations.api import key_contact_emails

# Cached reports and the banner's list of windows (figures.py, banner.py) carry this: a window
# planned, moved or cancelled drops them everywhere.
windows_changed = Generation("availability-maintenance")
LONGEST = dt.timedelta(hours=72)


def _require(actor, allowed, message: str) -> None:
    if actor is not None and not allowed(actor):
        raise PermissionDenied(message)


def _audit(actor, action: str, window: MaintenanceWindow, **changes) -> None:
    audit_record(
        actor=actor, action=f"availability.{action}", obj=window, object_label=window.title, **changes
    )


@dataclass(frozen=True)
class WindowInput:
    title: str
    description: str
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    change: str = ""  # an approved request for change's reference, or nothing


def _change(actor, reference: str) -> ChangeRequest | None:
    reference = (reference or "").strip().upper()
    if not reference:
        return None
    try:
        rfc = (
            access_rfc(actor, reference)
            if actor is not None
            else ChangeRequest.objects.get(reference=reference)
        )
    except (Http404, ChangeRequest.DoesNotExist):
        raise ValidationError({"change": [f"There is no request for change {reference}"]}) from None
    if rfc.status != ChangeRequest.Status.APPROVED:
        raise ValidationError(
            {
                "change": [
                    f"{reference} is {rfc.get_status_display().lower()}: maintenance carries out an approved change"
                ]
            }
        )
    return rfc


def _check(
    data: WindowInput, *, at: dt.datetime, window: MaintenanceWindow | None = None
) -> tuple[dt.datetime, dt.datetime]:
    """The window's start and end, if all is well."""
    errors: dict[str, list[str]] = {}
    if not data.title.strip():
        errors["title"] = ["Enter a title, such as “Database upgrade”"]
    if not data.description.strip():
        errors["description"] = ["Enter what is done and what people will notice"]
    start, end = data.starts_at, data.ends_at
    under_way = window is not None and window.starts_at <= at
    if start is None:
        errors["starts_at"] = ["Enter when the maintenance starts, as a date and a time"]
    elif under_way and window is not None and start != window.starts_at:
        errors["starts_at"] = ["The maintenance has started: its start cannot move (change its end instead)"]
    elif not under_way and start <= at:
        errors["starts_at"] = [f"The start must be in the future (it is now {format_datetime(at)})"]
    if end is None:
        errors["ends_at"] = ["Enter when the maintenance ends, as a date and a time"]
    elif start is not None and end <= start:
        errors["ends_at"] = ["The end must be after the start"]
    elif end <= at:
        errors["ends_at"] = [f"The end must be in the future (it is now {format_datetime(at)})"]
    elif start is not None and end - start > LONGEST:
        errors["ends_at"] = ["Maintenance can last at most 72 hours: plan longer work as several windows"]
    if errors or start is None or end is None:
        raise ValidationError(errors)
    return start, end


@transaction.atomic
def maintenance_create(*, actor, data: WindowInput, at: dt.datetime | None = None) -> MaintenanceWindow:
    """A planned window, not yet announced (nobody outside the service sees it until then)."""
    _require(actor, selectors.may_manage_maintenance, "Only the service's leads plan maintenance.")
    at = at or timezone.now()
    starts_at, ends_at = _check(data, at=at)
    change = _change(actor, data.change)
    window = MaintenanceWindow.objects.create(
        title=data.title.strip(),
        description=data.description.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        change=change,
        created_by=actor,
        created_at=at,
    )
    _audit(actor, "maintenance_planned", window, after=_state(window))
    windows_changed.bump()
    return window


def _state(window: MaintenanceWindow) -> dict:
    return {
        "title": window.title,
        "starts_at": window.starts_at.isoformat(),
        "ends_at": window.ends_at.isoformat(),
        "change": window.change.reference if window.change else "",
        "status": window.status,
    }


def _locked(window: MaintenanceWindow) -> MaintenanceWindow:
    return MaintenanceWindow.objects.select_for_update().get(pk=window.pk)


@transaction.atomic
def maintenance_update(
    *, actor, window: MaintenanceWindow, data: WindowInput, at: dt.datetime | None = None
) -> int:
    """Change a window not yet over (one under way keeps its start). If it was announced and its
    times moved, the key contacts are told again: how many."""
    _require(actor, selectors.may_manage_maintenance, "Only the service's leads change maintenance.")
    at = at or timezone.now()
    window = _locked(window)
    if window.is_cancelled or window.ends_at <= at:
        raise ValidationError({"title": ["This maintenance is over or cancelled: it can no longer change"]})
    starts_at, ends_at = _check(data, at=at, window=window)
    before = _state(window)
    moved = (window.starts_at, window.ends_at) != (starts_at, ends_at)
    window.title = data.title.strip()
    window.description = data.description.strip()
    window.starts_at, window.ends_at = starts_at, ends_at
    current = window.change
    kept = current if current and current.reference == data.change.strip().upper() else None
    window.change = kept or _change(actor, data.change)
    window.save()
    _audit(actor, "maintenance_changed", window, before=before, after=_state(window))
    windows_changed.bump()
    if window.announced_at and moved:
        return _tell_contacts(window, "changed", at=at)
    return 0


@transaction.atomic
def maintenance_announce(*, actor, window: MaintenanceWindow, at: dt.datetime | None = None) -> int:
    """Tell every licence's key contacts (one e-mail each): from now it shows on the status page,
    and on every page as it approaches. How many it went to."""
    _require(actor, selectors.may_manage_maintenance, "Only the service's leads announce maintenance.")
    at = at or timezone.now()
    window = _locked(window)
    if window.is_cancelled or window.ends_at <= at:
        raise ValidationError(
            {"window": ["This maintenance is over or cancelled: there is nothing to announce"]}
        )
    if window.announced_at:
        raise ValidationError({"window": [f"Already announced on {format_datetime(window.announced_at)}"]})
    window.announced_at, window.announced_by = at, actor
    window.save(update_fields=["announced_at", "announced_by"])
    sent = _tell_contacts(window, "announced", at=at)
    _audit(actor, "maintenance_announced", window, after={"recipients": sent})
    windows_changed.bump()
    return sent


@transaction.atomic
def maintenance_cancel(
    *, actor, window: MaintenanceWindow, reason: str, at: dt.datetime | None = None
) -> int:
    """Call off maintenance that has not started; the key contacts are told if it was announced
    (how many)."""
    _require(actor, selectors.may_manage_maintenance, "Only the service's leads cancel maintenance.")
    at = at or timezone.now()
    window = _locked(window)
    if window.is_cancelled:
        raise ValidationError({"reason": ["This maintenance is already cancelled"]})
    if window.starts_at <= at:
        raise ValidationError({"reason": ["This maintenance has started: change its end instead"]})
    if not (reason or "").strip():
        raise ValidationError({"reason": ["Enter why the maintenance is cancelled"]})
    before = _state(window)
    window.status = MaintenanceWindow.Status.CANCELLED
    window.cancelled_at, window.cancel_reason = at, reason.strip()
    window.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    _audit(actor, "maintenance_cancelled", window, before=before, after=_state(window))
    windows_changed.bump()
    return _tell_contacts(window, "cancelled", at=at) if window.announced_at else 0


def when(window: MaintenanceWindow) -> str:
    """ "from 10pm on Saturday 12 December 2026 to 2am on Sunday 13 December 2026", London time."""
    return when_text(window.starts_at, window.ends_at)


def when_text(starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    """ "from 9pm to 11pm on Tuesday 8 December 2026" within a day; else each with its day."""
    if london(starts_at).date() == london(ends_at).date():
        first, _, day = moment(starts_at).partition(" on ")
        return f"from {first} to {moment(ends_at)}"
    return f"from {moment(starts_at)} to {moment(ends_at)}"


def moment(value: dt.datetime) -> str:
    """ "2am on Sunday 13 December 2026", "10:30pm on ...", "midnight on ...", London time."""
    local = london(value)
    if local.hour == 0 and local.minute == 0:
        clock = "midnight"
    elif local.hour == 12 and local.minute == 0:
        clock = "midday"
    else:
        hour = local.hour % 12 or 12
        clock = (
            f"{hour}{'' if local.minute == 0 else f':{local.minute:02d}'}{'am' if local.hour < 12 else 'pm'}"
        )
    return f"{clock} on {local:%A} {format_date(local)}"


_SUBJECTS = {
    "announced": "Planned maintenance",
    "changed": "Planned maintenance moved",
    "cancelled": "Planned maintenance cancelled",
}


def _tell_contacts(window: MaintenanceWindow, what: str, *, at: dt.datetime) -> int:
    recipients = key_contact_emails(london(at).date())
    text, html = email_render(
        "availability/email/maintenance", {"window": window, "what": what, "when": when(window)}
    )
    return email_queue_each(
        recipients,
        subject=f"Bluelamp: {_SUBJECTS[what]} {when(window)}",
        text=text,
        html=html,
        headers={"Auto-Submitted": "auto-generated"},
        kind=f"availability.maintenance_{what}",
        at=at,
    )
