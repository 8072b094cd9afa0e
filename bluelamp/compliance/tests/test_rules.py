"""Each date rule of docs/decisions/0012-compliance-dates.md, on its own. No database, no clock."""

import datetime as dt

import pytest

from bluelamp.compliance import rules
from bluelamp.compliance.rules import Extension, FirstDue, Period, add_months, expiry_of, standing

D = dt.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2025, 3, 15), 12, D(2026, 3, 15)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),  # no 29 February: the month's last day
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 8, 31), 1, D(2025, 9, 30)),
        (D(2025, 11, 30), 3, D(2026, 2, 28)),
        (D(2025, 12, 1), 24, D(2027, 12, 1)),
    ],
)
def test_validity_adds_months_to_the_same_day_or_the_months_last(day, months, expected):
    assert add_months(day, months) == expected


def test_a_completion_expires_validity_months_later():
    assert expiry_of([D(2025, 5, 10)], validity_months=12, window_days=90) == D(2026, 5, 10)


def test_no_validity_never_expires():
    assert expiry_of([D(2020, 1, 1)], validity_months=None, window_days=0) is None


def test_recertifying_inside_the_window_extends_from_the_old_expiry():
    # Expiry 10 May 2026, window 90 days: opens 9 February 2026.
    assert expiry_of([D(2025, 5, 10), D(2026, 2, 9)], validity_months=12, window_days=90) == D(2027, 5, 10)
    # On the expiry day itself: still inside the window.
    assert expiry_of([D(2025, 5, 10), D(2026, 5, 10)], validity_months=12, window_days=90) == D(2027, 5, 10)


def test_recertifying_before_the_window_starts_again_from_its_own_date():
    assert expiry_of([D(2025, 5, 10), D(2026, 2, 8)], validity_months=12, window_days=90) == D(2027, 2, 8)


def test_recertifying_after_expiry_starts_again_from_its_own_date():
    assert expiry_of([D(2025, 5, 10), D(2026, 5, 11)], validity_months=12, window_days=90) == D(2027, 5, 11)


def test_a_chain_of_recertifications_keeps_the_cycle():
    days = [D(2022, 3, 1), D(2023, 2, 1), D(2024, 2, 15), D(2025, 1, 20)]
    assert expiry_of(days, validity_months=12, window_days=60) == D(2026, 3, 1)


def test_a_second_completion_in_one_window_never_shortens_the_expiry():
    # The first recertification extends to 1 March 2027; a repeat two weeks later is before the
    # new window and would start again from 15 March 2026 (15 March 2027): it keeps the later date.
    days = [D(2025, 3, 1), D(2026, 2, 1), D(2026, 2, 15)]
    assert expiry_of(days, validity_months=12, window_days=60) == D(2027, 3, 1)


def test_first_due_date_rules():
    joined, started = D(2026, 1, 10), D(2025, 6, 1)
    assert FirstDue("joining", days=90).for_person(joined_on=joined, start_date=started) == D(2026, 4, 10)
    assert FirstDue("start_date", days=30).for_person(joined_on=joined, start_date=started) == D(2025, 7, 1)
    assert FirstDue("date", date=D(2026, 9, 30)).for_person(joined_on=joined, start_date=started) == D(
        2026, 9, 30
    )
    # Without an employment start date on the record, counted from joining.
    assert FirstDue("start_date", days=30).for_person(joined_on=joined, start_date=None) == D(2026, 2, 9)


def _standing(on, completed=(), **kwargs):
    defaults = {
        "validity_months": 12,
        "window_days": 90,
        "first_due": FirstDue("joining", days=60),
        "joined_on": D(2026, 1, 1),
    }
    return standing(on=on, completed_on=completed, **{**defaults, **kwargs})


