"""The desk's demo data: made through the services, with the states a team leader needs to try
the dashboard and queues, once only."""

import time

import pytest

from bluelamp.servicedesk.demo import desk_demo_load
from bluelamp.servicedesk.incidents.models import MajorIncident
from bluelamp.servicedesk.problems.models import Problem
from bluelamp.servicedesk.tickets.models import CannedResponse, Contact, Ticket
from bluelamp.servicedesk.tickets.selectors import review_due_before, sla_flags
from conftest import london, make_person

pytestmark = pytest.mark.django_db

NOW = london(2026, 11, 18, 11)  # a Wednesday morning


def test_demo_desk_data(national, kent, adviser, engineer, service_manager):
    team_leader = make_person(
        national, "tess@national.example", first="Tess", last="Leader", roles=["cc_team_leader"]
    )
    requesters = [
        make_person(kent, f"officer{i}@kent.example", first=f"Officer{i}", last="Kent") for i in range(5)
    ]
    started = time.monotonic()
    made = desk_demo_load(
        adviser=adviser,
        team_leader=team_leader,
        engineer=engineer,
        service_manager=service_manager,
        requesters=requesters,
        now=NOW,
        log=lambda _: None,
    )
    assert time.monotonic() - started < 10
    assert made == Ticket.objects.count() >= 18
    tickets = list(Ticket.objects.all())
    assert min(t.created_at for t in tickets) < london(2026, 10, 14)  # about six weeks back
    assert max(t.last_activity_at for t in tickets) <= NOW
    assert {t.priority for t in tickets} == {"P1", "P2", "P3", "P4"}
    assert {t.tier for t in tickets} >= {"first_line", "second_line", "senior", "lead"}
    assert {t.status for t in tickets} >= {
        "open",
        "resolved",
        "closed",
        "reopened",
        "awaiting_customer",
        "awaiting_third_party",
        "new",
    }
    assert len({t.category_id for t in tickets}) >= 5

    flags = {t.subject: [text for text, _ in sla_flags(t, NOW)] for t in tickets}
    assert "Breached" in flags["HR import rejects a valid file"]
    assert "At risk" in " ".join(flags["Two-factor codes not arriving for a whole team"])
    assert "Clock paused" in flags["Course progress lost after finishing a module"]
    review = [t.subject for t in tickets if t.is_active and t.last_activity_at <= review_due_before(NOW)]
    assert review == ["Custom report of mandatory training by unit"]

    (problem,) = Problem.objects.all()
    assert problem.incidents.count() == 2 and problem.article is not None and problem.workaround
    (incident,) = MajorIncident.objects.all()
    assert incident.entries.filter(kind="action").exists() and incident.gold_members.filter(
        pk=service_manager.pk
    )
    assert Ticket.objects.filter(type="complaint").count() == 1
    assert CannedResponse.objects.filter(owner__isnull=True).count() == 2
    assert Contact.objects.count() == 2

    # Idempotent: a second run changes nothing.
    assert (
        desk_demo_load(
            adviser=adviser,
            team_leader=team_leader,
            engineer=engineer,
            service_manager=service_manager,
            requesters=requesters,
            now=NOW,
            log=lambda _: None,
        )
        == 0
    )
    assert Ticket.objects.count() == made and CannedResponse.objects.count() == 2
