"""The team leader's KPIs on hand-built weeks: every ticket, reply and call made through the
ticket services with explicit times, so that weekends, bank holidays and clock changes are real.

Late summer bank holiday 2022 was Monday 29 August: a ticket logged at 16:30 on Friday 26 August
has its 2 working days (18 working hours) run out at 16:30 on Wednesday 31 August.
"""

import datetime as dt

import pytest

from bluelamp.servicedesk.reporting import selectors as kpis
from bluelamp.servicedesk.tickets.models import Category
from bluelamp.servicedesk.tickets.services import (
    contact_log,
    ticket_create,
    ticket_deescalate,
    ticket_escalate,
    ticket_reply,
    ticket_set_status,
)
from conftest import london, make_person

pytestmark = pytest.mark.django_db
BANK_HOLIDAY_WEEK = dt.date(2022, 8, 29)
P2 = {"impact": "small_group", "urgency": "work_stopped"}
P4 = {"impact": "one_person", "urgency": "inconvenience"}


@pytest.fixture
def ada(national):
    return make_person(national, "ada@national.example", first="Ada", last="Byron", roles=["cc_adviser"])


def _ticket(bob, at, *, answers=P4, category=None, subject="Course will not open"):
    return ticket_create(
        actor=bob,
        type="incident",
        subject=subject,
        description="It spins",
        at=at,
        category=category,
        **answers,
    )


def _row(week, person):
    return next(row for row in week.advisers if row.adviser == person)


def test_weeks_run_monday_to_sunday_in_london_time():
    assert kpis.week_start_of(london(2023, 3, 26, 23, 30)) == dt.date(2023, 3, 20)
    # 23:30 UTC on Sunday 26 March 2023 is 00:30 BST on Monday 27th: the next week.
    assert kpis.week_start_of(dt.datetime(2023, 3, 26, 23, 30, tzinfo=dt.UTC)) == dt.date(2023, 3, 27)
    start, end = kpis.week_bounds(dt.date(2023, 3, 20))
    assert end.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(hours=167)  # clocks forward
    assert kpis.last_complete_week(london(2022, 9, 1, 12)) == dt.date(2022, 8, 22)
    with pytest.raises(ValueError, match="is a Tuesday: a week starts on a Monday"):
        kpis.week_bounds(dt.date(2022, 8, 30))


def test_initial_response_within_two_working_days_over_a_weekend_and_bank_holiday(bob, adviser, ada):
    on_time = _ticket(bob, london(2022, 8, 26, 16, 30))
    late = _ticket(bob, london(2022, 8, 26, 16, 30))
    by_ada = _ticket(bob, london(2022, 8, 30, 9))
    # Six calendar days later but 17.5 working hours: on time.
    ticket_reply(actor=adviser, ticket=on_time, body="Looking now", at=london(2022, 8, 31, 16, 0))
    # 16:30 on Wednesday is the last moment; 16:31 is late.
    ticket_reply(actor=adviser, ticket=late, body="Sorry for the wait", at=london(2022, 8, 31, 16, 31))
    ticket_reply(actor=ada, ticket=by_ada, body="Hello", at=london(2022, 8, 30, 10))
    # A second reply is not an initial response, and does not move the ticket to Ada.
    ticket_reply(actor=ada, ticket=on_time, body="Fixed?", at=london(2022, 9, 1, 9))

    week = kpis.week_kpis(BANK_HOLIDAY_WEEK, now=london(2022, 9, 5, 9))

    assert [row.adviser for row in week.advisers] == [adviser, ada]  # Adviser, then Byron
    assert _row(week, adviser).initial_response == kpis.Ratio(met=1, total=2)
    assert _row(week, ada).initial_response == kpis.Ratio(met=1, total=1)
    assert week.desk.initial_response == kpis.Ratio(met=2, total=3)
    # Responses made the week before or after are not this week's.
    assert kpis.week_kpis(dt.date(2022, 8, 22), now=london(2022, 9, 5, 9)).desk.initial_response.total == 0


