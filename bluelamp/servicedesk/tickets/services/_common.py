"""What the ticket services share: the status rules, argument checks, the row lock, timeline
events, due-time recomputation, references and the audit record. Private to the package."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.servicedesk.sla import Impact, Priority, Urgency, suggest_priority
from bluelamp.servicedesk.tickets.history import due_times_from_history, warning_time_from_history
from bluelamp.servicedesk.tickets.models import Attachment, Ticket, TicketCounter, TicketEvent
from bluelamp.servicedesk.tickets.selectors import AT_RISK_SHARE
from bluelamp.servicedesk.writing import at_or_now, require_desk_staff, stripped

Status = Ticket.Status
Tier = Ticket.Tier
Kind = TicketEvent.Kind
PUBLIC = TicketEvent.Visibility.PUBLIC
INTERNAL = TicketEvent.Visibility.INTERNAL

TIER_ORDER: list[str] = list(Tier.values)
# The author shown on the timeline for what Bluelamp does by itself (closing after the window,
# notes about inbound e-mail).
SYSTEM_AUTHOR = "Bluelamp (automatic)"

# Which statuses staff may move a ticket to, from each status.
_WORKING: set[str] = {Status.OPEN, Status.AWAITING_CUSTOMER, Status.AWAITING_THIRD_PARTY, Status.RESOLVED}
ALLOWED_STATUS_CHANGES: dict[str, set[str]] = {
    Status.NEW: _WORKING,
    Status.OPEN: _WORKING,
    Status.AWAITING_CUSTOMER: _WORKING,
    Status.AWAITING_THIRD_PARTY: _WORKING,
    Status.REOPENED: _WORKING,
    Status.RESOLVED: {Status.CLOSED, Status.REOPENED},
    Status.CLOSED: {Status.REOPENED},
}


# --- helpers ------------------------------------------------------------------------------------


# The rules every desk service applies (bluelamp.servicedesk.writing), under their local names.
_now = at_or_now
_require_staff = require_desk_staff
_text = stripped


def _require_reason(reason: str, what: str) -> str:
    reason = _text(reason)
    if not reason:
        raise ValidationError({"reason": f"Enter the reason for {what}"})
    return reason


def _choice(enum, value, field: str, what: str) -> str:
    if value not in enum.values:
        accepted = ", ".join(str(label) for label in enum.labels)
        raise ValidationError({field: f"{what} {value!r} is not one of: {accepted}"})
    return value


def _lock(ticket: Ticket, at: dt.datetime) -> Ticket:
    """The ticket, locked for this transaction, with `at` checked against its history."""
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if at < locked.last_activity_at:
        raise ValidationError(
            f"{locked.reference} was last updated at {timezone.localtime(locked.last_activity_at):%H:%M on %d %B %Y}: "
            "a new entry cannot be dated earlier."
        )
    return locked


def _person_name(person) -> str:
    return person.get_full_name() if person is not None else ""


def _event(
    ticket: Ticket, *, kind: str, at: dt.datetime, author=None, visibility=INTERNAL, **fields
) -> TicketEvent:
    event = TicketEvent(
        ticket=ticket,
        kind=kind,
        at=at,
        author=author if getattr(author, "pk", None) else None,
        author_name=fields.pop("author_name", "")
        or _person_name(author if getattr(author, "pk", None) else None),
        visibility=visibility,
        **fields,
    )
    event.full_clean(exclude=["ticket"])
    event.save()
    return event


def _save_attachments(ticket: Ticket, event: TicketEvent, uploads: Sequence, content_types, uploader) -> None:
    for upload, content_type in zip(uploads, content_types, strict=True):
        attachment = Attachment(
            ticket=ticket,
            event=event,
            name=(upload.name or "file")[-200:],
            content_type=content_type,
            size=upload.size,
            uploaded_by=uploader if getattr(uploader, "pk", None) else None,
        )
        attachment.file.save(attachment.name, upload, save=False)
        attachment.save()


def _recompute_due(ticket: Ticket) -> None:
    """Set the due times from the ticket's whole history (its status changes in the database)."""
    changes = [
        (event.at, event.to_value)
        for event in ticket.events.filter(kind=Kind.STATUS).only("at", "to_value").order_by("at", "pk")
    ]
    _set_due_times(ticket, changes)


def _set_due_times(ticket: Ticket, changes: Sequence[tuple[dt.datetime, str]]) -> None:
    targets = due_times_from_history(
        priority=ticket.priority, logged_at=ticket.created_at, status_changes=changes
    )
    ticket.response_due = targets.response_due
    ticket.resolution_due = targets.resolution_due
    # The breach warning's instant (tickets.monitoring), stored so that finding the
    # tickets to warn is one indexed comparison.
    ticket.resolution_warn_at = warning_time_from_history(
        priority=ticket.priority, logged_at=ticket.created_at, status_changes=changes, share=AT_RISK_SHARE
    )


def _next_reference(year: int) -> str:
    # One row per year, incremented in place: the UPDATE's row lock serialises concurrent
    # loggers, and numbers are never reused.
    if not TicketCounter.objects.filter(year=year).update(last_number=F("last_number") + 1):
        try:
            with transaction.atomic():
                TicketCounter.objects.create(year=year, last_number=1)
        except IntegrityError:
            TicketCounter.objects.filter(year=year).update(last_number=F("last_number") + 1)
    number = TicketCounter.objects.values_list("last_number", flat=True).get(year=year)
    return f"BL-{year}-{number:06d}"


def _audit(actor, action: str, ticket: Ticket, **changes) -> None:
    audit_record(
        actor=actor,
        action=f"servicedesk.{action}",
        organisation=ticket.organisation,
        obj=ticket,
        object_label=ticket.reference,
        **changes,
    )


def _change_status(ticket: Ticket, *, status: str, at: dt.datetime, actor, reason: str = "") -> TicketEvent:
    """Record a status change and its consequences on the ticket (not saved)."""
    event = _event(
        ticket,
        kind=Kind.STATUS,
        at=at,
        author=actor,
        from_value=ticket.status,
        to_value=status,
        reason=reason,
    )
    ticket.status = status
    if status == Status.RESOLVED:
        ticket.resolved_at = at
    elif status == Status.CLOSED:
        ticket.closed_at = at
    elif status == Status.REOPENED:
        ticket.resolved_at = None
        ticket.closed_at = None
    _recompute_due(ticket)
    return event


def _priority_for(*, impact: str, urgency: str) -> Priority:
    return suggest_priority(
        impact=_choice(Impact, impact, "impact", "Impact"),
        urgency=_choice(Urgency, urgency, "urgency", "Urgency"),
    )
