"""Reading identity checks: the one that lets an adviser send a password reset or issue a code."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bluelamp.servicedesk.identity.models import IdentityCheck
from bluelamp.servicedesk.tickets.models import Ticket

# An identity check is good for this long: after it, the adviser checks again.
IDENTITY_CHECK_VALID_FOR = dt.timedelta(minutes=30)
# A challenge-response code is good for this long after it is issued.
CHALLENGE_CODE_VALID_FOR = dt.timedelta(minutes=15)


def identity_check_current(ticket: Ticket, *, now: dt.datetime | None = None) -> IdentityCheck | None:
    """The latest identity check of the ticket's requester, if made in the last 30 minutes."""
    if ticket.requester_id is None:
        return None
    now = now or timezone.now()
    return (
        IdentityCheck.objects.filter(
            ticket=ticket,
            person_id=ticket.requester_id,
            checked_at__gt=now - IDENTITY_CHECK_VALID_FOR,
            checked_at__lte=now,
        )
        .select_related("checked_by")
        .order_by("-checked_at", "-pk")
        .first()
    )


def identity_checks(ticket: Ticket) -> list[IdentityCheck]:
    return list(ticket.identity_checks.select_related("checked_by").order_by("-checked_at", "-pk"))
