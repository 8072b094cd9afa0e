"""Showing times to people: stored in UTC, shown in Europe/London (GOV.UK style)."""

import calendar
import datetime as dt
from typing import overload
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


@overload
def london(value: dt.datetime) -> dt.datetime: ...
@overload
def london(value: None) -> None: ...
def london(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given; Bluelamp stores aware datetimes only")
    return value.astimezone(LONDON)


def format_datetime(value: dt.datetime | None) -> str:
    """'5 March 2026 at 2:07pm' in London time, as GOV.UK's style guide writes times."""
    if value is None:
        return ""
    local = london(value)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    if local.hour == 12 and local.minute == 0:
        clock = "midday"
    elif local.hour == 0 and local.minute == 0:
        clock = "midnight"
    else:
        clock = f"{hour}:{local.minute:02d}{suffix}"
    return f"{local.day} {local:%B %Y} at {clock}"


def format_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = london(value).date()
    return f"{value.day} {value:%B %Y}"


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` later; the month's last day where that day does not exist
    (31 January + 1 month = 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
