"""`bluelamp compliance-report --org SLUG [--as-of DAY] [--requirement CODE]`: the header, one row
per active person per requirement that applies to them, statuses on the day asked (looking ahead
flips them), the filter, and clear refusals. Dates are fixed: every run passes --as-of."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from bluelamp.compliance.tests.helpers import complete_course, make_requirement
from bluelamp.learning.tests.courses import publish_course
from bluelamp.organisations.api import units_ensure_paths
from bluelamp.people.api import person_update
from conftest import make_person

pytestmark = pytest.mark.django_db

HEADER = "staff_number,requirement,status,due_date,expires"


def report(*args) -> str:
    out = io.StringIO()
    call_command("compliance-report", *args, stdout=out)
    return out.getvalue()


def rows(text: str) -> list[tuple[str, ...]]:
    return [tuple(row) for row in csv.reader(io.StringIO(text))][1:]


@pytest.fixture
def force(kent, alice, bob, essex, charlie):
    """Kent: Alice (K1), Bob (K2, first aid done in June 2025), Carol (K3, West), Dave (K4, East),
    Eve (K5, a leaver); Essex's Charlie. First aid applies to all of Kent; EAST to East Division."""
    units = units_ensure_paths(actor=None, organisation=kent, paths=["East Division", "West Division"])
    make_person(kent, "carol@kent.police.uk", staff_number="K3", unit=units["west division"])
    make_person(kent, "dave@kent.police.uk", staff_number="K4", unit=units["east division"])
    eve = make_person(kent, "eve@kent.police.uk", staff_number="K5")
    first_aid = publish_course(kent, alice, "FA-101")
    complete_course(bob, first_aid, at=dt.datetime(2025, 6, 10, 9, 0, tzinfo=dt.UTC))
    # Made on 2 March 2026 (helpers.AT): never-completed people are first due 90 days later.
    make_requirement(kent, "FA", [first_aid], validity_months=12, window_days=30, first_due_days=90)
    make_requirement(
        kent,
        "EAST",
        [first_aid],
        audience={"units": [units["east division"].pk]},
        first_due_kind="date",
        first_due_date=dt.date(2026, 4, 15),
    )
    make_requirement(essex, "ESSEX-FA", [publish_course(essex, charlie, "E-FA")])
    person_update(actor=alice, person=eve, status="leaver")


def test_header_and_one_row_per_active_person_per_requirement_that_applies(force):
    text = report("--org", "kent", "--as-of", "2026-03-10")
    assert text.splitlines()[0] == HEADER
    assert rows(text) == [
        ("K1", "FA", "assigned", "2026-05-31", ""),
        ("K2", "FA", "compliant", "2026-06-10", "2026-06-10"),
        ("K3", "FA", "assigned", "2026-05-31", ""),  # West: not in EAST's audience
        ("K4", "EAST", "assigned", "2026-04-15", ""),
        ("K4", "FA", "assigned", "2026-05-31", ""),
    ]  # Eve (K5) has left; Essex's people are not Kent's


def test_looking_ahead_flips_statuses(force):
    assert rows(report("--org", "kent", "--as-of", "2026-05-20")) == [
        ("K1", "FA", "due", "2026-05-31", ""),
        ("K2", "FA", "due", "2026-06-10", "2026-06-10"),
        ("K3", "FA", "due", "2026-05-31", ""),
        ("K4", "EAST", "overdue", "2026-04-15", ""),
        ("K4", "FA", "due", "2026-05-31", ""),
    ]
    ahead = rows(report("--org", "kent", "--as-of", "2026-06-11"))
    assert {row[0]: row[2] for row in ahead if row[1] == "FA"} == {
        "K1": "overdue",
        "K2": "overdue",  # lapsed the day after its expiry
        "K3": "overdue",
        "K4": "overdue",
    }


def test_one_requirement(force):
    text = report("--org", "kent", "--as-of", "2026-03-10", "--requirement", "east")
    assert text.splitlines()[0] == HEADER
    assert rows(text) == [("K4", "EAST", "assigned", "2026-04-15", "")]


def test_an_organisations_report_holds_only_its_own_people(force):
    assert rows(report("--org", "essex", "--as-of", "2026-03-10")) == [
        ("E1", "ESSEX-FA", "overdue", "2026-03-02", "")
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "atlantis"], "No organisation with slug “atlantis”"),
        (
            ["--org", "kent", "--as-of", "31/03/2026"],
            "--as-of “31/03/2026” is not a date: give it as YYYY-MM-DD",
        ),
        (["--org", "kent", "--as-of", "2026-02-30"], "is not a date"),
        (
            ["--org", "kent", "--as-of", "2026-03-10", "--requirement", "NOPE"],
            "No requirement “NOPE” of Kent Police or of the national body. Codes: EAST, FA.",
        ),
        # Another force's requirement is not Kent's to report on.
        (
            ["--org", "kent", "--as-of", "2026-03-10", "--requirement", "ESSEX-FA"],
            "No requirement “ESSEX-FA”",
        ),
    ],
)
def test_refusals_say_what_was_wrong(force, args, message):
    with pytest.raises(CommandError) as refused:
        report(*args)
    assert message in str(refused.value)
