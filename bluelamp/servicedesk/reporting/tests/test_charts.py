"""The dashboard's charts keep the desk's words (weeks, tickets) and colours (priorities have their
own), and its _chart.html draws them with the shared macro (the geometry is tested in
bluelamp/core/tests/test_charts.py)."""

import datetime as dt

from django.template import engines

from bluelamp.servicedesk.reporting import charts


def test_weeks_of_tickets_stack_by_priority_in_the_priorities_colours():
    chart = charts.stacked_bar_chart(
        id="d",
        title="Tickets logged per week by priority",
        what="priority",
        weeks=[dt.date(2026, 3, 2), dt.date(2026, 3, 9)],
        series={"P1": [2, 0], "P9": [1, 4]},
        colours=charts.PRIORITY_COLOURS,
    )
    assert [b.label for b in chart.bars] == [
        "The week of 2 March 2026, P1: 2",
        "The week of 2 March 2026, P9: 1",
        "The week of 9 March 2026, P9: 4",
    ]
    # P1 has its own colour; a series without one takes the palette's by its place.
    assert chart.legend == [("P1", "#d4351c"), ("P9", charts.PALETTE[1])]
    assert [x.text for x in chart.x_labels] == ["2 Mar", "9 Mar"]
    assert chart.description == (
        "Bars of tickets logged in each of the 2 weeks from the week of 2 March 2026 to the week of "
        "9 March 2026, stacked by priority (P1 2, P9 5): 7 in all, most in the week of 9 March 2026 (4). "
        "The table that follows gives every figure."
    )
    html = (
        engines["jinja2"]
        .from_string('{% from "servicedesk/reporting/_chart.html" import chart %}{{ chart(c) }}')
        .render({"c": chart})
    )
    assert 'role="img"' in html and '<title id="d-title">Tickets logged per week by priority</title>' in html
    assert html.count("<rect x=") == 3
