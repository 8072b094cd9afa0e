"""Working the queue faster (staff only): writing canned responses and saved queue filters,
and bulk actions. (Reading them, and the `access_*` helpers: tickets.selectors.)

Canned responses: shared ones (no owner) may be changed by anyone on the desk; personal ones
only by their owner. Saved filters are personal. Another person's personal record does not exist
for you (the same 404 as a missing one).

Bulk actions run the ordinary ticket services one ticket at a time, each in its own transaction:
one ticket that cannot change (already at the top tier, a status it cannot move to) is reported
by reference and reason, and the others still change.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.servicedesk.tickets.models import CannedResponse, SavedQueueFilter, Ticket
from bluelamp.servicedesk.tickets.selectors import access_canned_response, access_saved_filter
from bluelamp.servicedesk.tickets.services._common import _require_staff
from bluelamp.servicedesk.tickets.services.routing import ticket_assign, ticket_escalate
from bluelamp.servicedesk.tickets.services.status import ticket_set_status

BULK_LIMIT = 100


# --- canned responses ---------------------------------------------------------------------------


def _check_placeholders(body: str) -> None:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(body) if name is not None}
    except ValueError:
        raise ValidationError(
            {
                "body": "A “{” or “}” is unmatched: placeholders look like {reference}; write {{ or }} for a brace."
            }
        ) from None
    unknown = sorted(names - set(CannedResponse.PLACEHOLDERS))
    if unknown:
        accepted = ", ".join("{" + name + "}" for name in CannedResponse.PLACEHOLDERS)
        raise ValidationError(
            {"body": f"Unknown placeholder {', '.join('{' + n + '}' for n in unknown)}: use {accepted}"}
        )


def canned_response_save(
    *,
    actor,
    title: str,
    body: str,
    shared: bool,
    is_active: bool = True,
    response: CannedResponse | None = None,
) -> CannedResponse:
    """Create a canned response (`response` None) or change one the actor may see."""
    _require_staff(actor)
    if response is not None:
        response = access_canned_response(actor, response.pk)
    else:
        response = CannedResponse()
    response.title = (title or "").strip()
    response.body = (body or "").strip()
    response.owner = None if shared else actor
    response.is_active = is_active
    response.updated_by = actor
    response.updated_at = timezone.now()
    _check_placeholders(response.body)
    response.full_clean()
    with transaction.atomic():
        response.save()
        audit_record(
            actor=actor,
            action="servicedesk.canned_response_save",
            obj=response,
            after={"title": response.title, "shared": shared, "active": is_active},
        )
    return response


# --- saved filters ------------------------------------------------------------------------------


def saved_filter_create(*, actor, name: str, query: str) -> SavedQueueFilter:
    _require_staff(actor)
    saved = SavedQueueFilter(owner=actor, name=(name or "").strip(), query=(query or "").lstrip("?"))
    saved.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            saved.save()
    except IntegrityError:
        raise ValidationError(
            {"name": f"You already have a saved filter called “{saved.name}”: choose another name."}
        ) from None
    return saved


def saved_filter_delete(*, actor, saved: SavedQueueFilter) -> None:
    access_saved_filter(actor, saved.pk).delete()


# --- bulk actions -------------------------------------------------------------------------------


@dataclass
class BulkOutcome:
    reference: str
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def _message(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def ticket_bulk_apply(
    *,
    actor,
    references: Iterable[str],
    action: str,
    assignee=None,
    status: str = "",
    reason: str = "",
) -> list[BulkOutcome]:
    """Apply one action to each ticket through the ticket services; one outcome per reference.

    `action`: "assign" (to `assignee`, or None for the tier's queue), "escalate" (one tier up,
    with `reason`) or "status" (to `status`, with `reason` where the service needs one).
    """
    _require_staff(actor)
    references = list(dict.fromkeys(r.strip().upper() for r in references if r and r.strip()))
    if not references:
        raise ValidationError({"tickets": "Choose at least one ticket"})
    if len(references) > BULK_LIMIT:
        raise ValidationError({"tickets": f"Choose at most {BULK_LIMIT} tickets at a time"})
    if action not in ("assign", "escalate", "status"):
        raise ValidationError({"action": f"Action {action!r} is not one of: assign, escalate, status"})
    if action == "escalate" and not (reason or "").strip():
        raise ValidationError({"reason": "Enter the reason for escalating"})
    if action == "status" and not status:
        raise ValidationError({"status": "Choose the new status"})
    found = {
        t.reference: t for t in Ticket.objects.filter(reference__in=references).select_related("assignee")
    }
    outcomes = []
    for reference in references:
        ticket = found.get(reference)
        if ticket is None:
            outcomes.append(BulkOutcome(reference, "There is no such ticket."))
            continue
        try:
            if action == "assign":
                ticket_assign(actor=actor, ticket=ticket, assignee=assignee)
            elif action == "escalate":
                ticket_escalate(actor=actor, ticket=ticket, reason=reason)
            else:
                ticket_set_status(actor=actor, ticket=ticket, status=status, reason=reason)
        except ValidationError as exc:
            outcomes.append(BulkOutcome(reference, _message(exc)))
        else:
            outcomes.append(BulkOutcome(reference))
    return outcomes
