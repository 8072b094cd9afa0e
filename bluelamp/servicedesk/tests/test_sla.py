"""SLA targets by priority, worked out by hand, and the priority suggested from impact × urgency."""

import datetime as dt

import pytest

from bluelamp.servicedesk.sla import (
    PRIORITY_MATRIX,
    SLA_POLICIES,
    Impact,
    Priority,
    Urgency,
    sla_targets,
    suggest_priority,
)
from bluelamp.workingtime.api import Calendar
from conftest import LONDON, london

H = dt.timedelta(hours=1)


def targets(priority, logged_at, pauses=(), calendar=None):
    response, resolution = sla_targets(priority, logged_at, pauses, calendar=calendar or Calendar())
    return response, resolution


def test_the_budgets_are_the_seeds():
    budgets = {p: (policy.response, policy.resolution) for p, policy in SLA_POLICIES.items()}
    assert budgets == {
        Priority.P1: (1 * H, 24 * H),
        Priority.P2: (4 * H, 48 * H),
        Priority.P3: (8 * H, 63 * H),  # 7 working days of 9 hours
        Priority.P4: (8 * H, None),  # planned work
    }


def test_guidance_for_the_ticket_form_follows_the_seed():
    assert SLA_POLICIES[Priority.P1].guidance[0] == "Total loss of service or system down."
    assert any("workaround is available" in line for line in SLA_POLICIES[Priority.P2].guidance)
    assert "Styling, layout or interface issues." in SLA_POLICIES[Priority.P3].guidance
    assert SLA_POLICIES[Priority.P4].guidance == (
        "Incidents causing inconvenience but not stopping work or accessing content.",
    )
    assert SLA_POLICIES[Priority.P3].resolution_label == "7 working days (63 working hours)"


# --- the issue's own example: a P2 logged at 16:30 on a Friday before a bank holiday ----------


def test_p2_logged_friday_1630_before_the_august_bank_holiday(calendar):
    # Response, 4 h: 16:30–17:00 Friday is 0.5 h; Monday 25 August is the bank holiday; Tuesday
    # 08:00 + 3.5 h = 11:30. Resolution, 48 h: 0.5 h Friday, then Tue 26, Wed 27, Thu 28, Fri 29
    # and Mon 1 September at 9 h each (45.5 h), and Tuesday 2 September 08:00 + 2.5 h = 10:30.
    response, resolution = targets("P2", london(2025, 8, 22, 16, 30), calendar=calendar)
    assert response == london(2025, 8, 26, 11, 30)
    assert resolution == london(2025, 9, 2, 10, 30)
    assert response.isoformat() == "2025-08-26T10:30:00+00:00"  # stored in UTC (BST is UTC+1)


def test_p2_logged_friday_1630_before_the_early_may_bank_holiday(calendar):
    # Monday 5 May 2025 is the early May bank holiday. Response: Tuesday 6 May 11:30. Resolution:
    # 0.5 h + Tue 6, Wed 7, Thu 8, Fri 9, Mon 12 (45.5 h), then Tuesday 13 May 08:00 + 2.5 h.
    response, resolution = targets("P2", london(2025, 5, 2, 16, 30), calendar=calendar)
    assert response == london(2025, 5, 6, 11, 30)
    assert resolution == london(2025, 5, 13, 10, 30)


def test_p2_logged_friday_1630_before_the_coronation(calendar):
    # Monday 8 May 2023 was a one-off bank holiday (the coronation), the week after the early
    # May one. Resolution: 0.5 h + Tue 9 to Fri 12 (36.5 h) + Mon 15 (45.5 h) + Tue 16 10:30.
    response, resolution = targets("P2", london(2023, 5, 5, 16, 30), calendar=calendar)
    assert response == london(2023, 5, 9, 11, 30)
    assert resolution == london(2023, 5, 16, 10, 30)


def test_p1_logged_before_the_state_funeral(calendar):
    # Monday 19 September 2022. 24 h: 0.5 h Friday, Tue 20 and Wed 21 (18.5 h), Thu 22 13:30.
    response, resolution = targets("P1", london(2022, 9, 16, 16, 30), calendar=calendar)
    assert response == london(2022, 9, 20, 8, 30)
    assert resolution == london(2022, 9, 22, 13, 30)


