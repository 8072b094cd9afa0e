"""Stacked bar charts as server-side SVG (no JavaScript, no dependency).

Hand-built rather than pygal or matplotlib: the chart is a few dozen rectangles, and building the
geometry here and the markup in a Jinja template keeps the SVG small, styled like the rest of
the page, and labelled the way screen readers need (`role="img"` with a title and description).
The same figures are always shown in a table next to the chart; the chart is the glance, the
table is the record.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

# GOV.UK Frontend colours, chosen to be told apart; series beyond these reuse them in order.
PALETTE = ["#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c", "#28a197", "#b58840", "#912b88", "#505a5f"]
PRIORITY_COLOURS = {"P1": "#d4351c", "P2": "#f47738", "P3": "#1d70b8", "P4": "#505a5f"}

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 40


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str  # "Week of 3 Mar 2025, Signing in: 4"


@dataclass(frozen=True)
class Tick:
    y: float
    value: int


@dataclass(frozen=True)
class WeekLabel:
    x: float
    text: str


@dataclass(frozen=True)
class StackedBarChart:
    id: str
    title: str
    description: str
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_bottom: int
    bars: list[Bar]
    ticks: list[Tick]
    week_labels: list[WeekLabel]
    legend: list[tuple[str, str]]  # (series, colour)


def _nice_ceiling(value: int) -> int:
    """A round axis maximum at or above `value` (1, 2, 5 × 10ⁿ, divisible into 4 ticks)."""
    if value <= 4:
        return 4
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        candidate = int(step * magnitude)
        if candidate >= value and candidate % 4 == 0:
            return candidate
    return int(math.ceil(value / 4) * 4)


def short_week(day: dt.date) -> str:
    return f"{day.day} {day:%b}"


def stacked_bar_chart(
    *,
    id: str,
    title: str,
    what: str,
    weeks: list[dt.date],
    series: dict[str, list[int]],
    colours: dict[str, str] | None = None,
) -> StackedBarChart:
    """Weekly totals as stacked bars, one segment per series. `what` names the series ("category")."""
    colours = dict(colours or {})
    for i, name in enumerate(series):
        colours.setdefault(name, PALETTE[i % len(PALETTE)])
    totals = [sum(values[i] for values in series.values()) for i in range(len(weeks))]
    top = _nice_ceiling(max(totals, default=0))
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    slot = plot_width / max(len(weeks), 1)
    bars = []
    for i, week in enumerate(weeks):
        base: float = HEIGHT - BOTTOM
        for name, values in series.items():
            n = values[i]
            if not n:
                continue
            h = plot_height * n / top
            base -= h
            bars.append(
                Bar(
                    x=round(LEFT + i * slot + slot * 0.15, 1),
                    y=round(base, 1),
                    width=round(slot * 0.7, 1),
                    height=round(h, 1),
                    colour=colours[name],
                    label=f"Week of {week.day} {week:%B %Y}, {name}: {n}",
                )
            )
    ticks = [Tick(y=round(HEIGHT - BOTTOM - plot_height * k / 4, 1), value=top * k // 4) for k in range(5)]
    labels = [WeekLabel(x=round(LEFT + (i + 0.5) * slot, 1), text=short_week(w)) for i, w in enumerate(weeks)]
    if weeks:
        busiest = max(range(len(weeks)), key=lambda i: totals[i])
        description = (
            f"Stacked bars of tickets logged each week by {what}, for the {len(weeks)} weeks from "
            f"{weeks[0].day} {weeks[0]:%B %Y} to the week of {weeks[-1].day} {weeks[-1]:%B %Y}: "
            f"{sum(totals)} tickets in all, most in the week of {weeks[busiest].day} "
            f"{weeks[busiest]:%B %Y} ({totals[busiest]}). The table that follows gives every figure."
        )
    else:
        description = "No weeks to show."
    return StackedBarChart(
        id=id,
        title=title,
        description=description,
        width=WIDTH,
        height=HEIGHT,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_bottom=HEIGHT - BOTTOM,
        bars=bars,
        ticks=ticks,
        week_labels=labels,
        legend=[(name, colours[name]) for name in series],
    )
