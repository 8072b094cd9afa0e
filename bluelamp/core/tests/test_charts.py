"""The shared chart geometry (bluelamp/core/charts.py) and its one macro (includes/chart.html):
round axis maxima, stacked bars that add up, a line that breaks where there is no figure, words a
screen reader reads out, and markup that needs nothing the CSP forbids. The domains' wrappers
(compliance's months, the service desk's weeks) are tested in their own test_charts.py."""

import re

import pytest
from django.template import engines

from bluelamp.core import charts
from bluelamp.core.charts import Slot

SLOTS = [Slot("Jan", "January 2026"), Slot("Feb", "February 2026"), Slot("Mar", "March 2026")]
COLOURS = {"Recertifications": "#1d70b8", "First due": "#912b88"}


@pytest.mark.parametrize(
    ("value", "ceiling"),
    [
        (0, 4),
        (3, 4),
        (4, 4),
        (5, 8),
        (9, 12),
        (10, 20),
        (17, 20),
        (80, 100),
        (99, 100),
        (101, 200),
        (1200, 2000),
    ],
)
def test_the_axis_maximum_is_round_at_or_above_the_value_and_splits_into_four(value, ceiling):
    assert charts.nice_ceiling(value) == ceiling
    assert ceiling >= value and ceiling % 4 == 0


def test_colours_come_from_the_palette_in_order_unless_a_series_has_its_own():
    assert charts.colours_for(["a", "b", "c"], ["#1", "#2"], {"b": "#9"}) == {"a": "#1", "b": "#9", "c": "#1"}


def bars_chart(series=None):
    return charts.stacked_bars(
        id="c",
        title="People falling due",
        slots=SLOTS,
        series=series or {"Recertifications": [2, 0, 5], "First due": [1, 0, 4]},
        colours=COLOURS,
        what="people falling due",
        slots_name="months",
        stacked_by="kind",
    )


def test_stacked_bars_stand_on_the_axis_one_segment_per_nonzero_figure():
    chart = bars_chart()
    # The busiest month (9) sets the axis at 12: ticks 0, 3, 6, 9, 12 from the axis up.
    assert [t.text for t in chart.ticks] == ["0", "3", "6", "9", "12"]
    assert chart.ticks[0].y == chart.plot_bottom and chart.ticks[-1].y == charts.TOP
    assert [b.label for b in chart.bars] == [
        "January 2026, Recertifications: 2",
        "January 2026, First due: 1",
        "March 2026, Recertifications: 5",
        "March 2026, First due: 4",
    ]
    january, march = chart.bars[:2], chart.bars[2:]
    assert january[0].y + january[0].height == chart.plot_bottom  # the first series on the axis
    assert january[1].y + january[1].height == pytest.approx(january[0].y, abs=0.2)  # the next on top
    assert sum(b.height for b in march) == pytest.approx(charts.PLOT_HEIGHT * 9 / 12, abs=0.2)
    assert [b.colour for b in march] == ["#1d70b8", "#912b88"]
    assert [x.text for x in chart.x_labels] == ["Jan", "Feb", "Mar"]
    assert chart.legend == list(COLOURS.items())
    assert chart.description == (
        "Bars of people falling due in each of the 3 months from January 2026 to March 2026, stacked by "
        "kind (Recertifications 7, First due 5): 12 in all, most in March 2026 (9). "
        "The table that follows gives every figure."
    )


def test_large_figures_carry_thousands_separators():
    chart = bars_chart({"Recertifications": [1200, 0, 0], "First due": [0, 0, 0]})
    assert chart.ticks[-1].text == "2,000"
    assert chart.bars[0].label == "January 2026, Recertifications: 1,200"


def test_no_slots_say_so():
    chart = charts.stacked_bars(
        id="c", title="T", slots=[], series={}, colours={}, what="x", slots_name="weeks", stacked_by="kind"
    )
    assert chart.bars == [] and chart.description == "No weeks to show."


def test_many_slots_label_every_other_one():
    slots = [Slot(f"s{i}", f"slot {i}") for i in range(24)]
    chart = charts.stacked_bars(
        id="c", title="T", slots=slots, series={"a": [1] * 24}, colours={"a": "#1"},
        what="x", slots_name="months", stacked_by="kind",
    )  # fmt: skip
    assert [x.text for x in chart.x_labels] == [f"s{i}" for i in range(0, 24, 2)]


def line(values, **words):
    return charts.line_chart(
        id="t",
        title="Share compliant",
        slots=[*SLOTS, Slot("Apr", "April 2026")],
        values=values,
        name="% compliant",
        colour="#1d70b8",
        what="the share compliant",
        slots_name="month ends",
        value_format="{:g}%",
        point_format="{slot}: {value} compliant",
        **words,
    )


def test_a_line_breaks_where_a_slot_has_no_figure_and_its_points_say_their_value():
    chart = line([50, 75, None, 100])
    assert [t.text for t in chart.ticks] == ["0%", "25%", "50%", "75%", "100%"]
    assert [p.label for p in chart.points] == [
        "January 2026: 50% compliant",
        "February 2026: 75% compliant",
        "April 2026: 100% compliant",
    ]
    # One run through January and February; April stands alone (a point, no line).
    assert len(chart.lines) == 1 and chart.lines[0].points.count(",") == 2
    assert chart.points[-1].y == charts.TOP and chart.points[0].y == pytest.approx(
        charts.TOP + charts.PLOT_HEIGHT / 2, abs=0.1
    )
    assert chart.description == (
        "A line of the share compliant at each of the 4 month ends, from 50% in January 2026 to 100% "
        "in April 2026. The table that follows gives every figure."
    )
    assert chart.legend == [("% compliant", "#1d70b8")]


def test_a_line_without_any_figure_says_what_the_domain_asks():
    assert line([None] * 4, nothing="No month ends with anyone to count.").description == (
        "No month ends with anyone to count."
    )
    assert line([None] * 4).points == []


def render(chart):
    return (
        engines["jinja2"]
        .from_string('{% from "includes/chart.html" import chart %}{{ chart(c) }}')
        .render({"c": chart})
    )


@pytest.mark.parametrize(
    "chart",
    [
        bars_chart(),
        line([50, 75, None, 100]),
    ],
    ids=["bars", "line"],
)
def test_the_macro_draws_an_image_with_its_title_and_description_and_no_inline_style(chart):
    html = render(chart)
    assert html.count('role="img"') == 1
    assert f'aria-labelledby="{chart.id}-title {chart.id}-desc"' in html
    assert f'<title id="{chart.id}-title">{chart.title}</title>' in html
    assert f'<desc id="{chart.id}-desc">{chart.description}</desc>' in html
    assert html.count("<rect x=") == len(chart.bars) and html.count("<circle") == len(chart.points)
    assert html.count("<polyline") == len(chart.lines)
    for name, colour in chart.legend:
        assert f'fill="{colour}"/></svg> {name}</span>' in html
    # The CSP allows no inline style or script: colours are SVG attributes.
    assert not re.search(r"style=|<script|\bon\w+=", html)
