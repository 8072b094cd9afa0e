"""Charts as server-side SVG: the geometry here, the markup in one Jinja macro (includes/chart.html).

Hand-built rather than pygal or matplotlib: a chart is a few dozen rectangles or a polyline, and
working out the geometry here and drawing it in a template keeps the SVG small, styled like the
rest of the page, free of inline styles and scripts (the CSP allows neither), and labelled the way
screen readers need: `role="img"` with a title and a description that says in words what the
chart shows. The page always follows a chart with the same figures in a table: the chart is the
glance, the table is the record.

Two kinds over a row of labelled slots (months, weeks): stacked bars (`stacked_bars`) and a line
(`line_chart`). A domain keeps its own words (what a slot is called, what is counted) and colours,
and passes them in; nothing here knows a domain.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

WIDTH, HEIGHT = 720, 300
# The left margin holds the axis figures ("1,000", "100%").
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 14, 40
PLOT_WIDTH, PLOT_HEIGHT = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
# Every slot's label below the axis while they fit; beyond this, every other one.
MOST_LABELS = 13


@dataclass(frozen=True)
class Slot:
    """One place along the axis: `short` is written under it ("Mar 2025", "3 Mar"), `long` names
    it in words for tooltips and the description ("March 2025", "the week of 3 March 2025")."""

    short: str
    long: str


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str  # "March 2025, First due: 4"


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    colour: str
    label: str  # "March 2025: 85% compliant"


@dataclass(frozen=True)
class Polyline:
    points: str  # "x,y x,y …": one unbroken run (a line has a gap where a slot has no figure)
    colour: str


@dataclass(frozen=True)
class Tick:
    y: float
    text: str


@dataclass(frozen=True)
class XLabel:
    x: float
    text: str


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_bottom: int = HEIGHT - BOTTOM
    bars: list[Rect] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    lines: list[Polyline] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    x_labels: list[XLabel] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (series, colour)


def nice_ceiling(value: float) -> int:
    """A round axis maximum at or above `value` (1, 2, 2.5, 5 × 10ⁿ), divisible into 4 ticks."""
    if value <= 4:
        return 4
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        candidate = int(step * magnitude)
        if candidate >= value and candidate % 4 == 0:
            return candidate
    return int(math.ceil(value / 4) * 4)


def colours_for(
    names: Iterable[str], palette: Sequence[str], fixed: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Each series' colour: its own in `fixed`, else the palette's in order (reused when it runs out)."""
    fixed = fixed or {}
    return {name: fixed.get(name, palette[i % len(palette)]) for i, name in enumerate(names)}


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _slot_width(slots: Sequence[Slot]) -> float:
    return PLOT_WIDTH / max(len(slots), 1)


def _centre(i: int, slot: float) -> float:
    return round(LEFT + (i + 0.5) * slot, 1)


def _y(value: float, top: float) -> float:
    return round(HEIGHT - BOTTOM - PLOT_HEIGHT * value / top, 1)


def _ticks(top: float, text: str) -> list[Tick]:
    """Five gridlines from 0 to `top`; `text` formats each value ("{:,}", "{:g}%")."""
    ticks = []
    for k in range(5):
        value = top * k / 4
        ticks.append(Tick(_y(value, top), text.format(int(value) if value == int(value) else value)))
    return ticks


def _x_labels(slots: Sequence[Slot], slot: float) -> list[XLabel]:
    every = 1 if len(slots) <= MOST_LABELS else 2  # the table has them all
    return [XLabel(_centre(i, slot), s.short) for i, s in enumerate(slots) if i % every == 0]


def stacked_bars(
    *,
    id: str,
    title: str,
    slots: Sequence[Slot],
    series: Mapping[str, Sequence[int]],
    colours: Mapping[str, str],
    what: str,
    slots_name: str,
    stacked_by: str,
) -> Chart:
    """A bar per slot, stacked one segment per series (in the order of `series`, from the axis up).

    The description is written from the words passed in: `what` is counted ("people falling due"),
    `slots_name` names the slots in the plural ("months"), `stacked_by` names what the series are
    ("kind", "category")."""
    totals = [sum(values[i] for values in series.values()) for i in range(len(slots))]
    top = nice_ceiling(max(totals, default=0))
    slot = _slot_width(slots)
    bars = []
    for i, place in enumerate(slots):
        base: float = HEIGHT - BOTTOM
        for name, values in series.items():
            n = values[i]
            if not n:
                continue
            height = PLOT_HEIGHT * n / top
            base -= height
            bars.append(
                Rect(
                    x=round(LEFT + i * slot + slot * 0.15, 1),
                    y=round(base, 1),
                    width=round(slot * 0.7, 1),
                    height=round(height, 1),
                    colour=colours[name],
                    label=f"{_capital(place.long)}, {name}: {n:,}",
                )
            )
    if slots:
        busiest = max(range(len(slots)), key=lambda i: totals[i])
        parts = ", ".join(f"{name} {sum(values):,}" for name, values in series.items())
        description = (
            f"Bars of {what} in each of the {len(slots)} {slots_name} from {slots[0].long} to "
            f"{slots[-1].long}, stacked by {stacked_by} ({parts}): {sum(totals):,} in all, most in "
            f"{slots[busiest].long} ({totals[busiest]:,}). The table that follows gives every figure."
        )
    else:
        description = f"No {slots_name} to show."
    return Chart(
        id=id,
        title=title,
        description=description,
        bars=bars,
        ticks=_ticks(top, "{:,}"),
        x_labels=_x_labels(slots, slot),
        legend=[(name, colours[name]) for name in series],
    )


def line_chart(
    *,
    id: str,
    title: str,
    slots: Sequence[Slot],
    values: Sequence[float | None],
    name: str,
    colour: str,
    what: str,
    slots_name: str,
    top: float = 100,
    value_format: str = "{:g}",
    point_format: str = "{slot}: {value}",
    nothing: str = "",
) -> Chart:
    """A line through each slot's value on an axis from 0 to `top`; no point where a value is None
    (the line breaks there). `name` is the series in the key; `value_format` writes a value on the
    axis and in the description ("{:g}%"), `point_format` a point's tooltip ("{slot}: {value}
    compliant"); `nothing` is the description when no slot has a figure."""
    slot = _slot_width(slots)
    points: list[Point] = []
    lines: list[Polyline] = []
    run: list[str] = []
    for i, (place, value) in enumerate(zip(slots, values, strict=True)):
        if value is None:
            if len(run) > 1:
                lines.append(Polyline(" ".join(run), colour))
            run = []
            continue
        x, y = _centre(i, slot), _y(value, top)
        label = point_format.format(slot=_capital(place.long), value=value_format.format(value))
        points.append(Point(x, y, colour, label))
        run.append(f"{x},{y}")
    if len(run) > 1:
        lines.append(Polyline(" ".join(run), colour))
    known = [(s, v) for s, v in zip(slots, values, strict=True) if v is not None]
    if known:
        (first, first_value), (last, last_value) = known[0], known[-1]
        description = (
            f"A line of {what} at each of the {len(slots)} {slots_name}, from "
            f"{value_format.format(first_value)} in {first.long} to {value_format.format(last_value)} "
            f"in {last.long}. The table that follows gives every figure."
        )
    else:
        description = nothing or f"No figures in any of the {slots_name}."
    return Chart(
        id=id,
        title=title,
        description=description,
        points=points,
        lines=lines,
        ticks=_ticks(top, value_format),
        x_labels=_x_labels(slots, slot),
        legend=[(name, colour)],
    )