def test_contacts_logged_as_tickets_per_adviser(bob, adviser, ada):
    existing = _ticket(bob, london(2022, 8, 30, 8, 30))
    call = {"caller_name": "Bob Officer", "outcome": "Talked it through", "person": bob}
    contact_log(
        actor=adviser,
        **call,
        new_ticket={"type": "incident", "subject": "Locked out", "description": "x", **P4},
        at=london(2022, 8, 30, 9),
    )
    contact_log(actor=adviser, **call, ticket=existing, at=london(2022, 8, 31, 9))
    contact_log(actor=adviser, **call, not_logged_reason="Wrong number", at=london(2022, 9, 2, 9))
    contact_log(actor=ada, **call, ticket=existing, at=london(2022, 9, 4, 22))  # Sunday night
    # Monday 00:30 BST is the next week, though it is still Sunday in UTC.
    contact_log(actor=ada, **call, not_logged_reason="Cold call", at=london(2022, 9, 5, 0, 30))

    week = kpis.week_kpis(BANK_HOLIDAY_WEEK, now=london(2022, 9, 6))

    adam_calls = _row(week, adviser).contacts_logged
    assert (adam_calls.met, adam_calls.total, adam_calls.percent, adam_calls.meets()) == (2, 3, 67, False)
    assert _row(week, ada).contacts_logged == kpis.Ratio(1, 1)
    assert _row(week, ada).contacts_logged.meets() is True
    assert week.desk.contacts_logged == kpis.Ratio(3, 4)


def test_resolved_at_first_line_counts_tickets_never_escalated(bob, adviser, engineer):
    kept = _ticket(bob, london(2022, 8, 30, 9))
    passed_up = _ticket(bob, london(2022, 8, 30, 9))
    still_open = _ticket(bob, london(2022, 8, 30, 9))
    for t in (kept, passed_up, still_open):
        ticket_reply(actor=adviser, ticket=t, body="On it", at=london(2022, 8, 30, 10))
    ticket_set_status(actor=adviser, ticket=kept, status="resolved", at=london(2022, 8, 31, 9))
    ticket_escalate(actor=adviser, ticket=passed_up, reason="Needs app ops", at=london(2022, 8, 30, 11))
    # Brought back down and resolved by the adviser: it still left the first line.
    ticket_deescalate(actor=engineer, ticket=passed_up, reason="Config fixed", at=london(2022, 8, 31, 11))
    ticket_set_status(actor=adviser, ticket=passed_up, status="resolved", at=london(2022, 8, 31, 12))

    week = kpis.week_kpis(BANK_HOLIDAY_WEEK, now=london(2022, 9, 6))

    resolved = _row(week, adviser).first_line_resolution
    assert (resolved.met, resolved.total, resolved.percent, resolved.meets()) == (1, 2, 50, False)
    assert [row.adviser for row in week.advisers] == [adviser]  # the engineer wrote no first reply


