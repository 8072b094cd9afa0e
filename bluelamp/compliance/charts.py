"""The compliance pages' charts: months as slots, its words and colours; the geometry and the
markup are shared (bluelamp/core/charts.py, includes/chart.html). Two kinds: stacked bars per
month (the forecast) and a line of percentages per month end (the trend). The same figures always
follow in a table, which is the record (the chart is the glance)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from bluelamp.core import charts
from bluelamp.core.charts import Chart

__all__ = ["PALETTE", "Chart", "long_month", "percent_line", "short_month", "stacked_bars"]

# GOV.UK colours with at least 3:1 contrast against white (graphics, WCAG 1.4.11).
PALETTE = ("#1d70b8", "#912b88", "#00703c", "#4c2c92", "#d4351c", "#505a5f")


def short_month(day: dt.date) -> str:
    return f"{day:%b %Y}"


def long_month(day: dt.date) -> str:
    return f"{day:%B %Y}"


def _slots(months: Sequence[dt.date]) -> list[charts.Slot]:
    return [charts.Slot(short_month(m), long_month(m)) for m in months]


def stacked_bars(
    *,
    id: str,
    title: str,
    months: Sequence[dt.date],
    series: Mapping[str, Sequence[int]],
    what: str,
) -> Chart:
    """Monthly totals as stacked bars, one segment per series; `what` names what is counted
    ("people falling due")."""
    return charts.stacked_bars(
        id=id,
        title=title,
        slots=_slots(months),
        series=series,
        colours=charts.colours_for(series, PALETTE),
        what=what,
        slots_name="months",
        stacked_by="kind",
    )


def percent_line(
    *, id: str, title: str, months: Sequence[dt.date], percents: Sequence[float | None]
) -> Chart:
    """A line of percentages (0 to 100) at each month end; no point where there is no figure."""
    return charts.line_chart(
        id=id,
        title=title,
        slots=_slots(months),
        values=percents,
        name="% compliant",
        colour=PALETTE[0],
        what="the share compliant",
        slots_name="month ends",
        value_format="{:g}%",
        point_format="{slot}: {value} compliant",
        nothing="No month ends with anyone to count.",
    )
