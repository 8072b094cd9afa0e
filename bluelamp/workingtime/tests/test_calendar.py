"""Working time: bank holidays (substitutes, one-offs, Easter), hours, clock changes, pauses.

Every expected time here was worked out by hand from the calendar, not by the code under test.
These tests use a `Calendar` without extra closures and need no database.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bluelamp.workingtime.api import (
    WORKING_DAY,
    Calendar,
    NaiveDatetimeError,
    add_working_time,
    due_with_pauses,
    is_working_day,
    is_working_time,
    next_opening,
    working_time_between,
)
from conftest import LONDON, london

H = dt.timedelta(hours=1)
UTC = dt.UTC


def local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(LONDON)


# --- which days are working days --------------------------------------------------------------


@pytest.mark.parametrize(
    "day, why",
    [
        # Substitute days: Christmas and Boxing Day on a weekend move to Monday and Tuesday.
        (dt.date(2020, 12, 28), "Boxing Day (Saturday) substitute"),
        (dt.date(2021, 12, 27), "Christmas Day (Saturday) substitute"),
        (dt.date(2021, 12, 28), "Boxing Day (Sunday) substitute"),
        (dt.date(2022, 1, 3), "New Year's Day (Saturday) substitute"),
        (dt.date(2022, 12, 26), "Boxing Day"),
        (dt.date(2022, 12, 27), "Christmas Day (Sunday) substitute"),
        (dt.date(2023, 1, 2), "New Year's Day (Sunday) substitute"),
        (dt.date(2026, 12, 28), "Boxing Day (Saturday) substitute"),
        (dt.date(2027, 12, 27), "Christmas Day (Saturday) substitute"),
        (dt.date(2027, 12, 28), "Boxing Day (Sunday) substitute"),
        # One-offs.
        (dt.date(2020, 5, 8), "VE Day 75: the early May bank holiday moved to a Friday"),
        (dt.date(2022, 6, 2), "Spring bank holiday moved for the Platinum Jubilee"),
        (dt.date(2022, 6, 3), "Platinum Jubilee"),
        (dt.date(2022, 9, 19), "State funeral of Queen Elizabeth II"),
        (dt.date(2023, 5, 8), "Coronation of King Charles III"),
        # Easter, which moves every year.
        (dt.date(2024, 3, 29), "Good Friday 2024"),
        (dt.date(2024, 4, 1), "Easter Monday 2024"),
        (dt.date(2025, 4, 18), "Good Friday 2025"),
        (dt.date(2025, 4, 21), "Easter Monday 2025"),
        (dt.date(2026, 4, 3), "Good Friday 2026"),
        (dt.date(2026, 4, 6), "Easter Monday 2026"),
        # The fixed pattern.
        (dt.date(2025, 1, 1), "New Year's Day"),
        (dt.date(2025, 5, 5), "Early May bank holiday"),
        (dt.date(2025, 5, 26), "Spring bank holiday"),
        (dt.date(2025, 8, 25), "Summer bank holiday (England, not Scotland's)"),
        (dt.date(2025, 12, 25), "Christmas Day"),
        (dt.date(2025, 12, 26), "Boxing Day"),
        # Weekends.
        (dt.date(2025, 8, 23), "Saturday"),
        (dt.date(2025, 8, 24), "Sunday"),
    ],
)
def test_closed_days(calendar, day, why):
    assert not calendar.is_working_day(day), why
    assert not calendar.is_working_time(london(day.year, day.month, day.day, 12)), why


@pytest.mark.parametrize(
    "day, why",
    [
        (dt.date(2020, 5, 4), "first Monday of May 2020: its bank holiday moved to Friday 8 May"),
        (dt.date(2022, 5, 30), "last Monday of May 2022: the spring bank holiday moved to 2 June"),
        (dt.date(2021, 12, 29), "after the 2021 substitute days"),
        (dt.date(2023, 1, 3), "after the 2023 New Year substitute"),
        (dt.date(2025, 1, 2), "a Scottish bank holiday only"),
        (dt.date(2025, 8, 4), "the Scottish summer bank holiday only"),
        (dt.date(2026, 3, 17), "St Patrick's Day: Northern Ireland only"),
        (dt.date(2026, 11, 30), "St Andrew's Day: Scotland only"),
        (dt.date(2025, 12, 24), "Christmas Eve is a working day"),
        (dt.date(2025, 12, 29), "Monday after a Thursday/Friday Christmas"),
        (dt.date(2026, 12, 29), "Tuesday after the 2026 Boxing Day substitute"),
        (dt.date(2023, 5, 9), "the day after the coronation"),
    ],
)
def test_open_days(calendar, day, why):
    assert calendar.is_working_day(day), why
    assert calendar.is_working_time(london(day.year, day.month, day.day, 12)), why


def test_bank_holiday_names_come_from_the_england_and_wales_calendar(calendar):
    assert "Funeral" in calendar.bank_holiday_name(dt.date(2022, 9, 19))
    assert "Coronation" in calendar.bank_holiday_name(dt.date(2023, 5, 8))
    assert calendar.bank_holiday_name(dt.date(2021, 12, 28)) == "Boxing Day (observed)"
    assert calendar.bank_holiday_name(dt.date(2025, 1, 2)) is None  # Scotland only


def test_every_england_and_wales_bank_holiday_2012_to_2028_is_closed(calendar):
    """All 140 of them (the field notes counted them against GOV.UK's list)."""
    source = holidays.country_holidays("GB", subdiv="ENG", years=range(2012, 2029))
    weekdays = [day for day in source if day.weekday() < 5]
    assert len(weekdays) == 140
    assert not any(calendar.is_working_day(day) for day in weekdays)


def test_extra_closures_are_closed_days():
    closed = dt.date(2026, 6, 15)  # a Monday
    calendar = Calendar(extra_closures={closed})
    assert not calendar.is_working_day(closed)
    assert Calendar().is_working_day(closed)
    # Friday 16:30 + 1 working hour: 30 minutes on Friday, then Tuesday (Monday is closed).
    assert local(calendar.add(london(2026, 6, 12, 16, 30), H)) == london(2026, 6, 16, 8, 30)
    assert calendar.between(london(2026, 6, 12, 8), london(2026, 6, 19, 8)) == 4 * WORKING_DAY


# --- hours --------------------------------------------------------------------------------------


def test_working_time_is_from_eight_to_five_with_five_closed(calendar):
    assert not calendar.is_working_time(london(2026, 6, 10, 7, 59, 59, 999999))
    assert calendar.is_working_time(london(2026, 6, 10, 8))
    assert calendar.is_working_time(london(2026, 6, 10, 16, 59, 59, 999999))
    assert not calendar.is_working_time(london(2026, 6, 10, 17))
    assert not calendar.is_working_time(london(2026, 6, 10, 23))


def test_hours_are_london_hours_whatever_the_time_zone_given(calendar):
    # In summer (BST, UTC+1) the desk opens at 07:00 UTC; in winter (GMT) at 08:00 UTC.
    assert calendar.is_working_time(dt.datetime(2026, 6, 10, 7, 0, tzinfo=UTC))
    assert not calendar.is_working_time(dt.datetime(2026, 6, 10, 16, 0, tzinfo=UTC))
    assert not calendar.is_working_time(dt.datetime(2026, 1, 14, 7, 30, tzinfo=UTC))
    assert calendar.is_working_time(dt.datetime(2026, 1, 14, 16, 30, tzinfo=UTC))
    new_york = ZoneInfo("America/New_York")
    # 03:00 in New York is 08:00 in London (both on standard time in January).
    assert calendar.is_working_time(dt.datetime(2026, 1, 14, 3, 0, tzinfo=new_york))
    assert calendar.add(dt.datetime(2026, 1, 14, 3, 0, tzinfo=new_york), H) == london(2026, 1, 14, 9)


@pytest.mark.parametrize(
    "when, opening",
    [
        (london(2026, 6, 10, 10, 15), london(2026, 6, 10, 10, 15)),  # open: the instant itself
        (london(2026, 6, 10, 8), london(2026, 6, 10, 8)),
        (london(2026, 6, 10, 6, 45), london(2026, 6, 10, 8)),  # early morning
        (london(2026, 6, 10, 17), london(2026, 6, 11, 8)),  # closing time
        (london(2026, 6, 10, 21, 30), london(2026, 6, 11, 8)),  # evening
        (london(2026, 6, 12, 17, 30), london(2026, 6, 15, 8)),  # Friday evening
        (london(2026, 6, 13, 11), london(2026, 6, 15, 8)),  # Saturday
        (london(2026, 6, 14, 23, 59), london(2026, 6, 15, 8)),  # Sunday night
        (london(2026, 4, 2, 18), london(2026, 4, 7, 8)),  # before Easter: Good Friday, Easter Monday
        (london(2026, 12, 24, 17, 30), london(2026, 12, 29, 8)),  # Christmas, Boxing Day substitute
        (london(2025, 8, 25, 9), london(2025, 8, 26, 8)),  # on a bank holiday
        (london(2022, 9, 16, 17), london(2022, 9, 20, 8)),  # before the state funeral
        (london(2023, 5, 5, 17), london(2023, 5, 9, 8)),  # before the coronation
    ],
)
def test_next_opening(calendar, when, opening):
    assert calendar.next_opening(when) == opening


# --- adding working time ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, hours, due",
    [
        (london(2026, 6, 8, 9), 2, london(2026, 6, 8, 11)),  # within a day
        (london(2026, 6, 8, 16, 30), 1, london(2026, 6, 9, 8, 30)),  # overnight
        (london(2026, 6, 12, 16, 30), 1, london(2026, 6, 15, 8, 30)),  # over a weekend
        (london(2026, 6, 13, 10), 1, london(2026, 6, 15, 9)),  # logged on Saturday
        (london(2026, 6, 8, 19), 4, london(2026, 6, 9, 12)),  # logged in the evening
        (london(2026, 6, 8, 6), 4, london(2026, 6, 8, 12)),  # logged before opening
        (london(2025, 8, 25, 10), 1, london(2025, 8, 26, 9)),  # logged on a bank holiday
        # Exactly 17:00 is 17:00 that day, not 08:00 the next working day.
        (london(2026, 6, 8, 16), 1, london(2026, 6, 8, 17)),
        (london(2026, 6, 8, 8), 9, london(2026, 6, 8, 17)),
        (london(2026, 6, 12, 8), 9, london(2026, 6, 12, 17)),  # a Friday stays Friday
        (london(2026, 6, 8, 8), 18, london(2026, 6, 9, 17)),
        (london(2026, 6, 13, 10), 9, london(2026, 6, 15, 17)),  # from Saturday, a full Monday
        (london(2026, 6, 12, 17), 9, london(2026, 6, 15, 17)),  # from Friday's close
        (london(2026, 12, 24, 13), 4, london(2026, 12, 24, 17)),  # before Christmas
        # A week: 45 working hours, or 36 with a bank holiday in it.
        (london(2026, 6, 8, 8), 45, london(2026, 6, 12, 17)),
        (london(2025, 8, 22, 9), 45, london(2025, 9, 1, 9)),  # the bank holiday Monday pushes it on a day
    ],
)
def test_add_working_time(calendar, start, hours, due):
    result = calendar.add(start, dt.timedelta(hours=hours))
    assert result == due
    assert result.tzinfo is UTC


