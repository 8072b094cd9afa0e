"""The admin-privileges CSV cannot carry a formula in a person's name (security sweep item 6)."""

import csv
import io

from django.urls import reverse

from conftest import make_person

HYPERLINK = '=HYPERLINK("http://x","y")'


def test_a_role_holder_named_as_a_formula_comes_out_escaped(signed_in, alice, kent):
    make_person(
        kent,
        "mallory@kent.police.uk",
        first=HYPERLINK,
        last="Smith",
        staff_number="K9",
        roles=["training_admin"],
    )
    response = signed_in(alice).get(reverse("organisations:roles") + "?format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    mallory = [row for row in rows if row[1] == "mallory@kent.police.uk"]
    assert mallory and mallory[0][0] == "'" + HYPERLINK + " Smith"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
