"""The issue's journey from the release onwards, as people do it in the browser's pages: the
release carrying a CAB-approved change is announced and the key contacts receive it; the lead
plans the maintenance window that carries the change out and announces it; it shows on the public
status page and, as it approaches, in the banner on a learner's pages; the month's availability
report gives the figure with the maintenance left out. (The RFC, its problem, the CAB meeting and
the notice period refusing 10 working days out are changes' journey: test_cab.py.)"""

import datetime as dt
import re

import pytest

from bluelamp.availability.models import MaintenanceWindow
from bluelamp.availability.tests.helpers import samples, utc
from bluelamp.changes.models import Release
from bluelamp.changes.tests.helpers import make_rfc
from bluelamp.notifications.api import OutgoingEmail
from bluelamp.organisations.api import licence_contact_add

pytestmark = pytest.mark.django_db
AT = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)


def text(response) -> str:
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))
    return re.sub(r" ([:.,;)])", r"\1", words)


def clock(monkeypatch, at: dt.datetime) -> None:
    for name in (
        "bluelamp.changes.web.clock.now",
        "bluelamp.availability.web.clock.now",
        "bluelamp.availability.banner.now",
    ):
        monkeypatch.setattr(name, lambda: at)


def test_release_notice_maintenance_on_the_status_page_and_banner_then_the_months_figure(
    client, signed_in, monkeypatch, service_manager, bob, kent, essex
):
    for organisation, email in ((kent, "kim@kent.police.uk"), (essex, "ed@essex.police.uk")):
        licence_contact_add(
            actor=None, licence=organisation.licences.get(type="PL-P-101"), name="Key", email=email
        )
    rfc = make_rfc(title="Move the database to PostgreSQL 17", service="infrastructure")
    rfc.status = "approved"  # by the CAB at its meeting (test_cab.py walks it through the pages)
    rfc.save()
    clock(monkeypatch, AT)

    # The major release with its 30 working days' notice, announced: every key contact hears.
    signed_in(service_manager)
    client.post(
        "/changes/releases/new/",
        {
            "title": "Database upgrade",
            "type": "major",
            "summary": "A faster database.",
            "changes": [rfc.pk],
            "planned_for": "2027-01-21",
        },
    )
    release = Release.objects.get()
    announced = text(client.post(f"/changes/releases/{release.reference}/announce/", follow=True))
    assert f"{release.reference} is announced: its notes went to 2 key contacts." in announced
    notes = OutgoingEmail.objects.filter(kind="changes.release_notes")
    assert sorted(e.to[0] for e in notes) == ["ed@essex.police.uk", "kim@kent.police.uk"]

    # The maintenance window that carries the change out, planned and announced.
    response = client.post(
        "/availability/maintenance/new/",
        {
            "title": "Database upgrade",
            "description": "The database moves to PostgreSQL 17; Bluelamp is unavailable.",
            "start_day": "2027-01-23",
            "start_time": "22:00",
            "end_day": "2027-01-24",
            "end_time": "01:00",
            "change": rfc.reference,
        },
    )
    window = MaintenanceWindow.objects.get()
    assert response.status_code == 302 and window.change == rfc
    client.post(f"/availability/maintenance/{window.uuid}/announce/")
    told = OutgoingEmail.objects.filter(kind="availability.maintenance_announced")
    assert sorted(e.to[0] for e in told) == ["ed@essex.police.uk", "kim@kent.police.uk"]
    client.logout()

    when = "from 10pm on Saturday 23 January 2027 to 1am on Sunday 24 January 2027"
    status = text(client.get("/status"))
    assert "Database upgrade" in status and f"Bluelamp may be unavailable {when}." in status

    # A learner's pages: nothing yet; the banner from three days before, and while it lasts.
    signed_in(bob)
    assert 'data-testid="maintenance-banner"' not in client.get("/learning/").content.decode()
    clock(monkeypatch, utc(2027, 1, 21, 9, 0))
    assert f"Bluelamp may be unavailable {when}." in text(client.get("/learning/"))
    clock(monkeypatch, utc(2027, 1, 23, 23, 30))
    assert "Maintenance is under way" in text(client.get("/learning/"))
    client.logout()

    # January, checked every minute: down 3 hours inside the window, and 40 minutes outside it.
    january = utc(2027, 1, 1, 0, 0)
    window_start = (window.starts_at - january) // dt.timedelta(minutes=1)
    samples(
        january,
        31 * 24 * 60,
        database={
            **dict.fromkeys(range(window_start, window_start + 180), "down"),
            **dict.fromkeys(range(3000, 3040), "down"),
        },
    )
    clock(monkeypatch, utc(2027, 2, 2, 9, 0))
    signed_in(service_manager)
    report = text(client.get("/availability/?month=2027-01"))
    # 44,640 minutes, 180 of them maintenance: 40 down of 44,460 = 99.910%.
    assert "99.910%" in report and "against a target of 98.0%: met" in report
    assert "Planned maintenance (3 h 00 min) is left out" in report
    assert re.search(r"40\s+No", report) and re.search(
        r"180\s+Planned maintenance\s+Database upgrade", report
    )
