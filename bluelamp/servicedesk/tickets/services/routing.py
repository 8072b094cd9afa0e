"""Who works on a ticket: its tier (escalation and de-escalation) and its assignee."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from bluelamp.servicedesk.staff import is_desk_staff
from bluelamp.servicedesk.tickets.models import Ticket
from bluelamp.servicedesk.tickets.services._common import (
    TIER_ORDER,
    Kind,
    Tier,
    _audit,
    _choice,
    _event,
    _lock,
    _now,
    _person_name,
    _require_reason,
    _require_staff,
)


def _move_tier(*, actor, ticket: Ticket, to_tier: str | None, reason: str, at, up: bool) -> Ticket:
    at = _now(at)
    _require_staff(actor)
    what = "escalating" if up else "de-escalating"
    reason = _require_reason(reason, what)
    with transaction.atomic():
        ticket = _lock(ticket, at)
        index = TIER_ORDER.index(ticket.tier)
        if to_tier is None:
            step = index + 1 if up else index - 1
            if not 0 <= step < len(TIER_ORDER):
                end = "highest" if up else "first"
                raise ValidationError(
                    {
                        "tier": f"{ticket.reference} is already at the {end} tier ({ticket.get_tier_display()})."
                    }
                )
            to_tier = TIER_ORDER[step]
        _choice(Tier, to_tier, "tier", "Tier")
        if (TIER_ORDER.index(to_tier) > index) != up or to_tier == ticket.tier:
            raise ValidationError(
                {
                    "tier": f"{Tier(to_tier).label} is not {'above' if up else 'below'} {ticket.get_tier_display()}."
                }
            )
        before = {"tier": ticket.tier, "assignee": _person_name(ticket.assignee)}
        _event(
            ticket,
            kind=Kind.ESCALATION if up else Kind.DEESCALATION,
            at=at,
            author=actor,
            from_value=ticket.tier,
            to_value=to_tier,
            reason=reason,
        )
        ticket.tier = to_tier
        # The ticket joins the new tier's queue, for someone there to pick up.
        ticket.assignee = None
        ticket.last_activity_at = at
        ticket.save()
        _audit(
            actor,
            "ticket_escalate" if up else "ticket_deescalate",
            ticket,
            before=before,
            after={"tier": to_tier, "reason": reason},
        )
    return ticket


def ticket_escalate(
    *, actor, ticket: Ticket, reason: str, to_tier: str | None = None, at: dt.datetime | None = None
) -> Ticket:
    """Pass the ticket up the chain (the next tier unless `to_tier`), recording who, why, when."""
    return _move_tier(actor=actor, ticket=ticket, to_tier=to_tier, reason=reason, at=at, up=True)


def ticket_deescalate(
    *, actor, ticket: Ticket, reason: str, to_tier: str | None = None, at: dt.datetime | None = None
) -> Ticket:
    """Hand the ticket back down the chain (the tier below unless `to_tier`), with a reason."""
    return _move_tier(actor=actor, ticket=ticket, to_tier=to_tier, reason=reason, at=at, up=False)


def ticket_assign(*, actor, ticket: Ticket, assignee, at: dt.datetime | None = None) -> Ticket:
    """Give the ticket to one of the desk's staff (None: back to the tier's queue)."""
    at = _now(at)
    _require_staff(actor)
    if assignee is not None and not is_desk_staff(assignee):
        raise ValidationError(
            {
                "assignee": f"{assignee.get_full_name()} does not work on the service desk: assign it to desk staff."
            }
        )
    with transaction.atomic():
        ticket = _lock(ticket, at)
        if (assignee.pk if assignee else None) == ticket.assignee_id:
            raise ValidationError({"assignee": "The ticket is already assigned so."})
        before = _person_name(ticket.assignee)
        _event(
            ticket,
            kind=Kind.ASSIGNMENT,
            at=at,
            author=actor,
            from_value=before,
            to_value=_person_name(assignee),
        )
        ticket.assignee = assignee
        ticket.last_activity_at = at
        ticket.save()
        _audit(
            actor,
            "ticket_assign",
            ticket,
            before={"assignee": before},
            after={"assignee": _person_name(assignee)},
        )
    return ticket