def test_a_microsecond_past_closing_is_the_next_morning(calendar):
    due = calendar.add(london(2026, 6, 8, 16), H + dt.timedelta(microseconds=1))
    assert due == london(2026, 6, 9, 8, 0, 0, 1)


def test_seconds_and_microseconds_are_kept(calendar):
    assert calendar.add(london(2026, 6, 8, 16, 30, 27, 123456), H) == london(2026, 6, 9, 8, 30, 27, 123456)


def test_adding_nothing_is_the_start_itself(calendar):
    saturday = london(2026, 6, 13, 10)
    assert calendar.add(saturday, dt.timedelta(0)) == saturday


def test_working_time_must_be_a_non_negative_timedelta(calendar):
    with pytest.raises(ValueError, match="must not be negative"):
        calendar.add(london(2026, 6, 8, 9), -H)
    with pytest.raises(TypeError, match="timedelta"):
        calendar.add(london(2026, 6, 8, 9), 3600)


def test_naive_datetimes_are_refused_everywhere(calendar):
    naive = dt.datetime(2026, 6, 8, 9)
    aware = london(2026, 6, 8, 9)
    calls = [
        lambda: calendar.is_working_time(naive),
        lambda: calendar.next_opening(naive),
        lambda: calendar.add(naive, H),
        lambda: calendar.between(naive, aware),
        lambda: calendar.between(aware, naive),
        lambda: calendar.due_with_pauses(naive, H, []),
        lambda: calendar.due_with_pauses(aware, H, [(naive, None)]),
        lambda: calendar.due_with_pauses(aware, H, [(aware, naive)]),
    ]
    for call in calls:
        with pytest.raises(NaiveDatetimeError, match="has no time zone"):
            call()
    with pytest.raises(TypeError, match="aware datetime, not date"):
        calendar.add(dt.date(2026, 6, 8), H)


