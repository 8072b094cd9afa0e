"""The monthly figures, worked by hand: available, down and not-checked minutes for each part and
the service, planned maintenance left out and shown apart, outages linked to the maintenance and
major incidents they fall in; London's months (and days, clocks changing)."""

import datetime as dt

import pytest

from bluelamp.availability.figures import month_bounds, month_report
from bluelamp.availability.models import MaintenanceWindow
from bluelamp.availability.tests.helpers import samples, utc
from bluelamp.servicedesk.incidents.models import MajorIncident

pytestmark = pytest.mark.django_db
D = dt.date
START = utc(2026, 11, 28, 0, 0)  # monitoring begins; London is on GMT in November


def test_months_are_londons():
    assert month_bounds(D(2026, 11, 17)) == (utc(2026, 11, 1, 0, 0), utc(2026, 12, 1, 0, 0))
    # British Summer Time: the month begins at 23:00 UTC the day before.
    assert month_bounds(D(2026, 7, 1)) == (utc(2026, 6, 30, 23, 0), utc(2026, 7, 31, 23, 0))


def test_nothing_is_counted_before_the_first_sample():
    report = month_report(D(2026, 11, 1), at=utc(2026, 12, 3, 9, 0))
    assert report.counted_from is None and report.service.tally.counted == 0
    assert report.service.met is None and report.days == ()


def _window(start, end, **extra):
    return MaintenanceWindow.objects.create(
        title=extra.pop("title", "Upgrade"),
        description="x",
        starts_at=start,
        ends_at=end,
        created_at=start,
        **extra,
    )


def test_a_hand_worked_two_hours(service_manager):
    # 120 minutes from START: the database down at minutes 10-19; no sample at 30-34; planned
    # maintenance 60-89 with the pages down at 65-84; e-mail slow (down, not required) at 100-104.
    samples(
        START,
        120,
        database=dict.fromkeys(range(10, 20), "down"),
        web=dict.fromkeys(range(65, 85), "down"),
        email=dict.fromkeys(range(100, 105), "down"),
        skip=range(30, 35),
    )
    window = _window(START + dt.timedelta(minutes=60), START + dt.timedelta(minutes=90))
    _window(
        START + dt.timedelta(minutes=5), START + dt.timedelta(minutes=50), status="cancelled", title="Off"
    )
    report = month_report(D(2026, 11, 1), at=START + dt.timedelta(minutes=120, seconds=30))

    assert (report.counted_from, report.counted_to) == (START, START + dt.timedelta(minutes=120))
    service = report.service.tally
    assert (service.available, service.down, service.unchecked) == (75, 10, 5)
    assert (service.maintenance, service.maintenance_unavailable) == (30, 20)
    assert round(service.percent, 3) == 83.333 and report.service.met is False
    parts = {p.name: p for p in report.parts}
    assert (parts["database"].tally.down, parts["database"].tally.unchecked) == (10, 5)
    assert parts["web"].tally.maintenance_unavailable == 20 and parts["web"].tally.down == 0
    # E-mail is not a part the service cannot run without: down for it, degraded for the service.
    assert parts["email"].tally.down == 5 and parts["cache"].tally.percent == pytest.approx(85 / 90 * 100)

    outages = [(o.starts_at, o.minutes, o.planned, [w.title for w in o.windows]) for o in report.outages]
    assert outages == [
        (START + dt.timedelta(minutes=10), 10, False, []),
        (START + dt.timedelta(minutes=30), 5, False, []),
        (START + dt.timedelta(minutes=65), 20, True, [window.title]),
    ]
    assert report.outages[1].unchecked == 5 and report.outages[1].down == 0
    assert [w.title for w in report.windows] == ["Upgrade"]
    assert [d.day for d in report.days] == [D(2026, 11, 28)]


def test_an_outage_is_linked_to_the_major_incident_open_then(service_manager, bob):
    from bluelamp.servicedesk.api import ticket_create
    from bluelamp.servicedesk.incidents.services import major_incident_declare

    samples(START, 60, database=dict.fromkeys(range(10, 20), "down"))
    ticket = ticket_create(
        actor=bob,
        type="incident",
        subject="Nothing loads",
        description="Every page fails.",
        impact="whole_service",
        urgency="work_stopped",
        at=START,
    )
    major_incident_declare(
        actor=service_manager, ticket=ticket, summary="Database down", at=START + dt.timedelta(minutes=12)
    )
    incident = MajorIncident.objects.get()
    report = month_report(D(2026, 11, 1), at=START + dt.timedelta(minutes=60))
    (outage,) = report.outages
    assert [i.reference for i in outage.incidents] == [incident.ticket.reference]
    assert [i.reference for i in report.incidents] == [incident.ticket.reference]


def test_a_part_never_monitored_is_left_out():
    samples(START, 30, web=dict.fromkeys(range(30), "off"))
    report = month_report(D(2026, 11, 1), at=START + dt.timedelta(minutes=30))
    web = next(p for p in report.parts if p.name == "web")
    assert web.monitored is False and web.tally.counted == 0 and web.met is None
    assert report.service.tally.percent == 100.0 and report.service.met is True


def test_the_day_the_clocks_go_back_has_25_hours():
    first = utc(2026, 10, 24, 23, 0)  # midnight in London, 25 October 2026 (BST ends at 01:00 UTC)
    samples(first, 25 * 60 + 30)
    report = month_report(D(2026, 10, 1), at=first + dt.timedelta(minutes=25 * 60 + 30))
    assert [(d.day, d.tally.counted) for d in report.days] == [
        (D(2026, 10, 25), 25 * 60),
        (D(2026, 10, 26), 30),
    ]