def test_sla_attainment_by_priority(bob, adviser):
    # P2: 4 working hours to respond, 48 to resolve. Logged Tuesday 09:00, response due 13:00.
    met = _ticket(bob, london(2022, 8, 30, 9), answers=P2)
    missed = _ticket(bob, london(2022, 8, 30, 9), answers=P2)
    unanswered = _ticket(bob, london(2022, 8, 30, 9), answers=P2)
    planned = _ticket(bob, london(2022, 8, 30, 9), answers=P4)
    ticket_reply(actor=adviser, ticket=met, body="Hi", at=london(2022, 8, 30, 12, 59))
    ticket_reply(actor=adviser, ticket=missed, body="Hi", at=london(2022, 8, 30, 13, 1))
    ticket_reply(actor=adviser, ticket=planned, body="Hi", at=london(2022, 8, 30, 14))
    ticket_set_status(actor=adviser, ticket=met, status="resolved", at=london(2022, 8, 31, 9))
    ticket_set_status(actor=adviser, ticket=planned, status="resolved", at=london(2022, 9, 2, 9))

    week = kpis.week_kpis(BANK_HOLIDAY_WEEK, now=london(2022, 9, 6, 12))

    adam = _row(week, adviser)
    assert adam.sla_response["P2"] == kpis.Ratio(1, 2)
    assert adam.sla_response["P4"] == kpis.Ratio(1, 1)
    assert adam.sla_resolution["P2"] == kpis.Ratio(1, 1)
    # P4 is planned work: no resolution clock, so nothing to attain.
    assert adam.sla_resolution["P4"] == kpis.Ratio(0, 0)
    # Nobody answered the third P2: its missed response belongs to no adviser but counts
    # against the desk. Its resolution target falls the next week (bank holiday skipped).
    assert week.unattributed.sla_response["P2"] == kpis.Ratio(0, 1)
    assert unanswered.resolution_due == london(2022, 9, 6, 12)  # 8+9+9+9+9+4 working hours
    assert week.desk.sla_response["P2"] == kpis.Ratio(1, 3)
    assert week.desk.sla_resolution["P2"] == kpis.Ratio(1, 1)
    next_week = kpis.week_kpis(dt.date(2022, 9, 5), now=london(2022, 9, 6, 13))
    # Missed and unanswered are both still open at 13:00, an hour past their target.
    assert next_week.desk.sla_resolution["P2"] == kpis.Ratio(0, 2)
    assert (
        kpis.week_kpis(dt.date(2022, 9, 5), now=london(2022, 9, 6, 11)).desk.sla_resolution["P2"].total == 0
    )


def test_kpis_take_a_fixed_number_of_queries(bob, adviser, django_assert_num_queries):
    for n in range(5):
        t = _ticket(bob, london(2022, 8, 30, 9 + n))
        ticket_reply(actor=adviser, ticket=t, body="Hi", at=london(2022, 8, 30, 15))
        ticket_set_status(actor=adviser, ticket=t, status="resolved", at=london(2022, 8, 31, 9))
    with django_assert_num_queries(7):  # six, and the satisfaction survey's
        kpis.week_kpis(BANK_HOLIDAY_WEEK, now=london(2022, 9, 6))


def test_weekly_volumes_by_category_and_priority(bob):
    signing_in = Category.objects.create(name="Signing in", position=1)
    content = Category.objects.create(name="Course content", position=2)
    _ticket(bob, london(2022, 8, 30, 9), category=content)
    _ticket(bob, london(2022, 8, 30, 9), category=signing_in, answers=P2)
    _ticket(bob, london(2022, 9, 4, 23, 59))  # Sunday night: week of 29 August
    _ticket(bob, london(2022, 9, 5, 0, 30), category=signing_in)  # 23:30 UTC Sunday: next week
    _ticket(bob, london(2022, 6, 1, 9))  # more than 12 weeks back

    volumes = kpis.weekly_volumes(dt.date(2022, 9, 5), weeks=12)

    assert volumes.weeks[0] == dt.date(2022, 6, 20)
    assert volumes.weeks[-1] == dt.date(2022, 9, 5)
    assert list(volumes.by_category) == ["Signing in", "Course content", kpis.NO_CATEGORY]
    assert volumes.by_category["Signing in"][-2:] == [1, 1]
    assert volumes.by_category["Course content"][-2:] == [1, 0]
    assert volumes.by_category[kpis.NO_CATEGORY][-2:] == [1, 0]
    assert {p: v[-2:] for p, v in volumes.by_priority.items()} == {
        "P1": [0, 0],
        "P2": [1, 0],
        "P3": [0, 0],
        "P4": [2, 1],
    }
    assert sum(sum(v) for v in volumes.by_priority.values()) == 4
