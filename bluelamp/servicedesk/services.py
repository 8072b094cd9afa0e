"""Writing service-desk records. Every write is atomic and audited."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.servicedesk.models import ExtraClosure


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def extra_closure_create(*, actor, date: dt.date, reason: str) -> ExtraClosure:
    """Record a one-off day the desk is closed. SLA targets computed from now on skip it.

    Only today or later: a past day's targets have already been worked to.
    """
    today = timezone.localdate()
    if date is not None and date < today:
        raise ValidationError(
            {"date": f"{_long_date(date)} has passed: an extra closure must be today or later."}
        )
    closure = ExtraClosure(
        date=date, reason=(reason or "").strip(), created_by=actor if getattr(actor, "pk", None) else None
    )
    closure.full_clean()
    with transaction.atomic():
        closure.save()
        audit_record(
            actor=actor,
            action="servicedesk.closure_add",
            obj=closure,
            after={"date": closure.date, "reason": closure.reason},
        )
    return closure


def extra_closure_delete(*, actor, closure: ExtraClosure) -> None:
    """Remove an extra closure that has not yet happened (the desk will be open that day)."""
    if closure.date < timezone.localdate():
        raise ValidationError(
            f"The closure on {_long_date(closure.date)} has passed and stays on record: "
            "SLA targets were worked out with it."
        )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="servicedesk.closure_remove",
            obj=closure,
            before={"date": closure.date, "reason": closure.reason},
        )
        closure.delete()