def test_years_outside_the_supported_range_are_refused(calendar):
    with pytest.raises(ValueError, match="1971–2200"):
        calendar.add(london(1960, 6, 8, 9), H)
    with pytest.raises(ValueError, match="1971–2200"):
        calendar.add(london(2200, 6, 8, 9), dt.timedelta(hours=9 * 260 * 2))


def test_long_budgets_grow_the_table_and_stay_exact():
    calendar = Calendar()
    start = london(2026, 6, 8, 9)
    budget = dt.timedelta(hours=9 * 250 * 30)  # about 30 years of working days
    due = calendar.add(start, budget)
    assert due.year in (2056, 2057)
    assert calendar.between(start, due) == budget


# --- measuring working time ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, end, hours",
    [
        (london(2026, 6, 8, 9), london(2026, 6, 8, 11, 30), 2.5),
        (london(2026, 6, 12, 16), london(2026, 6, 15, 9), 2),  # over a weekend
        (london(2026, 6, 13, 9), london(2026, 6, 14, 18), 0),  # all weekend
        (london(2026, 6, 12, 17), london(2026, 6, 15, 8), 0),  # close to open
        (london(2026, 6, 8, 8), london(2026, 6, 15, 8), 45),  # a week
        (london(2025, 8, 22, 8), london(2025, 8, 29, 8), 36),  # a week with a bank holiday
        (london(2026, 12, 21, 8), london(2027, 1, 4, 8), 9 * 7),  # Christmas fortnight: 7 days open
        (london(2022, 9, 12, 8), london(2022, 9, 26, 8), 9 * 9),  # fortnight with the funeral
    ],
)
def test_working_time_between(calendar, start, end, hours):
    assert calendar.between(start, end) == dt.timedelta(hours=hours)
    assert calendar.between(end, start) == -dt.timedelta(hours=hours)


