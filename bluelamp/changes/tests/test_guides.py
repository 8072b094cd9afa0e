"""Guides attached to a release's notes: the service's leads attach them (the desk's rules for
files), they show with the notes (public once announced) and the e-mails link them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bluelamp.changes.models import ReleaseGuide
from bluelamp.changes.services import release_announce, release_guide_add
from bluelamp.changes.tests.helpers import AT, make_release
from bluelamp.notifications.api import OutgoingEmail
from bluelamp.organisations.api import licence_contact_add

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n" + b"x" * 2000


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr("bluelamp.changes.web.clock.now", lambda: AT)


def test_a_lead_attaches_a_guide_that_goes_public_with_the_notes(client, signed_in, service_manager, kent):
    licence_contact_add(
        actor=None, licence=kent.licences.get(type="PL-P-101"), name="Kim", email="kim@kent.police.uk"
    )
    release = make_release(actor=service_manager)
    signed_in(service_manager)
    bad = client.post(
        f"/changes/releases/{release.reference}/guides/",
        {
            "title": "Quick guide",
            "file": SimpleUploadedFile("guide.exe", b"MZ\x90", content_type="application/octet-stream"),
        },
    )
    assert (
        bad.status_code == 400
        and "guide.exe cannot be attached: .exe files are not accepted" in bad.content.decode()
    )
    added = client.post(
        f"/changes/releases/{release.reference}/guides/",
        {
            "title": "Quick guide to the new catalogue",
            "file": SimpleUploadedFile("quick-guide.pdf", PDF, content_type="application/pdf"),
        },
        follow=True,
    )
    assert "“Quick guide to the new catalogue” is attached to the release notes." in added.content.decode()
    guide = ReleaseGuide.objects.get()
    staff_copy = client.get(f"/changes/releases/{release.reference}/guides/{guide.pk}/")
    assert b"".join(staff_copy.streaming_content) == PDF
    client.logout()
    public = f"/release-notes/{release.reference}/guides/{guide.pk}/"
    assert client.get(public).status_code == 404  # not announced yet
    release_announce(actor=service_manager, release=release, at=AT)
    response = client.get(public)
    assert response["Content-Type"] == "application/pdf" and b"".join(response.streaming_content) == PDF
    assert (
        "Quick guide to the new catalogue"
        in client.get(f"/release-notes/{release.reference}/").content.decode()
    )
    email = OutgoingEmail.objects.get(kind="changes.release_notes")
    assert f"Quick guide to the new catalogue: http://127.0.0.1:8000{public}" in email.text_body

    signed_in(service_manager)
    removed = client.post(f"/changes/releases/{release.reference}/guides/{guide.pk}/remove/", follow=True)
    assert "is removed from the release notes" in removed.content.decode()
    assert not ReleaseGuide.objects.exists()


def test_only_leads_attach_guides(engineer_or_cab):
    release = make_release()
    with pytest.raises(Exception, match="Only the service's leads"):
        release_guide_add(
            actor=engineer_or_cab, release=release, title="x", upload=SimpleUploadedFile("g.pdf", PDF), at=AT
        )


@pytest.fixture
def engineer_or_cab(national):
    from conftest import make_person

    return make_person(
        national, "eve@national.example", first="Eve", last="Engineer", roles=["app_ops_engineer"]
    )