def test_p1_over_christmas_with_substitute_days(calendar):
    # Christmas 2021 fell on a Saturday: Monday 27 and Tuesday 28 December were bank holidays.
    response, resolution = targets("P1", london(2021, 12, 24, 16, 30), calendar=calendar)
    assert response == london(2021, 12, 29, 8, 30)
    # 0.5 h, Wed 29, Thu 30, Fri 31 (27.5 h passes 24 on Friday): 08:00 + 5.5 h.
    assert resolution == london(2021, 12, 31, 13, 30)
    # 2022 New Year's Day was a Saturday: Monday 3 January 2022 was closed.
    response, resolution = targets("P1", london(2021, 12, 31, 16, 30), calendar=calendar)
    assert response == london(2022, 1, 4, 8, 30)
    assert resolution == london(2022, 1, 6, 13, 30)


def test_easter(calendar):
    # Good Friday 18 and Easter Monday 21 April 2025. P3 on Thursday 17 April at 12:00: response
    # 8 h is 5 h on Thursday and 3 h on Tuesday 22 (11:00); resolution 63 h is 7 working days:
    # 5 h Thu, Tue 22–Fri 25 (41 h), Mon 28–Wed 30 (68 h passes 63 on Wednesday 30): 12:00.
    response, resolution = targets("P3", london(2025, 4, 17, 12), calendar=calendar)
    assert response == london(2025, 4, 22, 11)
    assert resolution == london(2025, 4, 30, 12)


# --- clock changes ------------------------------------------------------------------------------


def test_p1_logged_friday_1630_before_the_clocks_go_forward(calendar):
    # Sunday 29 March 2026. Same wall-clock answers as any other weekend; only UTC differs.
    response, resolution = targets("P1", london(2026, 3, 27, 16, 30), calendar=calendar)
    assert response.astimezone(LONDON).isoformat() == "2026-03-30T08:30:00+01:00"
    assert resolution.astimezone(LONDON).isoformat() == "2026-04-01T13:30:00+01:00"


def test_p1_logged_friday_1630_before_the_clocks_go_back(calendar):
    # Sunday 25 October 2026.
    response, resolution = targets("P1", london(2026, 10, 23, 16, 30), calendar=calendar)
    assert response.astimezone(LONDON).isoformat() == "2026-10-26T08:30:00+00:00"
    assert resolution.astimezone(LONDON).isoformat() == "2026-10-28T13:30:00+00:00"


# --- when the ticket is logged ------------------------------------------------------------------


@pytest.mark.parametrize(
    "logged_at, response",
    [
        (london(2026, 6, 10, 19, 45), london(2026, 6, 11, 9)),  # evening: from 08:00 next day
        (london(2026, 6, 11, 6, 30), london(2026, 6, 11, 9)),  # early morning
        (london(2026, 6, 13, 14), london(2026, 6, 15, 9)),  # Saturday
        (london(2026, 6, 14, 23), london(2026, 6, 15, 9)),  # Sunday night
        (london(2026, 5, 25, 10), london(2026, 5, 26, 9)),  # spring bank holiday
        (london(2026, 12, 24, 17, 30), london(2026, 12, 29, 9)),  # Christmas Eve evening
        (london(2026, 6, 10, 16), london(2026, 6, 10, 17)),  # exactly 17:00: that day
        (london(2026, 6, 10, 17), london(2026, 6, 11, 9)),  # logged at closing
    ],
)
def test_p1_response_when_logged_out_of_hours_or_near_closing(calendar, logged_at, response):
    assert targets("P1", logged_at, calendar=calendar)[0] == response


def test_p1_christmas_eve_in_the_cli_format(calendar):
    response, _ = targets(Priority.P1, london(2026, 12, 24, 17, 30), calendar=calendar)
    assert response.astimezone(LONDON).isoformat() == "2026-12-29T09:00:00+00:00"


def test_p2_logged_at_1300_is_due_at_1700_the_same_day(calendar):
    assert targets("P2", london(2026, 6, 10, 13), calendar=calendar)[0] == london(2026, 6, 10, 17)


def test_p3_resolution_is_seven_working_days(calendar):
    # Monday 2 March 2026 09:00 + 63 working hours = Wednesday 11 March 09:00, the same time of
    # day seven working days on. The response, 8 h from 09:00, is 17:00 that Monday.
    response, resolution = targets("P3", london(2026, 3, 2, 9), calendar=calendar)
    assert response == london(2026, 3, 2, 17)
    assert resolution == london(2026, 3, 11, 9)
    assert targets("P3", london(2026, 3, 2, 8), calendar=calendar)[0] == london(2026, 3, 2, 16)


def test_p4_has_no_resolution_clock(calendar):
    response, resolution = targets("P4", london(2026, 6, 12, 16, 30), calendar=calendar)
    assert response == london(2026, 6, 15, 15, 30)  # 0.5 h Friday + 7.5 h Monday
    assert resolution is None