def test_working_time_between_less_pauses(calendar):
    start, end = london(2026, 6, 8, 9), london(2026, 6, 10, 9)  # 18 working hours
    pauses = [
        (london(2026, 6, 8, 10), london(2026, 6, 8, 11)),  # 1 h
        (london(2026, 6, 8, 16), london(2026, 6, 9, 9)),  # overnight: 1 h + 1 h
        (london(2026, 6, 8, 16, 30), london(2026, 6, 8, 18)),  # overlaps the last: nothing more
    ]
    assert calendar.between(start, end, pauses=pauses) == dt.timedelta(hours=15)
    # An open pause runs to the end.
    assert calendar.between(start, end, pauses=[(london(2026, 6, 9, 16), None)]) == dt.timedelta(hours=16)
    # Pauses outside the span change nothing.
    outside = [(london(2026, 6, 1, 9), london(2026, 6, 8, 9)), (london(2026, 6, 10, 9), None)]
    assert calendar.between(start, end, pauses=outside) == dt.timedelta(hours=18)


# --- clock changes ------------------------------------------------------------------------------


def test_spring_forward_does_not_shift_targets(calendar):
    # Clocks go forward at 01:00 GMT on Sunday 29 March 2026. Logged Friday 16:30 GMT.
    logged = london(2026, 3, 27, 16, 30)
    assert logged.utcoffset() == dt.timedelta(0)
    due = calendar.add(logged, H)
    assert local(due) == london(2026, 3, 30, 8, 30)  # 08:30 BST on Monday...
    assert due == dt.datetime(2026, 3, 30, 7, 30, tzinfo=UTC)  # ...which is 07:30 UTC
    assert calendar.between(london(2026, 3, 27, 16), london(2026, 3, 30, 9)) == 2 * H


