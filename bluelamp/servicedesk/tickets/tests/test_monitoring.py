"""SLA monitoring: 75 % warnings, breach notices, review due and closing resolved tickets, at
explicit instants (no sleeping, no patched clock).

The calendar these tests walk through: Easter 2026. Good Friday is 3 April and Easter Monday
6 April, both England & Wales bank holidays, so a P2 logged at 10:00 on Wednesday 1 April has
7 working hours that day, 9 on Thursday 2 April, none until Tuesday 7 April, then 9 a day:
  36 working hours (75 % of the P2's 48) pass at 10:00 on Thursday 9 April;
  48 working hours (the resolution target) at 13:00 on Friday 10 April (43 by Thursday's close);
  4 working hours (the response target) at 14:00 on Wednesday 1 April.
"""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from bluelamp.audit.api import AuditEvent
from bluelamp.servicedesk.api import DAILY_TASKS, FREQUENT_TASKS
from bluelamp.servicedesk.tickets.models import Ticket, TicketEvent
from bluelamp.servicedesk.tickets.monitoring import resolved_tickets_close, service_levels_check
from bluelamp.servicedesk.tickets.selectors import sla_flags, ticket_queue
from bluelamp.servicedesk.tickets.services import (
    SYSTEM_AUTHOR,
    ticket_add_note,
    ticket_assign,
    ticket_create,
    ticket_customer_reply,
    ticket_escalate,
    ticket_reply,
    ticket_set_priority,
    ticket_set_status,
)
from bluelamp.workingtime.api import WORKING_DAY, subtract_working_time, working_time_between
from conftest import london, make_person

LOGGED = london(2026, 4, 1, 10)  # Wednesday before Easter
WARN_AT = london(2026, 4, 9, 10)  # 36 working hours later
DUE_AT = london(2026, 4, 10, 13)  # 48 working hours later


@pytest.fixture
def team_leader(national):
    return make_person(
        national, "tess@national.example", first="Tess", last="Leader", roles=["cc_team_leader"]
    )


@pytest.fixture
def ann(national):
    """Another first-line adviser."""
    return make_person(national, "ann@national.example", first="Ann", last="Adviser", roles=["cc_adviser"])


@pytest.fixture
def senior(national):
    return make_person(
        national, "sam@national.example", first="Sam", last="Senior", roles=["senior_app_ops_engineer"]
    )


@pytest.fixture
def desk(adviser, ann, engineer, senior, service_manager, team_leader):
    """Someone in every role the notices go to."""


def log_p2(adviser, bob, *, at=LOGGED, **extra) -> Ticket:
    return ticket_create(
        actor=adviser,
        requester=bob,
        channel=Ticket.Channel.PHONE,
        type=Ticket.Type.INCIDENT,
        subject="Course page will not load",
        description="The course page shows an error for Bob.",
        impact="small_group",
        urgency="work_stopped",  # suggests P2
        at=at,
        **extra,
    )


def check(now, capture) -> dict[str, int]:
    with capture(execute=True):
        return service_levels_check(now=now)


def sent(subject_part: str) -> list[set[str]]:
    return [set(m.to) for m in mail.outbox if subject_part in m.subject]


def test_75_percent_warning_once_to_assignee_and_team_leader(
    desk, adviser, ann, team_leader, bob, django_capture_on_commit_callbacks
):
    ticket = log_p2(adviser, bob)
    assert ticket.priority == "P2"
    assert ticket.resolution_warn_at == WARN_AT
    assert ticket.resolution_due == DUE_AT
    ticket_reply(actor=adviser, ticket=ticket, body="We are looking into it.", at=london(2026, 4, 1, 11))
    ticket_assign(actor=adviser, ticket=ticket, assignee=ann, at=london(2026, 4, 1, 11, 5))
    mail.outbox.clear()

    check(WARN_AT - dt.timedelta(seconds=1), django_capture_on_commit_callbacks)
    assert mail.outbox == []

    assert check(WARN_AT, django_capture_on_commit_callbacks)["warnings"] == 1
    assert sent("75 %") == [{ann.email, team_leader.email}]
    message = mail.outbox[0]
    assert ticket.reference in message.subject
    assert (
        "10 April 2026 at 1:00pm" in message.body
        and f"/service-desk/tickets/{ticket.reference}/" in message.body
    )
    ticket.refresh_from_db()
    assert ticket.resolution_warned_at == WARN_AT
    assert (
        AuditEvent.objects.filter(action="servicedesk.sla_warning", object_label=ticket.reference).count()
        == 1
    )
    assert ("Warned", "grey") in sla_flags(ticket, WARN_AT)

    # The task runs every five minutes: nothing is sent twice.
    mail.outbox.clear()
    assert check(WARN_AT + dt.timedelta(minutes=5), django_capture_on_commit_callbacks)["warnings"] == 0
    assert check(WARN_AT + dt.timedelta(minutes=10), django_capture_on_commit_callbacks) == {
        "warnings": 0,
        "resolution_breaches": 0,
        "response_breaches": 0,
        "reviews": 0,
    }
    assert mail.outbox == []


