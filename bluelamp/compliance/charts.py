"""Charts for the compliance pages as server-side SVG: no JavaScript, no dependency.

The geometry is worked out here and drawn by one Jinja macro (compliance/reports/_chart.html), with
`role="img"`, a title and a description that says what the chart shows in words; the same figures
always follow in a table, which is the record (the chart is the glance). Two kinds: stacked bars
per month (the forecast) and a line of percentages per month end (the trend).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

# GOV.UK colours with at least 3:1 contrast against white (graphics, WCAG 1.4.11).
PALETTE = ("#1d70b8", "#912b88", "#00703c", "#4c2c92", "#d4351c", "#505a5f")

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 14, 40


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str


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
    lines: list[str] = field(default_factory=list)  # polyline "x,y x,y" runs (a gap where no figure)
    ticks: list[Tick] = field(default_factory=list)
    x_labels: list[XLabel] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (series, colour)


def short_month(day: dt.date) -> str:
    return f"{day:%b %Y}"


def long_month(day: dt.date) -> str:
    return f"{day:%B %Y}"


def _nice_ceiling(value: int) -> int:
    """A round axis maximum at or above `value`, divisible into 4 ticks."""
    if value <= 4:
        return 4
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        candidate = int(step * magnitude)
        if candidate >= value and candidate % 4 == 0:
            return candidate
    return int(math.ceil(value / 4) * 4)


def _plot() -> tuple[float, float]:
    return WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM


def _x_labels(labels: Sequence[str], slot: float) -> list[XLabel]:
    # Every label when they fit; else every other one (the table has them all).
    every = 1 if len(labels) <= 13 else 2
    return [
        XLabel(round(LEFT + (i + 0.5) * slot, 1), text) for i, text in enumerate(labels) if i % every == 0
    ]


def stacked_bars(
    *,
    id: str,
    title: str,
    months: Sequence[dt.date],
    series: dict[str, Sequence[int]],
    what: str,
) -> Chart:
    """Monthly totals as stacked bars, one segment per series; `what` names what is counted
    ("people falling due")."""
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(series)}
    totals = [sum(values[i] for values in series.values()) for i in range(len(months))]
    top = _nice_ceiling(max(totals, default=0))
    width, height = _plot()
    slot = width / max(len(months), 1)
    bars = []
    for i, month in enumerate(months):
        base: float = HEIGHT - BOTTOM
        for name, values in series.items():
            n = values[i]
            if not n:
                continue
            h = height * n / top
            base -= h
            bars.append(
                Rect(
                    x=round(LEFT + i * slot + slot * 0.15, 1),
                    y=round(base, 1),
                    width=round(slot * 0.7, 1),
                    height=round(h, 1),
                    colour=colours[name],
                    label=f"{long_month(month)}, {name}: {n:,}",
                )
            )
    ticks = [Tick(round(HEIGHT - BOTTOM - height * k / 4, 1), f"{top * k // 4:,}") for k in range(5)]
    if months:
        busiest = max(range(len(months)), key=lambda i: totals[i])
        parts = ", ".join(f"{name} {sum(values):,}" for name, values in series.items())
        description = (
            f"Bars of {what} in each of the {len(months)} months from {long_month(months[0])} to "
            f"{long_month(months[-1])}, stacked by kind ({parts}): {sum(totals):,} in all, most in "
            f"{long_month(months[busiest])} ({totals[busiest]:,}). The table that follows gives every figure."
        )
    else:
        description = "No months to show."
    return Chart(
        id=id,
        title=title,
        description=description,
        bars=bars,
        ticks=ticks,
        x_labels=_x_labels([short_month(m) for m in months], slot),
        legend=list(colours.items()),
    )


def percent_line(
    *, id: str, title: str, months: Sequence[dt.date], percents: Sequence[float | None]
) -> Chart:
    """A line of percentages (0 to 100) at each month end; no point where there is no figure."""
    width, height = _plot()
    slot = width / max(len(months), 1)
    points: list[Point] = []
    lines: list[str] = []
    run: list[str] = []
    for i, (month, percent) in enumerate(zip(months, percents, strict=True)):
        if percent is None:
            if len(run) > 1:
                lines.append(" ".join(run))
            run = []
            continue
        x = round(LEFT + (i + 0.5) * slot, 1)
        y = round(HEIGHT - BOTTOM - height * percent / 100, 1)
        points.append(Point(x, y, f"{long_month(month)}: {percent:g}% compliant"))
        run.append(f"{x},{y}")
    if len(run) > 1:
        lines.append(" ".join(run))
    ticks = [Tick(round(HEIGHT - BOTTOM - height * k / 4, 1), f"{25 * k}%") for k in range(5)]
    known = [(m, p) for m, p in zip(months, percents, strict=True) if p is not None]
    if known:
        (first, first_p), (last, last_p) = known[0], known[-1]
        description = (
            f"A line of the share compliant at each of {len(months)} month ends, from {first_p:g}% at the "
            f"end of {long_month(first)} to {last_p:g}% at the end of {long_month(last)}. "
            "The table that follows gives every figure."
        )
    else:
        description = "No month ends with anyone to count."
    return Chart(
        id=id,
        title=title,
        description=description,
        points=points,
        lines=lines,
        ticks=ticks,
        x_labels=_x_labels([short_month(m) for m in months], slot),
        legend=[("% compliant", PALETTE[0])],
    )
