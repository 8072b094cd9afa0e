"""Writing extra closures. Every write checks who acts, is atomic and audited."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.organisations.api import Perm, access_for
from bluelamp.workingtime.calendar import CALENDARS, DEFAULT_CALENDAR
from bluelamp.workingtime.models import ExtraClosure


def may_manage_closures(person) -> bool:
    """Service-desk leads (IT service manager, team leader, lead engineer) and platform
    administrators, all national: the people who run the national service's calendar."""
    return bool(person and person.is_authenticated and access_for(person, Perm.SERVICE_DESK_LEAD).national)


def _require_manager(actor) -> None:
    if not may_manage_closures(actor):
        raise PermissionDenied("Only service-desk leads record or remove extra closures.")


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def extra_closure_create(
    *, actor, date: dt.date, reason: str, calendar: str = DEFAULT_CALENDAR, at: dt.datetime | None = None
) -> ExtraClosure:
    """Record a one-off day `calendar` is closed. Working time computed from now on skips it.

    Only today or later (Europe/London, at `at`): a past day's targets have already been worked to.
    """
    _require_manager(actor)
    if calendar not in CALENDARS:
        names = ", ".join(f"{label} ({name})" for name, (label, _) in CALENDARS.items())
        raise ValidationError({"calendar": f"There is no calendar “{calendar}”; choose one of {names}."})
    today = timezone.localdate(at or timezone.now())
    if date is not None and date < today:
        raise ValidationError(
            {"date": f"{_long_date(date)} has passed: an extra closure must be today or later."}
        )
    if date is not None and ExtraClosure.objects.filter(calendar=calendar, date=date).exists():
        raise ValidationError({"date": "There is already an extra closure on that date."})
    closure = ExtraClosure(calendar=calendar, date=date, reason=(reason or "").strip(), created_by=actor)
    closure.full_clean()
    with transaction.atomic():
        closure.save()
        audit_record(
            actor=actor,
            action="servicedesk.closure_add",
            obj=closure,
            after={"date": closure.date, "reason": closure.reason, "calendar": closure.calendar},
        )
    return closure


def extra_closure_delete(*, actor, closure: ExtraClosure, at: dt.datetime | None = None) -> None:
    """Remove an extra closure that has not yet happened (the day becomes a working day again)."""
    _require_manager(actor)
    if closure.date < timezone.localdate(at or timezone.now()):
        raise ValidationError(
            f"The closure on {_long_date(closure.date)} has passed and stays on record: "
            "SLA targets were worked out with it."
        )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="servicedesk.closure_remove",
            obj=closure,
            before={"date": closure.date, "reason": closure.reason, "calendar": closure.calendar},
        )
        closure.delete()