def test_warning_for_an_unassigned_ticket_goes_to_its_tiers_queue(
    desk, adviser, ann, engineer, team_leader, bob, django_capture_on_commit_callbacks
):
    log_p2(adviser, bob)
    check(WARN_AT, django_capture_on_commit_callbacks)
    assert sent("75 %") == [{adviser.email, ann.email, team_leader.email}]


def test_no_warning_while_paused_or_once_resolved(desk, adviser, bob, django_capture_on_commit_callbacks):
    paused = log_p2(adviser, bob)
    ticket_reply(
        actor=adviser, ticket=paused, body="Which browser?", await_customer=True, at=london(2026, 4, 1, 11)
    )
    resolved = log_p2(adviser, bob)
    ticket_set_status(actor=adviser, ticket=resolved, status="resolved", at=london(2026, 4, 8, 9))
    paused.refresh_from_db()
    assert paused.resolution_warn_at is None and paused.resolution_due is None
    mail.outbox.clear()

    counts = check(london(2026, 4, 10, 16), django_capture_on_commit_callbacks)
    assert counts["warnings"] == 0 and counts["resolution_breaches"] == 0
    assert sent("75 %") == [] and sent("breached") == []

    # Resumed by the requester's reply a day later: the warning comes a working day later too.
    ticket_customer_reply(ticket=paused, author=bob, body="Firefox.", at=london(2026, 4, 2, 11))
    paused.refresh_from_db()
    assert paused.resolution_warn_at == london(2026, 4, 10, 10)
    check(london(2026, 4, 10, 9, 59), django_capture_on_commit_callbacks)
    assert sent("75 %") == []
    check(london(2026, 4, 10, 10), django_capture_on_commit_callbacks)
    assert len(sent("75 %")) == 1


def test_priority_change_that_moves_the_target_rearms_the_warning(
    desk, adviser, bob, django_capture_on_commit_callbacks
):
    ticket = log_p2(adviser, bob)
    check(WARN_AT, django_capture_on_commit_callbacks)
    assert len(sent("75 %")) == 1
    ticket_set_priority(
        actor=adviser,
        ticket=ticket,
        priority="P3",
        reason="A workaround is in place.",
        at=london(2026, 4, 9, 11),
    )
    ticket.refresh_from_db()
    # 75 % of 63 working hours is 47 h 15 m: 43 by Thursday 9 April's close, then 4 h 15 m.
    assert ticket.resolution_warn_at == london(2026, 4, 10, 12, 15)
    assert ticket.resolution_warned_at is None
    mail.outbox.clear()
    check(london(2026, 4, 10, 12, 14), django_capture_on_commit_callbacks)
    assert sent("75 %") == []
    check(london(2026, 4, 10, 12, 15), django_capture_on_commit_callbacks)
    assert len(sent("75 %")) == 1