def test_fall_back_does_not_shift_targets(calendar):
    # Clocks go back at 01:00 GMT on Sunday 25 October 2026. Logged Friday 16:30 BST.
    logged = london(2026, 10, 23, 16, 30)
    assert logged.utcoffset() == H
    due = calendar.add(logged, H)
    assert local(due) == london(2026, 10, 26, 8, 30)
    assert due == dt.datetime(2026, 10, 26, 8, 30, tzinfo=UTC)
    assert calendar.between(london(2026, 10, 23, 16), london(2026, 10, 26, 9)) == 2 * H


@pytest.mark.parametrize(
    "friday, monday",
    [
        (dt.date(2025, 3, 28), dt.date(2025, 3, 31)),
        (dt.date(2025, 10, 24), dt.date(2025, 10, 27)),
        (dt.date(2027, 3, 26), dt.date(2027, 3, 29)),  # Good Friday and Easter Monday as well
    ],
)
def test_clock_change_weekends_keep_nine_hour_days(calendar, friday, monday):
    start = london(friday.year, friday.month, friday.day, 8)
    end = london(monday.year, monday.month, monday.day, 17)
    expected = dt.timedelta(0)
    day = friday
    while day <= monday:
        expected += WORKING_DAY if calendar.is_working_day(day) else dt.timedelta(0)
        day += dt.timedelta(days=1)
    assert calendar.between(start, end) == expected


def test_the_ambiguous_and_missing_hours_are_out_of_hours(calendar):
    first = dt.datetime(2026, 10, 25, 1, 30, tzinfo=LONDON, fold=0)
    second = dt.datetime(2026, 10, 25, 1, 30, tzinfo=LONDON, fold=1)
    missing = dt.datetime(2026, 3, 29, 1, 30, tzinfo=LONDON)
    for when in (first, second, missing):
        assert not calendar.is_working_time(when)
        assert local(calendar.next_opening(when)).date() in (dt.date(2026, 10, 26), dt.date(2026, 3, 30))


# --- pauses -------------------------------------------------------------------------------------


def test_due_with_no_pauses_is_add(calendar):
    start = london(2026, 6, 12, 16, 30)
    assert calendar.due_with_pauses(start, 4 * H, []) == calendar.add(start, 4 * H)


