"""Working time: the one place that knows when work is done, and counts in it.

Working days run 08:00–17:00 Europe/London, Monday to Friday, except a calendar's bank holidays
(the `holidays` package: England & Wales by default, with substitute days and one-offs such as
19 September 2022 and 8 May 2023; Scotland and Northern Ireland too) and the extra closures
recorded for that calendar (`ExtraClosure`). Every SLA target, pause, "working days since", due
date or notice period in Bluelamp is computed here; no other module does date arithmetic in
working time.

Rules
  * Working time is [08:00, 17:00) on a working day. 17:00 itself is closed.
  * Out of hours the clock stands still: an instant out of hours counts from the next opening
    (a ticket logged on Saturday starts its clock at 08:00 on the next working day).
  * A target is the *earliest* instant by which the budget of working time has passed. One that
    falls exactly at the end of a day is 17:00 that day, not 08:00 on the next working day.
  * Pauses (awaiting the customer) stop the clock from their start to their end; an open pause
    (end None) stops it until further notice, so a target behind it is not yet known (None).
  * Inputs are aware datetimes in any time zone; a naive datetime raises `NaiveDatetimeError`.
    Results are aware datetimes in UTC (as stored); show them in Europe/London at the edge.

How (docs/decisions/0005-working-time.md)
  Every working day is 9 hours of wall-clock time, and no clock change happens between 08:00
  and 17:00 (British clocks change at 01:00 GMT on a Sunday). So working time is one line of
  "working microseconds": the n-th working day of the calendar's table covers positions
  [n * 9h, (n + 1) * 9h). An instant becomes a position by a binary search over the UTC instants
  of each working day's 08:00 opening, and a position becomes an instant by one addition. No UTC
  offset enters the sum, so BST/GMT changes cannot shift a target, and no database is read per
  call: a `Calendar` holds the bank holidays and extra closures, and each named calendar
  (`calendar_for(name)`, England & Wales by default) is loaded once and cached.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "CALENDARS",
    "CLOSES_AT",
    "DEFAULT_CALENDAR",
    "FIRST_YEAR",
    "LAST_YEAR",
    "LONDON",
    "OPENS_AT",
    "WORKING_DAY",
    "Calendar",
    "NaiveDatetimeError",
    "Pause",
    "add_calendar_months",
    "add_working_time",
    "bank_holiday_name",
    "calendar_for",
    "default_calendar",
    "due_with_pauses",
    "forget_calendars",
    "is_working_day",
    "is_working_time",
    "next_opening",
    "subtract_working_time",
    "working_day_on_or_after",
    "working_days_after",
    "working_days_between",
    "working_time_between",
]

LONDON = ZoneInfo("Europe/London")
# Calendar names (stored on extra closures) and the `holidays` subdivision of their bank holidays.
DEFAULT_CALENDAR = "england-and-wales"
CALENDARS = {
    "england-and-wales": ("England and Wales", "ENG"),
    "scotland": ("Scotland", "SCT"),
    "northern-ireland": ("Northern Ireland", "NIR"),
}
OPENS_AT = dt.time(8, 0)
CLOSES_AT = dt.time(17, 0)
WORKING_DAY = dt.datetime.combine(dt.date.min, CLOSES_AT) - dt.datetime.combine(dt.date.min, OPENS_AT)
# The years a calendar will compute in. Bank holidays before 1971 (the Banking and Financial
# Dealings Act) are not what the `holidays` package models; 2200 is far past any SLA.
FIRST_YEAR = 1971
LAST_YEAR = 2200

# (pause start, pause end or None while still paused)
Pause = tuple[dt.datetime, dt.datetime | None]

_UTC = dt.UTC
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=_UTC)
_US = dt.timedelta(microseconds=1)
_DAY_US = WORKING_DAY // _US
# A table grows by at least this many years when a computation runs past its end.
_GROWTH_YEARS = 5


_ONE_DAY = dt.timedelta(days=1)


def _check_year(day: dt.date) -> None:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"{day.isoformat()} is outside the years {FIRST_YEAR}–{LAST_YEAR} a calendar covers")


def add_calendar_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` later (or earlier, if negative); the month's last day
    where that day does not exist (31 May + 3 months is 31 August; 30 November + 3 months is
    28 or 29 February). Calendar months, not working time: move the result to a working day
    with `working_day_on_or_after` where the rule says so."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - _ONE_DAY).day
    return dt.date(year, month, min(day.day, last))


class NaiveDatetimeError(ValueError):
    """A datetime without a time zone was given; working time needs aware datetimes."""


def _to_us(value: dt.datetime, what: str = "datetime") -> int:
    """Microseconds since the epoch (UTC) of an aware datetime."""
    try:
        return (value - _EPOCH) // _US
    except TypeError:
        if isinstance(value, dt.datetime):
            raise NaiveDatetimeError(
                f"{what} {value.isoformat()} has no time zone: working time needs an aware datetime "
                "(e.g. tzinfo=ZoneInfo('Europe/London') or datetime.UTC)"
            ) from None
        raise TypeError(f"{what} must be an aware datetime, not {type(value).__name__}") from None


def _from_us(us: int, _epoch=_EPOCH, _timedelta=dt.timedelta) -> dt.datetime:
    return _epoch + _timedelta(0, 0, us)  # positional: measurably faster than microseconds=us


def _budget_us(budget: dt.timedelta) -> int:
    if not isinstance(budget, dt.timedelta):
        raise TypeError(f"working time must be a timedelta, not {type(budget).__name__}")
    us = budget // _US
    if us < 0:
        raise ValueError(f"working time must not be negative (got {budget})")
    return us


def _local_midnight_us(year: int) -> int:
    return (dt.datetime(year, 1, 1, tzinfo=LONDON) - _EPOCH) // _US


def _year_of(us: int) -> int:
    try:
        return _from_us(us).astimezone(LONDON).year
    except OverflowError:
        return dt.MINYEAR if us < 0 else dt.MAXYEAR


class _Table:
    """The working days of [first_year, last_year] as UTC microseconds of their 08:00 opening."""

    __slots__ = ("first_year", "last_year", "opens", "lo_us", "safe_hi_us")

    def __init__(self, first_year: int, last_year: int, is_working_day: Callable[[dt.date], bool]):
        self.first_year = first_year
        self.last_year = last_year
        opens: list[int] = []
        for ordinal in range(
            dt.date(first_year, 1, 1).toordinal(), dt.date(last_year, 12, 31).toordinal() + 1
        ):
            day = dt.date.fromordinal(ordinal)
            if is_working_day(day):
                opens.append((dt.datetime.combine(day, OPENS_AT, tzinfo=LONDON) - _EPOCH) // _US)
        self.opens = opens
        self.lo_us = _local_midnight_us(first_year)
        # Any instant before this has its whole following year in the table, so the next
        # opening after it is always there.
        self.safe_hi_us = _local_midnight_us(last_year)

    def covers(self, lo_us: int, hi_us: int) -> bool:
        return self.lo_us <= lo_us and hi_us < self.safe_hi_us

    def position(self, us: int) -> int:
        """Working microseconds from the table's first opening to the instant `us`."""
        i = bisect_right(self.opens, us) - 1
        if i >= 0:
            into_day = us - self.opens[i]
            if into_day < _DAY_US:
                return i * _DAY_US + into_day
        return (i + 1) * _DAY_US  # out of hours: the clock stands at the next opening


