"""Tickets logged before migration 0003 have no stored 75 % warning time: the monitoring fills
it from their history (the same computation as a change would make) and then warns them.

Calendar as in test_monitoring: a P2 logged at 10:00 on Wednesday 1 April 2026 (Easter) reaches
75 % of its budget at 10:00 on Thursday 9 April.
"""

import datetime as dt

import pytest
from django.core import mail

from bluelamp.servicedesk.tickets.models import Ticket
from bluelamp.servicedesk.tickets.monitoring import resolution_warn_at_backfill, service_levels_check
from bluelamp.servicedesk.tickets.services import (
    ticket_create,
    ticket_customer_reply,
    ticket_reply,
    ticket_set_status,
)
from conftest import london

pytestmark = pytest.mark.django_db

LOGGED = london(2026, 4, 1, 10)
WARN_AT = london(2026, 4, 9, 10)


def _log(adviser, bob, *, urgency="work_stopped", subject="Course page will not load") -> Ticket:
    return ticket_create(
        actor=adviser,
        requester=bob,
        channel=Ticket.Channel.PHONE,
        type=Ticket.Type.INCIDENT,
        subject=subject,
        description="The course page shows an error.",
        impact="small_group",
        urgency=urgency,
        at=LOGGED,
    )


def _as_before_0003(*tickets: Ticket) -> None:
    Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(resolution_warn_at=None)


def test_backfill_matches_what_the_services_compute_pauses_included(adviser, bob):
    plain = _log(adviser, bob)
    paused = _log(adviser, bob, subject="Certificate missing")
    # Awaiting the customer for a whole working day (Thursday 2 April) pushes the warning on.
    ticket_reply(
        actor=adviser, ticket=paused, body="Which course?", await_customer=True, at=london(2026, 4, 2, 8)
    )
    ticket_customer_reply(ticket=paused, body="Driving course.", author=bob, at=london(2026, 4, 7, 8))
    paused.refresh_from_db()
    assert paused.resolution_warn_at > WARN_AT
    expected = {t.pk: Ticket.objects.get(pk=t.pk).resolution_warn_at for t in (plain, paused)}

    p4 = _log(adviser, bob, urgency="inconvenience", subject="Typo on a page")
    assert p4.priority == "P4" and p4.resolution_due is None  # planned work: no resolution clock
    resolved = _log(adviser, bob, subject="Fixed already")
    ticket_set_status(actor=adviser, ticket=resolved, status="resolved", at=london(2026, 4, 1, 11))
    _as_before_0003(plain, paused, p4, resolved)

    filled = resolution_warn_at_backfill()

    assert filled == 2
    for pk, warn_at in expected.items():
        assert Ticket.objects.get(pk=pk).resolution_warn_at == warn_at
    # A resolved ticket is not warned of anything, and P4 has nothing to warn of: left alone.
    assert Ticket.objects.get(pk=resolved.pk).resolution_warn_at is None
    assert Ticket.objects.get(pk=p4.pk).resolution_warn_at is None
    # Nothing left to do on the next run.
    assert resolution_warn_at_backfill() == 0


def test_a_ticket_from_before_0003_is_warned_by_the_task(
    adviser, bob, national, django_capture_on_commit_callbacks
):
    from conftest import make_person

    make_person(national, "tess@national.example", first="Tess", last="Leader", roles=["cc_team_leader"])
    ticket = _log(adviser, bob)
    _as_before_0003(ticket)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        early = service_levels_check(now=WARN_AT - dt.timedelta(minutes=1))
    assert early["warnings"] == 0
    ticket.refresh_from_db()
    assert ticket.resolution_warn_at == WARN_AT  # filled on the first run, not yet due

    with django_capture_on_commit_callbacks(execute=True):
        assert service_levels_check(now=WARN_AT)["warnings"] == 1
    assert any("75 %" in m.subject and "tess@national.example" in m.to for m in mail.outbox)


def test_paused_ticket_has_no_target_and_is_not_backfilled(adviser, bob):
    ticket = _log(adviser, bob)
    ticket_reply(
        actor=adviser, ticket=ticket, body="Which course?", await_customer=True, at=london(2026, 4, 1, 11)
    )
    ticket.refresh_from_db()
    assert ticket.resolution_due is None and ticket.resolution_warn_at is None
    assert resolution_warn_at_backfill() == 0