@pytest.mark.parametrize(
    "start, hours, pauses, due",
    [
        # A pause within the day moves the due time by its length.
        (
            london(2026, 6, 8, 9),
            4,
            [(london(2026, 6, 8, 10), london(2026, 6, 8, 11))],
            london(2026, 6, 8, 14),
        ),
        # Over a night: 1 h on Monday and 2 h on Tuesday are paused.
        (
            london(2026, 6, 8, 9),
            9,
            [(london(2026, 6, 8, 16), london(2026, 6, 9, 10))],
            london(2026, 6, 9, 12),
        ),
        # Over a weekend: 1 h worked on Friday, paused 16:00 Friday to 09:30 Monday (1 h + 1.5 h).
        (
            london(2026, 6, 12, 15),
            4,
            [(london(2026, 6, 12, 16), london(2026, 6, 15, 9, 30))],
            london(2026, 6, 15, 12, 30),
        ),
        # Entirely out of hours: nothing is paused.
        (
            london(2026, 6, 12, 15),
            4,
            [(london(2026, 6, 13, 9), london(2026, 6, 14, 9))],
            london(2026, 6, 15, 10),
        ),
        # After the due time, or starting exactly at it: no effect.
        (
            london(2026, 6, 8, 9),
            2,
            [(london(2026, 6, 8, 12), london(2026, 6, 8, 15))],
            london(2026, 6, 8, 11),
        ),
        (
            london(2026, 6, 8, 9),
            2,
            [(london(2026, 6, 8, 11), london(2026, 6, 8, 15))],
            london(2026, 6, 8, 11),
        ),
        # Begun before the start: only the part after the start counts.
        (london(2026, 6, 8, 9), 2, [(london(2026, 6, 5, 9), london(2026, 6, 8, 10))], london(2026, 6, 8, 12)),
        # Overlapping pauses count once: 10:00–12:00 in all.
        (
            london(2026, 6, 8, 9),
            2,
            [
                (london(2026, 6, 8, 10), london(2026, 6, 8, 11, 30)),
                (london(2026, 6, 8, 11), london(2026, 6, 8, 12)),
            ],
            london(2026, 6, 8, 13),
        ),
        # Several pauses, in any order.
        (
            london(2026, 6, 8, 9),
            3,
            [
                (london(2026, 6, 8, 12), london(2026, 6, 8, 13)),
                (london(2026, 6, 8, 10), london(2026, 6, 8, 11)),
            ],
            london(2026, 6, 8, 14),
        ),
        # A due time landing at the end of a day after a pause is still 17:00 that day.
        (
            london(2026, 6, 8, 13),
            3,
            [(london(2026, 6, 8, 14), london(2026, 6, 8, 15))],
            london(2026, 6, 8, 17),
        ),
        # A pause over a bank holiday weekend: Fri 22 Aug 2025 16:00 to Tue 26 Aug 09:00 pauses 2 h.
        (
            london(2025, 8, 22, 15),
            4,
            [(london(2025, 8, 22, 16), london(2025, 8, 26, 9))],
            london(2025, 8, 26, 12),
        ),
    ],
)
def test_due_with_pauses(calendar, start, hours, pauses, due):
    assert calendar.due_with_pauses(start, dt.timedelta(hours=hours), pauses) == due


def test_an_open_pause_stops_the_clock(calendar):
    start = london(2026, 6, 8, 9)
    assert calendar.due_with_pauses(start, 4 * H, [(london(2026, 6, 8, 10), None)]) is None
    # ...unless the budget had run out before it began.
    assert calendar.due_with_pauses(start, 4 * H, [(london(2026, 6, 8, 15), None)]) == london(2026, 6, 8, 13)
    # Resumed on the customer's reply the next morning at 09:00: 3 h left from then.
    resumed = [(london(2026, 6, 8, 10), london(2026, 6, 9, 9))]
    assert calendar.due_with_pauses(start, 4 * H, resumed) == london(2026, 6, 9, 12)


def test_pauses_must_make_sense(calendar):
    start = london(2026, 6, 8, 9)
    with pytest.raises(ValueError, match="pause 0 ends .* before it starts"):
        calendar.due_with_pauses(start, H, [(london(2026, 6, 8, 11), london(2026, 6, 8, 10))])
    with pytest.raises(TypeError, match="pause 1 must be a"):
        calendar.due_with_pauses(start, H, [(start, None), start])


# --- the module functions take a calendar (the desk's own is tested with the database) ----------


def test_module_functions_use_the_calendar_given():
    closed = dt.date(2026, 6, 15)
    calendar = Calendar(extra_closures={closed})
    friday = london(2026, 6, 12, 16, 30)
    assert not is_working_day(closed, calendar=calendar)
    assert not is_working_time(london(2026, 6, 15, 9), calendar=calendar)
    assert next_opening(friday + H, calendar=calendar) == london(2026, 6, 16, 8)
    assert add_working_time(friday, H, calendar=calendar) == london(2026, 6, 16, 8, 30)
    assert working_time_between(friday, london(2026, 6, 16, 9), calendar=calendar) == 1.5 * H
    assert due_with_pauses(friday, H, [], calendar=calendar) == london(2026, 6, 16, 8, 30)


# --- properties ---------------------------------------------------------------------------------

PROPERTY_CALENDAR = Calendar(extra_closures={dt.date(2026, 6, 15), dt.date(2027, 2, 3)})
instants = st.datetimes(
    min_value=dt.datetime(2020, 1, 1),
    max_value=dt.datetime(2029, 12, 31),
    timezones=st.sampled_from([LONDON, UTC, ZoneInfo("Asia/Kolkata")]),
)
durations = st.timedeltas(min_value=dt.timedelta(microseconds=1), max_value=dt.timedelta(hours=600))
property_settings = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _is_closing_time(when: dt.datetime) -> bool:
    wall = local(when)
    return wall.time() == dt.time(17) and PROPERTY_CALENDAR.is_working_day(wall.date())


