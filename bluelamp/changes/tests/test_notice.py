"""Release notice periods: the earliest day a release may go live, and `bluelamp release-earliest`.

Days worked out by hand from the England & Wales calendar (Christmas 2026 is a Friday, Boxing Day
a Saturday with its substitute on Monday 28 December, New Year's Day 2027 a Friday; Good Friday
2027 is 26 March, Easter Monday 29 March).
"""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from bluelamp.changes.notice import ReleaseType, earliest_release_day, rule_for
from bluelamp.workingtime.api import extra_closure_create, forget_calendars
from conftest import make_person

D = dt.date


@pytest.mark.parametrize(
    "release_type, notice_on, expected",
    [
        ("minor", D(2027, 1, 4), D(2027, 1, 11)),  # Monday: five working days, the Monday after
        ("minor", D(2026, 12, 23), D(2027, 1, 4)),  # over Christmas and New Year
        ("significant", D(2027, 1, 4), D(2027, 1, 25)),
        ("major", D(2027, 1, 4), D(2027, 2, 15)),
        ("major", D(2027, 1, 9), D(2027, 2, 19)),  # a Saturday's notice counts from Monday
        ("infrastructure", D(2026, 12, 15), D(2027, 3, 15)),
        ("infrastructure", D(2026, 11, 30), D(2027, 3, 1)),  # 28 Feb 2027 is a Sunday: Monday 1 March
        ("training_programme", D(2026, 12, 26), D(2027, 3, 30)),  # Good Friday and Easter Monday
        ("infrastructure", D(2027, 5, 31), D(2027, 8, 31)),  # 30 Aug 2027 is the bank holiday
    ],
)
@pytest.mark.django_db
def test_earliest_release_day(release_type, notice_on, expected):
    assert earliest_release_day(release_type, notice_on) == expected


def _close(national, day: dt.date) -> None:
    lead = make_person(national, "lead@national.example", roles=["it_service_manager"])
    extra_closure_create(actor=lead, date=day, reason="Office move")
    forget_calendars()


@pytest.mark.django_db
def test_extra_closures_from_the_database_count(national):
    _close(national, D(2027, 1, 6))
    assert earliest_release_day("minor", D(2027, 1, 4)) == D(2027, 1, 12)


def test_every_kind_of_release_has_a_rule():
    for value in ReleaseType.values:
        assert rule_for(value).period
    assert rule_for("major").contact_centre_impact.startswith("May receive large numbers of calls")
    with pytest.raises(ValueError, match="not a kind of release"):
        rule_for("huge")


def _run(*args) -> str:
    out = io.StringIO()
    call_command("release-earliest", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_command_prints_the_earliest_day():
    assert _run("--type", "major", "--notice-on", "2027-01-04") == "earliest: 2027-02-15\n"
    assert _run("--type", "minor", "--notice-on", "2026-12-23") == "earliest: 2027-01-04\n"
    assert _run("--type", "infrastructure", "--notice-on", "2026-11-30") == "earliest: 2027-03-01\n"
    assert _run("--type", "training-programme", "--notice-on", "2026-12-26") == "earliest: 2027-03-30\n"


@pytest.mark.django_db
def test_the_command_counts_extra_closures_from_the_database(national):
    _close(national, D(2027, 1, 6))
    assert _run("--type", "minor", "--notice-on", "2027-01-04") == "earliest: 2027-01-12\n"


@pytest.mark.django_db
def test_the_command_says_what_is_wrong():
    with pytest.raises(CommandError, match="not a date.*YYYY-MM-DD"):
        _run("--type", "minor", "--notice-on", "4 January")
    with pytest.raises(CommandError, match="outside the years"):
        _run("--type", "minor", "--notice-on", "1901-01-04")
    with pytest.raises(CommandError, match="invalid choice"):
        _run("--type", "huge", "--notice-on", "2027-01-04")
