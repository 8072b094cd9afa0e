"""Small rules every desk service applies to its input (tickets, the knowledge base, problems)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from bluelamp.servicedesk.staff import is_desk_staff


def at_or_now(at: dt.datetime | None) -> dt.datetime:
    """`at` (it must be aware), or now: services take `at` so history can be recorded as it was."""
    if at is None:
        return timezone.now()
    if timezone.is_naive(at):
        raise ValueError(f"at={at.isoformat()} has no time zone: give an aware datetime")
    return at


def require_desk_staff(actor) -> None:
    if not is_desk_staff(actor):
        raise PermissionDenied("Only service-desk staff may do this.")


def stripped(value: str | None) -> str:
    return (value or "").strip()
