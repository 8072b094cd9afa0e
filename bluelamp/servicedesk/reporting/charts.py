"""The dashboard's charts: tickets per week as stacked bars, with the desk's words and colours;
the geometry and the markup are shared (bluelamp/core/charts.py, includes/chart.html). The same
figures are always shown in a table next to the chart; the chart is the glance, the table is the
record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from bluelamp.core import charts
from bluelamp.core.charts import Chart

__all__ = ["PALETTE", "PRIORITY_COLOURS", "Chart", "short_week", "stacked_bar_chart"]

# GOV.UK Frontend colours, chosen to be told apart; series beyond these reuse them in order.
PALETTE = ["#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c", "#28a197", "#b58840", "#912b88", "#505a5f"]
PRIORITY_COLOURS = {"P1": "#d4351c", "P2": "#f47738", "P3": "#1d70b8", "P4": "#505a5f"}


def short_week(day: dt.date) -> str:
    return f"{day.day} {day:%b}"


def long_week(day: dt.date) -> str:
    return f"the week of {day.day} {day:%B %Y}"


def stacked_bar_chart(
    *,
    id: str,
    title: str,
    what: str,
    weeks: Sequence[dt.date],
    series: Mapping[str, Sequence[int]],
    colours: Mapping[str, str] | None = None,
) -> Chart:
    """Tickets logged each week as stacked bars, one segment per series; `what` names the series
    ("category"); `colours` fixes some series' colours, the rest take the palette's in order."""
    return charts.stacked_bars(
        id=id,
        title=title,
        slots=[charts.Slot(short_week(w), long_week(w)) for w in weeks],
        series=series,
        colours=charts.colours_for(series, PALETTE, colours),
        what="tickets logged",
        slots_name="weeks",
        stacked_by=what,
    )