# --- pauses -------------------------------------------------------------------------------------


def test_awaiting_the_customer_pauses_resolution_not_response(calendar):
    logged = london(2026, 6, 8, 9)
    # Replied at 09:30 and awaited the customer from then until their reply at 11:00 next day.
    pauses = [(london(2026, 6, 8, 9, 30), london(2026, 6, 9, 11))]
    response, resolution = targets("P1", logged, pauses, calendar=calendar)
    assert response == london(2026, 6, 8, 10)  # the response clock does not pause
    # Paused 7.5 h Monday + 3 h Tuesday = 10.5 h: 24 h from Monday 09:00 was Wednesday 15:00;
    # 10.5 h later is Thursday 16:30.
    assert resolution == london(2026, 6, 11, 16, 30)


def test_while_awaiting_the_customer_the_resolution_target_is_unknown(calendar):
    logged = london(2026, 6, 8, 9)
    response, resolution = targets("P2", logged, [(london(2026, 6, 8, 9, 30), None)], calendar=calendar)
    assert response == london(2026, 6, 8, 13)
    assert resolution is None


def test_changing_priority_recomputes_from_the_same_history(calendar):
    logged = london(2026, 6, 8, 9)
    pauses = [(london(2026, 6, 8, 10), london(2026, 6, 8, 12))]
    as_p3 = targets("P3", logged, pauses, calendar=calendar)
    as_p1 = targets("P1", logged, pauses, calendar=calendar)
    # P1: 26 h of clock (24 + 2 paused) from Monday 09:00 end at Wednesday's close.
    assert as_p1 == (london(2026, 6, 8, 10), london(2026, 6, 10, 17))
    # P3: 65 h from Monday 09:00 is Wednesday 17 June 11:00.
    assert as_p3 == (london(2026, 6, 8, 17), london(2026, 6, 17, 11))


def test_extra_closures_in_the_calendar_given_count():
    calendar = Calendar(extra_closures={dt.date(2026, 6, 15)})
    response, resolution = targets("P2", london(2026, 6, 12, 16, 30), calendar=calendar)
    assert response == london(2026, 6, 16, 11, 30)


# --- input --------------------------------------------------------------------------------------


def test_priority_may_be_the_enum_or_its_value(calendar):
    logged = london(2026, 6, 8, 9)
    assert sla_targets(Priority.P2, logged, calendar=calendar) == sla_targets("P2", logged, calendar=calendar)


def test_an_unknown_priority_says_what_is_accepted(calendar):
    with pytest.raises(ValueError, match="priority 'P5' is not one of P1, P2, P3, P4"):
        sla_targets("P5", london(2026, 6, 8, 9), calendar=calendar)


def test_targets_are_named(calendar):
    result = sla_targets("P4", london(2026, 6, 8, 9), calendar=calendar)
    assert result.response_due == london(2026, 6, 8, 17)
    assert result.resolution_due is None


# --- suggesting a priority ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "impact, urgency, priority",
    [
        ("whole_service", "work_stopped", "P1"),
        ("whole_service", "work_impaired", "P2"),
        ("whole_service", "inconvenience", "P3"),
        ("many_customers", "work_stopped", "P1"),
        ("many_customers", "work_impaired", "P2"),
        ("many_customers", "inconvenience", "P3"),
        ("small_group", "work_stopped", "P2"),
        ("small_group", "work_impaired", "P3"),
        ("small_group", "inconvenience", "P4"),
        ("one_person", "work_stopped", "P3"),
        ("one_person", "work_impaired", "P3"),
        ("one_person", "inconvenience", "P4"),
    ],
)
def test_suggested_priority(impact, urgency, priority):
    assert suggest_priority(impact=impact, urgency=urgency) == priority


def test_the_matrix_answers_every_combination():
    assert {(i, u) for i in PRIORITY_MATRIX for u in PRIORITY_MATRIX[i]} == {
        (i, u) for i in Impact for u in Urgency
    }


def test_a_major_security_incident_or_reputational_harm_is_p1_whatever_else():
    assert (
        suggest_priority(
            impact=Impact.ONE_PERSON, urgency=Urgency.INCONVENIENCE, major_security_or_reputational=True
        )
        == Priority.P1
    )


def test_unknown_answers_say_what_is_accepted():
    with pytest.raises(ValueError, match="impact 'everyone' is not one of whole_service, many_customers"):
        suggest_priority(impact="everyone", urgency="work_stopped")
    with pytest.raises(ValueError, match="urgency 'now' is not one of work_stopped"):
        suggest_priority(impact="one_person", urgency="now")