@property_settings
@given(start=instants, budget=durations)
def test_property_add_then_measure_is_the_identity(start, budget):
    due = PROPERTY_CALENDAR.add(start, budget)
    assert PROPERTY_CALENDAR.between(start, due) == budget


@property_settings
@given(start=instants, budget=durations)
def test_property_a_due_time_is_in_working_hours_or_at_closing(start, budget):
    due = PROPERTY_CALENDAR.add(start, budget)
    assert due > start
    assert PROPERTY_CALENDAR.is_working_time(due) or _is_closing_time(due)
    assert local(due).time() > dt.time(8)  # never the opening instant: that would be the day before's 17:00


@property_settings
@given(
    start=instants,
    first=durations,
    second=durations,
    later=st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=20)),
)
def test_property_monotonic(start, first, second, later):
    small, large = sorted([first, second])
    assert PROPERTY_CALENDAR.add(start, small) <= PROPERTY_CALENDAR.add(start, large)
    assert PROPERTY_CALENDAR.add(start, small) <= PROPERTY_CALENDAR.add(start + later, small)


@property_settings
@given(a=instants, b=instants, c=instants)
def test_property_measuring_adds_up_and_never_exceeds_real_time(a, b, c):
    between = PROPERTY_CALENDAR.between
    assert between(a, b) + between(b, c) == between(a, c)
    first, last = sorted([a, b])
    assert dt.timedelta(0) <= between(first, last) <= last - first


@property_settings
@given(when=instants)
def test_property_the_clock_starts_at_the_next_opening(when):
    opening = PROPERTY_CALENDAR.next_opening(when)
    assert opening >= when
    assert PROPERTY_CALENDAR.is_working_time(opening)
    assert PROPERTY_CALENDAR.between(when, opening) == dt.timedelta(0)
    assert PROPERTY_CALENDAR.add(when, H) == PROPERTY_CALENDAR.add(opening, H)


pause_lists = st.lists(
    st.tuples(
        st.timedeltas(min_value=dt.timedelta(days=-3), max_value=dt.timedelta(days=10)),
        st.one_of(st.none(), st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=5))),
    ),
    max_size=4,
)


@property_settings
@given(start=instants, budget=durations, offsets=pause_lists)
def test_property_pauses_only_delay_and_are_not_counted(start, budget, offsets):
    pauses = [(start + a, None if length is None else start + a + length) for a, length in offsets]
    due = PROPERTY_CALENDAR.due_with_pauses(start, budget, pauses)
    unpaused = PROPERTY_CALENDAR.add(start, budget)
    if due is None:
        assert any(end is None for _, end in pauses)
        return
    assert due >= unpaused
    assert PROPERTY_CALENDAR.between(start, due, pauses=pauses) == budget


def _reference_minutes(start: dt.datetime, end: dt.datetime) -> int:
    """Working minutes from start to end, by stepping minute by minute through London wall time
    (an independent, slow oracle: no positions, no tables)."""
    bank = holidays.country_holidays("GB", subdiv="ENG")
    minutes, now = 0, start
    while now < end:
        wall = now.astimezone(LONDON)
        if wall.weekday() < 5 and wall.date() not in bank and dt.time(8) <= wall.time() < dt.time(17):
            minutes += 1
        now += dt.timedelta(minutes=1)
    return minutes


@settings(max_examples=40, deadline=None)
@given(
    start=st.datetimes(min_value=dt.datetime(2021, 1, 1), max_value=dt.datetime(2027, 12, 20)).map(
        lambda d: d.replace(second=0, microsecond=0, tzinfo=UTC)
    ),
    minutes=st.integers(min_value=0, max_value=7 * 24 * 60),
)
def test_property_agrees_with_a_minute_by_minute_oracle(calendar, start, minutes):
    end = start + dt.timedelta(minutes=minutes)
    assert calendar.between(start, end) == dt.timedelta(minutes=_reference_minutes(start, end))