def test_breach_goes_to_the_next_tier_up_once(
    desk, adviser, ann, engineer, senior, team_leader, bob, django_capture_on_commit_callbacks
):
    first_line = log_p2(adviser, bob)
    ticket_assign(actor=adviser, ticket=first_line, assignee=ann, at=london(2026, 4, 1, 10, 30))
    second_line = log_p2(adviser, bob)
    ticket_escalate(
        actor=adviser, ticket=second_line, reason="Needs an engineer.", at=london(2026, 4, 1, 10, 30)
    )
    check(DUE_AT - dt.timedelta(seconds=1), django_capture_on_commit_callbacks)
    assert sent("Resolution target breached") == []

    assert check(DUE_AT, django_capture_on_commit_callbacks)["resolution_breaches"] == 2
    notices = {
        m.subject.split("]")[0][1:]: set(m.to)
        for m in mail.outbox
        if "Resolution target breached" in m.subject
    }
    assert notices == {
        first_line.reference: {engineer.email, team_leader.email},
        second_line.reference: {senior.email, team_leader.email},
    }
    first_line.refresh_from_db()
    assert first_line.resolution_breach_notified_at == DUE_AT
    assert ("Next tier told", "grey") in sla_flags(first_line, DUE_AT)

    mail.outbox.clear()
    assert (
        check(DUE_AT + dt.timedelta(hours=1), django_capture_on_commit_callbacks)["resolution_breaches"] == 0
    )
    assert sent("Resolution target breached") == []


def test_breach_at_the_top_tier_goes_to_the_it_service_managers(
    desk, adviser, service_manager, team_leader, bob, django_capture_on_commit_callbacks
):
    ticket = log_p2(adviser, bob)
    ticket_escalate(
        actor=adviser, ticket=ticket, to_tier="service_manager", reason="Contract question.", at=LOGGED
    )
    check(DUE_AT, django_capture_on_commit_callbacks)
    assert sent("Resolution target breached") == [{service_manager.email, team_leader.email}]


def test_response_breach_tells_the_team_leaders_once(
    desk, adviser, team_leader, bob, django_capture_on_commit_callbacks
):
    answered = log_p2(adviser, bob)
    ticket_reply(actor=adviser, ticket=answered, body="On it.", at=london(2026, 4, 1, 13, 59))
    unanswered = log_p2(adviser, bob)
    check(london(2026, 4, 1, 13, 59), django_capture_on_commit_callbacks)
    assert sent("Response target breached") == []
    assert check(london(2026, 4, 1, 14), django_capture_on_commit_callbacks)["response_breaches"] == 1
    assert sent("Response target breached") == [{team_leader.email}]
    assert unanswered.reference in mail.outbox[-1].subject
    check(london(2026, 4, 1, 15), django_capture_on_commit_callbacks)
    assert len(sent("Response target breached")) == 1


def test_review_due_after_five_working_days_and_cleared_by_an_update(
    desk, adviser, ann, team_leader, bob, django_capture_on_commit_callbacks
):
    # P4 (planned work): no resolution clock, so review notices are the only ones.
    ticket = ticket_create(
        actor=adviser,
        requester=bob,
        channel=Ticket.Channel.PHONE,
        type=Ticket.Type.SERVICE_REQUEST,
        subject="Add a colour scheme",
        description="Bob would like a dark theme.",
        at=LOGGED,
    )
    assert ticket.priority == "P4"
    ticket_reply(actor=adviser, ticket=ticket, body="Noted.", at=london(2026, 4, 1, 11))
    ticket_assign(actor=adviser, ticket=ticket, assignee=ann, at=london(2026, 4, 1, 11))
    mail.outbox.clear()
    # Thursday 2, (Good Friday, Easter Monday), Tuesday 7, Wednesday 8, Thursday 9, Friday 10.
    due = london(2026, 4, 10, 11)
    assert working_time_between(london(2026, 4, 1, 11), due) == 5 * WORKING_DAY

    before = due - dt.timedelta(minutes=1)
    check(before, django_capture_on_commit_callbacks)
    assert sent("Review due") == []
    assert list(ticket_queue(team_leader, review_due=True, now=before)) == []

    assert check(due, django_capture_on_commit_callbacks)["reviews"] == 1
    assert sent("Review due") == [{ann.email, team_leader.email}]
    assert list(ticket_queue(team_leader, review_due=True, now=due)) == [ticket]
    ticket.refresh_from_db()
    assert ("Review due", "purple") in sla_flags(ticket, due)
    check(due + dt.timedelta(hours=2), django_capture_on_commit_callbacks)
    assert len(sent("Review due")) == 1

    # Any update clears it; five more idle working days make it due again, with a new notice.
    ticket_add_note(actor=ann, ticket=ticket, body="Asked the design team.", at=london(2026, 4, 10, 14))
    ticket.refresh_from_db()
    later = london(2026, 4, 10, 15)
    assert list(ticket_queue(team_leader, review_due=True, now=later)) == []
    assert ("Review due", "purple") not in sla_flags(ticket, later)
    check(later, django_capture_on_commit_callbacks)
    assert len(sent("Review due")) == 1
    check(london(2026, 4, 17, 14), django_capture_on_commit_callbacks)
    assert len(sent("Review due")) == 2


