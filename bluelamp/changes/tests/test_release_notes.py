"""Announcing a release sends its notes to every licence's key contacts (after commit, through the
mail queue); deploying sends them again and marks its changes implemented; the public release
notes show announced and deployed releases only."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bluelamp.changes.models import Release
from bluelamp.changes.services import (
    release_announce,
    release_deploy,
    release_reschedule,
    rfc_decide_emergency,
)
from bluelamp.changes.tests.helpers import AT, make_release, make_rfc
from bluelamp.notifications.api import OutgoingEmail
from bluelamp.organisations.api import licence_contact_add
from conftest import make_person

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr("bluelamp.changes.web.clock.now", lambda: AT)


@pytest.fixture
def contacts(kent, essex):
    licence_contact_add(
        actor=None, licence=kent.licences.get(type="PL-P-101"), name="Kim Kent", email="kim@kent.police.uk"
    )
    licence_contact_add(
        actor=None, licence=essex.licences.get(type="PL-P-101"), name="Ed Essex", email="ed@essex.police.uk"
    )


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_announcing_sends_the_notes_to_every_key_contact(service_manager, contacts):
    release = make_release(actor=service_manager, type="minor", planned_for=D(2026, 12, 14), faqs="Q? A.")
    assert release_announce(actor=service_manager, release=release, at=AT) == 2
    release.refresh_from_db()
    assert (release.status, release.notice_on) == (Release.Status.ANNOUNCED, D(2026, 12, 7))
    emails = OutgoingEmail.objects.filter(kind="changes.release_notes").order_by("to")
    assert [e.to for e in emails] == [["ed@essex.police.uk"], ["kim@kent.police.uk"]]
    assert emails[0].subject == "Bluelamp release notes: Coming on Monday 14 December 2026: December release"
    assert "Q? A." in emails[0].text_body and f"/release-notes/{release.reference}/" in emails[0].text_body
    with pytest.raises(ValidationError, match="only a planned release is announced"):
        release_announce(actor=service_manager, release=release, at=AT)


def test_a_release_whose_notice_no_longer_fits_is_not_announced(service_manager, contacts):
    release = make_release(actor=service_manager, type="minor", planned_for=D(2026, 12, 14))
    a_day_late = AT + dt.timedelta(days=1)  # 5 working days from Tuesday 8th: the 15th
    with pytest.raises(ValidationError, match=r"Tuesday 15 December 2026"):
        release_announce(actor=service_manager, release=release, at=a_day_late)
    assert not OutgoingEmail.objects.exists()
    assert Release.objects.get().status == Release.Status.PLANNED


def test_deploying_marks_the_changes_implemented_and_sends_the_notes_again(
    national, service_manager, contacts
):
    cab = make_person(national, "cas@national.example", roles=["cab_member"])
    change = rfc_decide_emergency(
        actor=cab, rfc=make_rfc(priority=1), decision="approve", reason="Security", at=AT
    )
    release = make_release(
        actor=service_manager,
        type="minor",
        planned_for=D(2026, 12, 8),
        changes=(change,),
        emergency_reason="A fix",
    )
    with pytest.raises(ValidationError, match="announce it before"):
        release_deploy(actor=service_manager, release=release, at=AT)
    release_announce(actor=service_manager, release=release, at=AT)
    with pytest.raises(PermissionDenied):
        release_deploy(actor=cab, release=release, at=AT)
    assert release_deploy(actor=service_manager, release=release, at=AT + dt.timedelta(days=1)) == 2
    change.refresh_from_db()
    assert change.status == "implemented"
    assert OutgoingEmail.objects.filter(subject__contains="Now live: December release").count() == 2
    assert "A fix" in OutgoingEmail.objects.last().text_body


def test_the_public_release_notes_show_announced_and_deployed_releases_only(
    client, service_manager, contacts
):
    planned = make_release(actor=service_manager, title="Still a secret plan", planned_for=D(2027, 3, 1))
    announced = make_release(actor=service_manager, title="New catalogue", planned_for=D(2027, 2, 1))
    release_announce(actor=service_manager, release=announced, at=AT)
    listing = text(client.get("/release-notes/"))
    assert "New catalogue" in listing and "Still a secret plan" not in listing
    page = client.get(f"/release-notes/{announced.reference}/")
    assert page.status_code == 200 and "Need to understand the changes and plan for the effects" in text(page)
    assert client.get(f"/release-notes/{planned.reference}/").status_code == 404


def test_a_lead_announces_from_the_release_page(client, signed_in, service_manager, contacts):
    release = make_release(actor=service_manager, type="minor", planned_for=D(2026, 12, 14))
    signed_in(service_manager)
    assert "Announce the release" in text(client.get(f"/changes/releases/{release.reference}/"))
    response = client.post(f"/changes/releases/{release.reference}/announce/")
    assert response.status_code == 302
    page = text(client.get(f"/changes/releases/{release.reference}/"))
    assert "its notes went to 2 key contacts" in page
    assert "Record that it is live" in page


def test_moving_an_announced_release_tells_the_key_contacts(service_manager, contacts):
    release = make_release(actor=service_manager, type="minor", planned_for=D(2026, 12, 14))
    release_announce(actor=service_manager, release=release, at=AT)
    with pytest.raises(ValidationError, match="Monday 14 December 2026"):  # still counted from the 7th
        release_reschedule(actor=service_manager, release=release, planned_for=D(2026, 12, 11), at=AT)
    release_reschedule(actor=service_manager, release=release, planned_for=D(2026, 12, 21), at=AT)
    moved = OutgoingEmail.objects.filter(
        subject__contains="Moved from Monday 14 December 2026 to Monday 21 December"
    )
    assert moved.count() == 2
    release_reschedule(actor=service_manager, release=release, planned_for=D(2026, 12, 21), at=AT)  # no move
    assert OutgoingEmail.objects.filter(subject__contains="Moved").count() == 2
