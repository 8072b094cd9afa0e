"""Compliance's charts keep its words (months, "compliant") and colours, and its pages' _chart.html
draws them with the shared macro (the geometry is tested in bluelamp/core/tests/test_charts.py)."""

import datetime as dt

from django.template import engines

from bluelamp.compliance import charts


def test_the_forecast_stacks_months_by_kind_in_compliance_colours():
    chart = charts.stacked_bars(
        id="f",
        title="Falling due",
        months=[dt.date(2026, 3, 1), dt.date(2026, 4, 1)],
        series={"Recertifications": [2, 0], "First due": [0, 3]},
        what="people falling due",
    )
    assert [b.label for b in chart.bars] == ["March 2026, Recertifications: 2", "April 2026, First due: 3"]
    assert [x.text for x in chart.x_labels] == ["Mar 2026", "Apr 2026"]
    assert chart.legend == [("Recertifications", charts.PALETTE[0]), ("First due", charts.PALETTE[1])]
    assert chart.description.startswith(
        "Bars of people falling due in each of the 2 months from March 2026 to April 2026, stacked by kind"
    )


def test_the_trend_is_a_line_of_percent_compliant_and_says_when_no_month_has_anyone():
    months = [dt.date(2026, 1, 31), dt.date(2026, 2, 28)]
    chart = charts.percent_line(id="t", title="Trend", months=months, percents=[80, 92.5])
    assert [p.label for p in chart.points] == [
        "January 2026: 80% compliant",
        "February 2026: 92.5% compliant",
    ]
    assert chart.legend == [("% compliant", charts.PALETTE[0])]
    assert "from 80% in January 2026 to 92.5% in February 2026" in chart.description
    empty = charts.percent_line(id="t", title="Trend", months=months, percents=[None, None])
    assert empty.description == "No month ends with anyone to count."


def test_the_pages_draw_the_trend_with_the_shared_macro():
    months = [dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31)]
    chart = charts.percent_line(id="trend", title="Share compliant", months=months, percents=[80, None, 90])
    template = engines["jinja2"].from_string(
        '{% from "compliance/reports/_chart.html" import chart %}{{ chart(c) }}'
    )
    html = template.render({"c": chart})
    assert '<title id="trend-title">Share compliant</title>' in html and 'role="img"' in html
    assert html.count("<circle") == 2 and "<polyline" not in html  # a gap in February: no line
