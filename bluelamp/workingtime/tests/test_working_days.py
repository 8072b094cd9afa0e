"""Counting in working days and calendar months: the notice periods of releases.

Every expected day was worked out by hand from the England & Wales calendar: Christmas 2026 is a
Friday and Boxing Day a Saturday (its substitute Monday 28 December); 1 January 2027 is a Friday;
Good Friday 2027 is 26 March and Easter Monday 29 March. No database is needed.
"""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bluelamp.workingtime.api import Calendar, add_calendar_months

D = dt.date
ENGLAND = Calendar()


@pytest.mark.parametrize(
    "day, count, expected, why",
    [
        (D(2027, 1, 4), 1, D(2027, 1, 5), "Monday: the next day"),
        (D(2027, 1, 8), 1, D(2027, 1, 11), "Friday: the weekend does not count"),
        (D(2027, 1, 9), 1, D(2027, 1, 11), "Saturday: the notice day never counts"),
        (D(2027, 1, 4), 5, D(2027, 1, 11), "a week of working days"),
        (D(2026, 12, 23), 5, D(2027, 1, 4), "Christmas, Boxing Day (28th) and New Year skipped"),
        (D(2027, 1, 4), 30, D(2027, 2, 15), "six weeks"),
        (D(2027, 3, 25), 1, D(2027, 3, 30), "Good Friday and Easter Monday skipped"),
    ],
)
def test_working_days_after(day, count, expected, why):
    assert ENGLAND.working_days_after(day, count) == expected, why
    assert ENGLAND.working_days_between(day, expected) == count
    assert ENGLAND.working_days_between(day, expected - dt.timedelta(days=1)) == count - 1


def test_extra_closures_are_not_working_days():
    closed = Calendar(extra_closures={D(2027, 1, 5)})
    assert closed.working_days_after(D(2027, 1, 4), 1) == D(2027, 1, 6)
    assert closed.working_day_on_or_after(D(2027, 1, 5)) == D(2027, 1, 6)


def test_working_day_on_or_after():
    assert ENGLAND.working_day_on_or_after(D(2027, 1, 4)) == D(2027, 1, 4)
    assert ENGLAND.working_day_on_or_after(D(2027, 3, 26)) == D(2027, 3, 30)
    assert ENGLAND.working_day_on_or_after(D(2026, 12, 25)) == D(2026, 12, 29)


def test_a_count_below_one_is_refused():
    with pytest.raises(ValueError, match="from 1"):
        ENGLAND.working_days_after(D(2027, 1, 4), 0)


def test_days_outside_the_calendar_years_are_refused():
    with pytest.raises(ValueError, match="outside the years"):
        ENGLAND.working_days_after(D(1960, 1, 4), 1)


def test_between_is_zero_when_the_end_is_not_after_the_start():
    assert ENGLAND.working_days_between(D(2027, 1, 4), D(2027, 1, 4)) == 0
    assert ENGLAND.working_days_between(D(2027, 1, 4), D(2027, 1, 1)) == 0


@pytest.mark.parametrize(
    "day, months, expected",
    [
        (D(2026, 12, 15), 3, D(2027, 3, 15)),
        (D(2026, 5, 31), 3, D(2026, 8, 31)),
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
        (D(2027, 11, 30), 3, D(2028, 2, 29)),  # a leap year
        (D(2027, 1, 31), 1, D(2027, 2, 28)),
        (D(2027, 10, 31), 3, D(2028, 1, 31)),  # across the year
        (D(2027, 3, 31), -1, D(2027, 2, 28)),
    ],
)
def test_add_calendar_months(day, months, expected):
    assert add_calendar_months(day, months) == expected


@given(
    day=st.dates(min_value=D(1990, 1, 1), max_value=D(2150, 12, 31)),
    count=st.integers(min_value=1, max_value=40),
)
def test_the_nth_working_day_after_is_a_working_day_with_n_between(day, count):
    found = ENGLAND.working_days_after(day, count)
    assert ENGLAND.is_working_day(found)
    assert ENGLAND.working_days_between(day, found) == count