class Calendar:
    """Bank holidays plus extra closures, with working-time arithmetic over them.

    Build one with the extra closures passed in (`Calendar(extra_closures={date, ...})`), or use
    `calendar_for(name)`, which reads them from the database once and caches them. A calendar is
    immutable in what it means and safe to share between threads; it grows its table of working
    days as computations reach further years.
    """

    def __init__(self, extra_closures: Iterable[dt.date] = (), *, name: str = DEFAULT_CALENDAR):
        if name not in CALENDARS:
            raise ValueError(f"No calendar named {name!r}; there are {', '.join(CALENDARS)}")
        self.name = name
        self.extra_closures: frozenset[dt.date] = frozenset(extra_closures)
        self._bank_holidays = holidays.country_holidays("GB", subdiv=CALENDARS[name][1])
        self._table: _Table | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<Calendar: {CALENDARS[self.name][0]} bank holidays + {len(self.extra_closures)} extra closure(s)>"

    # --- days -----------------------------------------------------------------------------------

    def bank_holiday_name(self, day: dt.date) -> str | None:
        """The name of the calendar's bank holiday on `day`, if it is one."""
        return self._bank_holidays.get(day)

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in self._bank_holidays and day not in self.extra_closures

    def working_day_on_or_after(self, day: dt.date) -> dt.date:
        """`day` itself if it is a working day, else the next one."""
        _check_year(day)
        while not self.is_working_day(day):
            day += _ONE_DAY
            _check_year(day)
        return day

    def working_days_after(self, day: dt.date, count: int) -> dt.date:
        """The `count`-th working day after `day`, which never counts itself: from a Friday, the
        first working day after is the Monday (a bank holiday or extra closure skipped too)."""
        if count < 1:
            raise ValueError(f"A count of working days is a whole number from 1, not {count!r}")
        _check_year(day)
        for _ in range(count):
            day = self.working_day_on_or_after(day + _ONE_DAY)
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """How many working days there are after `start` up to and including `end` (0 if `end` is
        not after `start`): `working_days_after(start, n)` is the first day where this is n."""
        _check_year(start)
        _check_year(end)
        count = 0
        day = start + _ONE_DAY
        while day <= end:
            count += self.is_working_day(day)
            day += _ONE_DAY
        return count

    # --- instants -------------------------------------------------------------------------------

    def is_working_time(self, when: dt.datetime) -> bool:
        us = _to_us(when)
        table = self._covering(us, us)
        i = bisect_right(table.opens, us) - 1
        return i >= 0 and us - table.opens[i] < _DAY_US

    def next_opening(self, when: dt.datetime) -> dt.datetime:
        """The first instant at or after `when` that is working time: `when` itself while open,
        else 08:00 on the next working day. It is where a ticket logged at `when` starts its clock.
        """
        us = _to_us(when)
        table = self._covering(us, us)
        i = bisect_right(table.opens, us) - 1
        if i >= 0 and us - table.opens[i] < _DAY_US:
            return _from_us(us)
        return _from_us(table.opens[i + 1])

    def add(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        """The earliest instant by which `duration` of working time has passed since `start`."""
        budget = _budget_us(duration)
        start_us = _to_us(start, "start")
        if budget == 0:
            return _from_us(start_us)
        table = self._covering(start_us, start_us)
        return self._instant(table, table.position(start_us) + budget)

    def subtract(self, end: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        """The latest instant from which `duration` of working time has passed by `end`: every
        instant at or before it is at least `duration` of working time before `end`. (The reverse
        of `add`, start-biased: a whole number of days back from 10:00 is 10:00, and from 08:00
        it is 08:00, not 17:00 the evening before.)"""
        budget = _budget_us(duration)
        end_us = _to_us(end, "end")
        if budget == 0:
            return _from_us(end_us)
        # Far enough back for any run of closures: two calendar days per working day, plus a month.
        reach_us = (budget // _DAY_US + 1) * 2 * 86_400_000_000 + 31 * 86_400_000_000
        table = self._covering(end_us - reach_us, end_us)
        position = table.position(end_us) - budget
        if position < 0:
            raise ValueError(f"working time is computed for the years {FIRST_YEAR}–{LAST_YEAR} only")
        day, into_day = divmod(position, _DAY_US)
        return _from_us(table.opens[day] + into_day)

    def between(self, start: dt.datetime, end: dt.datetime, *, pauses: Sequence[Pause] = ()) -> dt.timedelta:
        """Working time from `start` to `end` (negative when `end` is earlier), less any pauses.

        An open pause (end None) runs to `end`.
        """
        a_us, b_us = _to_us(start, "start"), _to_us(end, "end")
        if b_us < a_us:
            return -self.between(end, start, pauses=pauses)
        spans = _pause_spans(pauses)
        table = self._covering(*_span_of(a_us, b_us, spans))
        a, b = table.position(a_us), table.position(b_us)
        total = b - a
        for pause_start, pause_end in _merge(table, spans, floor=a):
            if pause_start >= b:
                break
            total -= min(b if pause_end is None else pause_end, b) - pause_start
        return dt.timedelta(microseconds=total)

    def due_with_pauses(
        self, start: dt.datetime, budget: dt.timedelta, pauses: Sequence[Pause] = ()
    ) -> dt.datetime | None:
        """When `budget` of working time since `start` will have passed, the clock stopping during
        each pause (pause start, pause end or None while still paused).

        None when an open pause began before the budget ran out: the clock is stopped and the
        target will be known when the pause ends. Pauses before `start` are ignored; overlapping
        pauses are merged.
        """
        return self.due_times(start, None, budget, pauses)[1]

    def due_times(
        self,
        start: dt.datetime,
        unpaused: dt.timedelta | None,
        paused: dt.timedelta | None,
        pauses: Sequence[Pause] = (),
    ) -> tuple[dt.datetime | None, dt.datetime | None]:
        """Two due times from one start, locating `start` once (the SLA's response and resolution):
        the first counts `unpaused` working time ignoring pauses; the second counts `paused`
        working time with the clock stopped during `pauses`, as `due_with_pauses`. A budget of
        None gives None.
        """
        start_us = _to_us(start, "start")
        spans = _pause_spans(pauses) if pauses else ()
        table = (
            self._covering(*_span_of(start_us, start_us, spans))
            if spans
            else self._covering(start_us, start_us)
        )
        origin = -1
        first = second = None
        if unpaused is not None:
            budget_us = _budget_us(unpaused)
            if budget_us == 0:
                first = _from_us(start_us)
            else:
                origin = table.position(start_us)
                first = self._instant(table, origin + budget_us)
        if paused is not None:
            budget_us = _budget_us(paused)
            if budget_us == 0:
                return first, _from_us(start_us)
            if origin < 0:
                origin = table.position(start_us)
            target = origin + budget_us
            if spans:
                for pause_start, pause_end in _merge(table, spans, floor=origin):
                    if pause_start >= target:
                        break  # the budget ran out before this pause began
                    if pause_end is None:
                        return first, None
                    target += pause_end - pause_start
            second = self._instant(table, target)
        return first, second

    # --- internals ------------------------------------------------------------------------------

    def _covering(self, lo_us: int, hi_us: int) -> _Table:
        """A table covering the instants lo_us..hi_us (and the year after hi_us)."""
        table = self._table
        if table is not None and table.covers(lo_us, hi_us):
            return table
        first_needed, last_needed = _year_of(lo_us), _year_of(hi_us)
        if first_needed < FIRST_YEAR or last_needed > LAST_YEAR:
            raise ValueError(
                f"working time is computed for the years {FIRST_YEAR}–{LAST_YEAR} only, "
                f"not {first_needed if first_needed < FIRST_YEAR else last_needed}"
            )
        with self._lock:
            table = self._table
            if table is not None and table.covers(lo_us, hi_us):
                return table
            first = max(first_needed - 1, FIRST_YEAR)
            last = min(last_needed + _GROWTH_YEARS, LAST_YEAR + 1)
            if table is not None:
                first, last = min(first, table.first_year), max(last, table.last_year)
            table = _Table(first, last, self.is_working_day)
            self._table = table
            return table

    def _instant(self, table: _Table, position: int) -> dt.datetime:
        """The instant at `position`, end-biased: a day's end is 17:00 that day, not the next 08:00."""
        day, into_day = divmod(position, _DAY_US)
        if into_day == 0 and day > 0:
            day, into_day = day - 1, _DAY_US
        if day >= len(table.opens):
            table = self._grown(table, day)
        return _from_us(table.opens[day] + into_day)

    def _grown(self, table: _Table, day_index: int) -> _Table:
        """`table` extended forwards (indices unchanged) until it has working day `day_index`."""
        with self._lock:
            while day_index >= len(table.opens):
                if table.last_year > LAST_YEAR:
                    raise ValueError(f"working time is computed for the years {FIRST_YEAR}–{LAST_YEAR} only")
                extra_years = (day_index - len(table.opens)) // 200 + _GROWTH_YEARS
                last = min(table.last_year + extra_years, LAST_YEAR + 1)
                table = _Table(table.first_year, last, self.is_working_day)
            current = self._table
            if current is None or (
                table.first_year <= current.first_year and table.last_year >= current.last_year
            ):
                self._table = table
        return table


def _pause_spans(pauses: Sequence[Pause]) -> list[tuple[int, int | None]]:
    spans = []
    for n, pause in enumerate(pauses):
        try:
            pause_start, pause_end = pause
        except (TypeError, ValueError):
            raise TypeError(f"pause {n} must be a (start, end or None) pair, not {pause!r}") from None
        s = _to_us(pause_start, f"pause {n} start")
        e = None
        if pause_end is not None:
            e = _to_us(pause_end, f"pause {n} end")
            if e < s:
                raise ValueError(
                    f"pause {n} ends ({pause_end.isoformat()}) before it starts ({pause_start.isoformat()})"
                )
        spans.append((s, e))
    return spans


def _span_of(lo_us: int, hi_us: int, spans: list[tuple[int, int | None]]) -> tuple[int, int]:
    """The instants a table must cover. Pauses are clipped to the start (`lo_us`), so the part of
    one before it needs no table."""
    for s, e in spans:
        hi_us = max(hi_us, s if e is None else e)
    return lo_us, hi_us


def _merge(table: _Table, spans: list[tuple[int, int | None]], *, floor: int) -> list[tuple[int, int | None]]:
    """Pauses as sorted, disjoint spans of working positions, clipped to start at `floor`."""
    positioned = []
    for s, e in spans:
        a = max(table.position(s), floor)
        b = None if e is None else max(table.position(e), floor)
        if b is None or b > a:
            positioned.append((a, b))
    positioned.sort(key=lambda span: span[0])
    merged: list[tuple[int, int | None]] = []
    for a, b in positioned:
        if merged:
            last_a, last_b = merged[-1]
            if last_b is None:
                break  # an open pause already covers everything after it
            if a <= last_b:
                merged[-1] = (last_a, None if b is None else max(b, last_b))
                continue
        merged.append((a, b))
    return merged


# --- the desk's own calendar ---------------------------------------------------------------------

# Another process's change to the extra closures is seen within this many seconds; this
# process's own changes at once (bluelamp.workingtime.signals).
CACHE_SECONDS = 300.0
_cached: dict[str, tuple[Calendar, float]] = {}
_cache_lock = threading.Lock()


def calendar_for(name: str = DEFAULT_CALENDAR) -> Calendar:
    """The calendar `name`: its bank holidays plus its extra closures in the database.

    Read from the database once and cached for CACHE_SECONDS; saving or deleting an
    ExtraClosure forgets the cache at once in this process.
    """
    cached = _cached.get(name)
    if cached is not None and time.monotonic() - cached[1] < CACHE_SECONDS:
        return cached[0]
    from bluelamp.workingtime.selectors import extra_closure_dates

    closures = extra_closure_dates(calendar=name)
    with _cache_lock:
        current = _cached.get(name)
        calendar = (
            current[0] if current and current[0].extra_closures == closures else Calendar(closures, name=name)
        )
        _cached[name] = (calendar, time.monotonic())
        return calendar


def default_calendar() -> Calendar:
    """England & Wales: the calendar every service works to unless it says otherwise."""
    return calendar_for(DEFAULT_CALENDAR)


def forget_calendars() -> None:
    """Make the next `calendar_for()` read the extra closures again."""
    with _cache_lock:
        _cached.clear()


# --- the small public API: module functions over the default calendar (or one passed in) -------


def bank_holiday_name(day: dt.date, *, calendar: Calendar | None = None) -> str | None:
    """The name of the bank holiday on `day` ("Boxing Day (observed)"), or None (England & Wales
    unless a calendar is given)."""
    return (calendar or _bank_holiday_calendar()).bank_holiday_name(day)


def _bank_holiday_calendar() -> Calendar:
    global _bank_holidays_only
    if _bank_holidays_only is None:
        _bank_holidays_only = Calendar()
    return _bank_holidays_only


_bank_holidays_only: Calendar | None = None


def is_working_day(day: dt.date, *, calendar: Calendar | None = None) -> bool:
    """A weekday that is neither an England & Wales bank holiday nor an extra closure."""
    return (calendar or default_calendar()).is_working_day(day)


def working_day_on_or_after(day: dt.date, *, calendar: Calendar | None = None) -> dt.date:
    """`day` if it is a working day, else the next working day (England & Wales by default)."""
    return (calendar or default_calendar()).working_day_on_or_after(day)


def working_days_after(day: dt.date, count: int, *, calendar: Calendar | None = None) -> dt.date:
    """The `count`-th working day after `day` (`day` itself never counts): a notice sent on
    `day` with a notice period of `count` working days has run by this day."""
    return (calendar or default_calendar()).working_days_after(day, count)


def working_days_between(start: dt.date, end: dt.date, *, calendar: Calendar | None = None) -> int:
    """Working days after `start` up to and including `end`."""
    return (calendar or default_calendar()).working_days_between(start, end)


def is_working_time(when: dt.datetime, *, calendar: Calendar | None = None) -> bool:
    """`when` is working time: 08:00 (included) to 17:00 (excluded) on a working day."""
    return (calendar or default_calendar()).is_working_time(when)


def next_opening(when: dt.datetime, *, calendar: Calendar | None = None) -> dt.datetime:
    """`when` itself if it is working time, else 08:00 on the next working day (in UTC)."""
    return (calendar or default_calendar()).next_opening(when)


def add_working_time(
    start: dt.datetime, duration: dt.timedelta, *, calendar: Calendar | None = None
) -> dt.datetime:
    """The earliest instant by which `duration` of working time has passed since `start` (UTC).

    Out-of-hours starts count from the next opening; a result at a day's end is 17:00 that day.
    """
    return (calendar or default_calendar()).add(start, duration)


def subtract_working_time(
    end: dt.datetime, duration: dt.timedelta, *, calendar: Calendar | None = None
) -> dt.datetime:
    """The latest instant at least `duration` of working time before `end` (UTC): a ticket last
    touched at or before it has been idle that long ("5 working days ago")."""
    return (calendar or default_calendar()).subtract(end, duration)


def working_time_between(
    start: dt.datetime,
    end: dt.datetime,
    *,
    pauses: Sequence[Pause] = (),
    calendar: Calendar | None = None,
) -> dt.timedelta:
    """Working time from `start` to `end` less pauses; negative if `end` is before `start`."""
    return (calendar or default_calendar()).between(start, end, pauses=pauses)


def due_with_pauses(
    start: dt.datetime,
    budget: dt.timedelta,
    pauses: Sequence[Pause] = (),
    *,
    calendar: Calendar | None = None,
) -> dt.datetime | None:
    """When `budget` of working time since `start` runs out, the clock stopping during pauses.

    None while an open pause (end None) that began before the budget ran out stops the clock.
    """
    return (calendar or default_calendar()).due_with_pauses(start, budget, pauses)
