"""The audit log's CSV cannot carry a formula planted by anyone who names something (security
sweep item 6: a learner named an API token =HYPERLINK(...))."""

import csv
import io

from bluelamp.restapi.services import api_token_create

HYPERLINK = '=HYPERLINK("http://x","y")'


def test_a_token_named_as_a_formula_comes_out_escaped(signed_in, alice, bob):
    api_token_create(actor=bob, name=HYPERLINK, expires_in_days=30)
    response = signed_in(alice).get("/audit/?format=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    created = [row for row in rows if row[3] == "api_token.create"]
    assert created and created[0][4] == "'" + HYPERLINK
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