def test_assigned_then_due_then_overdue_for_someone_who_never_completed():
    # First due 2 March 2026 (60 days after joining on 1 January).
    assert _standing(D(2026, 1, 1)).status == rules.ASSIGNED
    assert _standing(D(2026, 1, 30)).status == rules.ASSIGNED
    assert _standing(D(2026, 2, 1)).status == rules.DUE
    assert _standing(D(2026, 3, 2)).status == rules.DUE  # the due date itself
    overdue = _standing(D(2026, 3, 3))
    assert overdue.status == rules.OVERDUE and overdue.due_on == D(2026, 3, 2)


def test_the_due_soon_horizon_is_thirty_days_by_default_and_a_setting():
    # Due 2 March 2026: 30 days before is 31 January.
    assert _standing(D(2026, 1, 31)).status == rules.DUE
    assert _standing(D(2026, 1, 30)).status == rules.ASSIGNED
    assert _standing(D(2026, 1, 30), due_soon_days=60).status == rules.DUE


def test_compliant_due_and_lapsed_with_a_completion():
    completed = [D(2025, 6, 15)]  # expires 15 June 2026
    assert _standing(D(2026, 5, 15), completed).status == rules.COMPLIANT
    due = _standing(D(2026, 5, 16), completed)
    assert due.status == rules.DUE and due.in_date and due.due_on == D(2026, 6, 15)
    assert _standing(D(2026, 6, 15), completed).status == rules.DUE  # valid on its expiry day
    lapsed = _standing(D(2026, 6, 16), completed)
    assert lapsed.status == rules.OVERDUE and not lapsed.in_date and lapsed.expires_on == D(2026, 6, 15)


def test_without_validity_a_completion_is_compliant_for_good():
    result = _standing(D(2040, 1, 1), [D(2026, 2, 1)], validity_months=None)
    assert result.status == rules.COMPLIANT and result.due_on is None and result.in_date


def test_completions_after_the_day_asked_about_do_not_count():
    assert _standing(D(2026, 3, 3), [D(2026, 4, 1)]).status == rules.OVERDUE


def test_an_active_exemption_comes_first():
    period = Period(D(2026, 2, 1), D(2026, 4, 30))
    assert _standing(D(2026, 3, 10), exemptions=[period]).status == rules.EXEMPT
    assert _standing(D(2026, 5, 1), exemptions=[period]).status == rules.OVERDUE
    assert _standing(D(2027, 1, 1), exemptions=[Period(D(2026, 2, 1), None)]).status == rules.EXEMPT


def test_suspended_when_in_date_but_a_prerequisite_is_not():
    result = _standing(D(2026, 3, 1), [D(2026, 2, 1)], prerequisites_in_date=False)
    assert result.status == rules.SUSPENDED
    # Someone never trained is not suspended: they are simply not compliant.
    assert _standing(D(2026, 3, 3), prerequisites_in_date=False).status == rules.OVERDUE


def test_an_extension_moves_the_due_date_of_its_cycle_only():
    extension = Extension(from_due_on=D(2026, 3, 2), to_due_on=D(2026, 5, 1))
    moved = _standing(D(2026, 3, 10), extensions=[extension])
    assert moved.status == rules.ASSIGNED and moved.due_on == D(2026, 5, 1)  # not overdue
    assert _standing(D(2026, 4, 10), extensions=[extension]).status == rules.DUE
    # Once completed, the new expiry is not moved by the old extension.
    after = _standing(D(2026, 3, 10), [D(2026, 3, 5)], extensions=[extension])
    assert after.due_on == D(2027, 3, 5) and after.status == rules.COMPLIANT


def test_next_change_is_when_time_alone_changes_the_status():
    result = _standing(D(2026, 1, 1))  # due 2 March
    assert result.next_change_on == D(2026, 1, 31)  # becomes due
    assert _standing(D(2026, 2, 10)).next_change_on == D(2026, 3, 3)  # becomes overdue
    # The step is exact: asked again on that day, the status has changed.
    for on in (D(2026, 1, 1), D(2026, 2, 10)):
        first = _standing(on)
        assert _standing(first.next_change_on).status != first.status
