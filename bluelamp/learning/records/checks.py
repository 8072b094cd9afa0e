"""Checking values typed by people: shared by the external-record form and the history import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

# --- checking values (shared by the form service and the CSV import) ------------------------------

EARLIEST = dt.date(1950, 1, 1)


def _check_date(value: dt.date, today: dt.date) -> str | None:
    if value > today:
        return "The date cannot be in the future."
    if value < EARLIEST:
        return "The date must be 1 January 1950 or later."
    return None


def _parse_decimal(raw, *, low: Decimal, high: Decimal, label: str) -> tuple[Decimal | None, str | None]:
    """A number from `low` to `high` with at most two decimal places (a trailing % is allowed)."""
    if raw is None or str(raw).strip() == "":
        return None, None
    try:
        value = Decimal(str(raw).strip().rstrip("%").strip())
    except InvalidOperation:
        return None, f"{label} must be a number from {low} to {high}, e.g. 85 or 72.5."
    if not value.is_finite() or value < low or value > high:
        return None, f"{label} must be from {low} to {high}."
    if value != value.quantize(Decimal("0.01")):
        return None, f"{label} can have at most two decimal places."
    return value.quantize(Decimal("0.01")), None