def test_resolved_tickets_close_after_ten_working_days_and_not_before(
    desk, adviser, bob, django_capture_on_commit_callbacks
):
    ticket = log_p2(adviser, bob)
    resolved_at = london(2026, 4, 1, 12)
    ticket_set_status(actor=adviser, ticket=ticket, status="resolved", at=resolved_at)
    # Thursday 2, Tuesday 7 … Friday 10, Monday 13 … Friday 17 April: 10 working days.
    window_ends = london(2026, 4, 17, 12)
    assert working_time_between(resolved_at, window_ends) == 10 * WORKING_DAY

    assert resolved_tickets_close(now=london(2026, 4, 16, 17)) == 0
    # At exactly 10 working days a reply still reopens it, so it is not closed yet.
    assert resolved_tickets_close(now=window_ends) == 0
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED

    closing = window_ends + dt.timedelta(minutes=1)
    assert resolved_tickets_close(now=closing) == 1
    assert resolved_tickets_close(now=closing + dt.timedelta(hours=1)) == 0
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED and ticket.closed_at == closing
    event = ticket.events.filter(kind=TicketEvent.Kind.STATUS).last()
    assert (event.to_value, event.author, event.author_name) == ("closed", None, SYSTEM_AUTHOR)
    audit = AuditEvent.objects.get(action="servicedesk.ticket_close_resolved")
    assert audit.actor is None and audit.object_label == ticket.reference
    with pytest.raises(ValidationError, match="Raise a new request"):
        ticket_customer_reply(
            ticket=ticket, author=bob, body="Still broken.", at=closing + dt.timedelta(days=1)
        )


def test_a_reply_inside_the_window_keeps_the_ticket_open(desk, adviser, bob):
    ticket = log_p2(adviser, bob)
    ticket_set_status(actor=adviser, ticket=ticket, status="resolved", at=london(2026, 4, 1, 12))
    ticket_customer_reply(ticket=ticket, author=bob, body="Still broken.", at=london(2026, 4, 17, 12))
    assert resolved_tickets_close(now=london(2026, 5, 29, 12)) == 0
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.REOPENED


def test_subtract_working_time_is_the_reverse_of_between(db):
    week = 5 * WORKING_DAY
    for end in [
        london(2026, 4, 10, 11),  # Friday after Easter
        london(2026, 4, 11, 10),  # Saturday: counts from Monday's opening
        london(2026, 4, 13, 8),  # Monday 08:00 exactly
        london(2026, 3, 30, 9, 30),  # the Monday after the clocks went forward
        london(2026, 12, 29, 16, 59),  # between Christmas and New Year
    ]:
        start = subtract_working_time(end, week)
        assert working_time_between(start, end) == week, end
        assert working_time_between(start + dt.timedelta(microseconds=1), end) < week, end
    assert subtract_working_time(london(2026, 4, 10, 11), week) == london(2026, 4, 1, 11)
    assert subtract_working_time(london(2026, 4, 13, 8), WORKING_DAY) == london(2026, 4, 10, 8)


def test_tasks_are_declared_and_enqueued_by_the_commands(desk, adviser, bob):
    assert [t.name for t in FREQUENT_TASKS] == ["check_service_levels"]
    assert [t.name for t in DAILY_TASKS] == ["close_resolved_tickets"]
    # Ticket logged long ago and never touched: the immediate backend runs the check now.
    log_p2(adviser, bob, at=timezone.now() - dt.timedelta(days=60))
    call_command("run-frequent")
    ticket = Ticket.objects.get()
    assert ticket.resolution_warned_at and ticket.resolution_breach_notified_at
    assert ticket.response_breach_notified_at and ticket.review_notified_at
    call_command("run-daily")
