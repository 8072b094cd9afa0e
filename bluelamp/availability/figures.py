"""Availability month by month, worked out from the minute samples: for the service as a whole
and for each part, the minutes it was available, down, or not checked, with the minutes inside
planned maintenance counted apart and left out of the figure.

    availability = available minutes / (minutes counted − minutes in planned maintenance)

Minutes are counted from the first sample ever taken (before it, nothing was watched) to the
end of the month or now, whichever is sooner. A minute with no sample counts against the figure,
shown as "not checked": the samples are stored in the database, so a minute the database or the
workers were down leaves none, and a report that left such minutes out would look best exactly
when the service was worst. Degraded (a queue slow) counts as available. Months are London's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence

from django.conf import settings

from bluelamp.availability.models import HealthSample, MaintenanceWindow
from bluelamp.availability.parts import PART_LABELS, PART_NAMES, State
from bluelamp.core.timefmt import LONDON
from bluelamp.servicedesk.api import IncidentRecord, major_incidents_between

SERVICE = "service"
MINUTE = dt.timedelta(minutes=1)
_AVAILABLE = {State.OK.value, State.WARNING.value}
_DOWN = State.DOWN.value
_OFF = State.OFF.value


@dataclasses.dataclass(frozen=True)
class Tally:
    """Minutes of one part (or the service) in a period."""

    available: int = 0
    down: int = 0
    unchecked: int = 0
    maintenance: int = 0  # inside planned maintenance: left out of the figure
    maintenance_unavailable: int = 0  # of those, how many it was down or not checked

    @property
    def counted(self) -> int:
        return self.available + self.down + self.unchecked

    @property
    def unavailable(self) -> int:
        return self.down + self.unchecked

    @property
    def percent(self) -> float | None:
        return 100.0 * self.available / self.counted if self.counted else None


@dataclasses.dataclass(frozen=True)
class PartFigures:
    name: str  # "service" or a part's name
    label: str
    monitored: bool
    tally: Tally
    met: bool | None  # the target met; None with nothing counted


@dataclasses.dataclass(frozen=True)
class DayFigures:
    day: dt.date
    tally: Tally  # the service's


@dataclasses.dataclass(frozen=True)
class WindowRecord:
    uuid: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class Outage:
    """A run of minutes the service was down or not checked, inside planned maintenance or not
    (`planned`), with the maintenance windows and major incidents it overlaps."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    down: int
    unchecked: int
    planned: bool
    windows: tuple[WindowRecord, ...]
    incidents: tuple[IncidentRecord, ...]

    @property
    def minutes(self) -> int:
        return self.down + self.unchecked


@dataclasses.dataclass(frozen=True)
class MonthReport:
    month: dt.date  # its first day
    starts_at: dt.datetime
    ends_at: dt.datetime
    counted_from: dt.datetime | None  # None: nothing counted (no sample yet, or a month to come)
    counted_to: dt.datetime | None
    target: float
    service: PartFigures
    parts: tuple[PartFigures, ...]
    days: tuple[DayFigures, ...]
    outages: tuple[Outage, ...]
    windows: tuple[WindowRecord, ...]
    incidents: tuple[IncidentRecord, ...]
    complete: bool  # the month is over


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The first and the next month's first London midnight, in UTC."""
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return _midnight(first), _midnight(following)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=LONDON).astimezone(dt.UTC)


def _index(at: dt.datetime) -> int:
    return int(at.timestamp()) // 60


