"""The learner record's CSV cannot carry a formula in a title or provider the learner typed
(security sweep item 6)."""

import csv
import datetime as dt
import io

from bluelamp.learning.api import record_external

HYPERLINK = '=HYPERLINK("http://x","y")'


def test_external_record_named_as_a_formula_comes_out_escaped(signed_in, bob, alice):
    record_external(
        actor=bob, person=bob, title=HYPERLINK, provider="@provider", completed_on=dt.date(2025, 3, 15)
    )
    response = signed_in(alice).get(f"/learning/records/people/{bob.pk}/record.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][2] == "'" + HYPERLINK and rows[1][7] == "'@provider"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