def _at(index: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(index * 60, tz=dt.UTC)


def _windows(start: dt.datetime, end: dt.datetime) -> list[MaintenanceWindow]:
    return list(
        MaintenanceWindow.objects.filter(
            status=MaintenanceWindow.Status.PLANNED, starts_at__lt=end, ends_at__gt=start
        ).order_by("starts_at", "pk")
    )


class _Counter:
    __slots__ = ("available", "down", "maintenance", "maintenance_unavailable", "unchecked")

    def __init__(self) -> None:
        self.available = self.down = self.unchecked = self.maintenance = self.maintenance_unavailable = 0

    def add(self, state: str, planned: bool) -> None:
        if state == _OFF:
            return
        if planned:
            self.maintenance += 1
            if state not in _AVAILABLE:
                self.maintenance_unavailable += 1
        elif state in _AVAILABLE:
            self.available += 1
        elif state == _DOWN:
            self.down += 1
        else:
            self.unchecked += 1

    def frozen(self) -> Tally:
        return Tally(
            self.available, self.down, self.unchecked, self.maintenance, self.maintenance_unavailable
        )


def _figures(name: str, label: str, monitored: bool, tally: Tally, target: float) -> PartFigures:
    percent = tally.percent
    return PartFigures(name, label, monitored, tally, None if percent is None else percent >= target)


def month_report(month: dt.date, *, at: dt.datetime) -> MonthReport:
    """The month's figures as they stand at `at`."""
    start, end = month_bounds(month)
    target = settings.AVAILABILITY_TARGET_PERCENT
    now = at.astimezone(dt.UTC).replace(second=0, microsecond=0)
    first = HealthSample.objects.order_by("minute").values_list("minute", flat=True).first()
    low = max(start, first) if first else end
    high = min(end, now)
    window_rows = _windows(start, end)
    windows = tuple(WindowRecord(str(w.uuid), w.title, w.starts_at, w.ends_at) for w in window_rows)
    incidents = tuple(major_incidents_between(start, min(end, at)))
    if low >= high:
        empty = {name: _Counter() for name in (SERVICE, *PART_NAMES)}
        return _report(
            month, start, end, None, None, target, empty, set(), [], [], windows, incidents, end <= at
        )

    lo, hi = _index(low), _index(high)
    planned = bytearray(hi - lo)
    for window in window_rows:
        a = max(_index(window.starts_at), lo)
        b = min(-(-int(window.ends_at.timestamp()) // 60), hi)  # a window ending mid-minute covers it
        for i in range(a - lo, b - lo):
            planned[i] = 1
    samples = {
        _index(minute): states
        for minute, *states in HealthSample.objects.filter(minute__gte=low, minute__lt=high)
        .order_by()
        .values_list("minute", "overall", *PART_NAMES)
        .iterator(chunk_size=5000)
    }
    missing = [State.UNKNOWN.value] * (1 + len(PART_NAMES))
    counters = {name: _Counter() for name in (SERVICE, *PART_NAMES)}
    ordered = [counters[name] for name in (SERVICE, *PART_NAMES)]
    monitored: set[str] = set()
    days: list[tuple[dt.date, _Counter]] = []
    runs: list[list] = []  # [first index, last index + 1, down, unchecked, planned]
    day = dt.datetime.fromtimestamp(lo * 60, tz=LONDON).date()
    while (day_start := _index(_midnight(day))) < hi:
        day_end = _index(_midnight(day + dt.timedelta(days=1)))
        day_counter = _Counter()
        for i in range(max(day_start, lo), min(day_end, hi)):
            states = samples.get(i, missing)
            in_window = bool(planned[i - lo])
            for counter, state in zip(ordered, states, strict=True):
                counter.add(state, in_window)
            for name, state in zip(PART_NAMES, states[1:], strict=True):
                if state != _OFF:
                    monitored.add(name)
            service = states[0]
            day_counter.add(service, in_window)
            if service not in _AVAILABLE:
                down = service == _DOWN
                run = runs[-1] if runs else None
                if run is not None and run[1] == i and run[4] == in_window:
                    run[1] = i + 1
                    run[2 if down else 3] += 1
                else:
                    runs.append([i, i + 1, int(down), int(not down), in_window])
        days.append((day, day_counter))
        day += dt.timedelta(days=1)
    return _report(
        month, start, end, low, high, target, counters, monitored, days, runs, windows, incidents, end <= at
    )


def _overlapping(
    windows: Iterable[WindowRecord], start: dt.datetime, end: dt.datetime
) -> tuple[WindowRecord, ...]:
    return tuple(w for w in windows if w.starts_at < end and w.ends_at > start)


def _report(
    month: dt.date,
    start: dt.datetime,
    end: dt.datetime,
    low: dt.datetime | None,
    high: dt.datetime | None,
    target: float,
    counters: dict[str, _Counter],
    monitored: set[str],
    days: Sequence[tuple[dt.date, _Counter]],
    runs: Sequence[list],
    windows: tuple[WindowRecord, ...],
    incidents: tuple[IncidentRecord, ...],
    complete: bool,
) -> MonthReport:
    outages = []
    for first, last, down, unchecked, planned in runs:
        a, b = _at(first), _at(last)
        outages.append(
            Outage(
                starts_at=a,
                ends_at=b,
                down=down,
                unchecked=unchecked,
                planned=bool(planned),
                windows=_overlapping(windows, a, b),
                incidents=tuple(
                    r for r in incidents if r.declared_at < b and (r.resolved_at is None or r.resolved_at > a)
                ),
            )
        )
    return MonthReport(
        month=month.replace(day=1),
        starts_at=start,
        ends_at=end,
        counted_from=low,
        counted_to=high,
        target=target,
        service=_figures(SERVICE, "The service", True, counters[SERVICE].frozen(), target),
        parts=tuple(
            _figures(name, PART_LABELS[name], name in monitored, counters[name].frozen(), target)
            for name in PART_NAMES
        ),
        days=tuple(DayFigures(day, counter.frozen()) for day, counter in days),
        outages=tuple(outages),
        windows=windows,
        incidents=incidents,
        complete=complete,
    )
