"""Uploaded files are never served from MEDIA_URL, in any mode; a logo has its own public view."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import clear_url_caches

from bluelamp.organisations.services import organisation_update

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'


@pytest.fixture
def debug_urls(settings):
    """The URLconf as the development server builds it (DEBUG on), where Django's static() helper
    used to serve all of MEDIA_ROOT to anyone."""
    import importlib

    import config.urls

    settings.DEBUG = True
    importlib.reload(config.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(config.urls)
    clear_url_caches()


def test_private_uploads_are_not_served_from_media_url(debug_urls, client, signed_in, charlie, settings):
    for name in ("people-imports/kent.csv", "scorm/0000/index.html", "evidence/certificate.pdf"):
        stored = default_storage.save(name, ContentFile(b"staff_number,email\nK1,alice@kent.police.uk\n"))
        assert client.get(settings.MEDIA_URL + stored).status_code == 404
        assert signed_in(charlie).get(settings.MEDIA_URL + stored).status_code == 404
        client.logout()


def test_an_organisations_logo_is_served_by_its_own_view(client, kent, platform_admin):
    organisation_update(actor=platform_admin, organisation=kent, logo=ContentFile(SVG, name="kent.svg"))
    kent.refresh_from_db()
    page = client.get("/accounts/login/?org=kent").content.decode()
    assert '<img src="/organisations/kent/logo?v=' in page
    response = client.get("/organisations/kent/logo")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Security-Policy"].startswith("default-src 'none'")  # the script never runs
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == SVG
    assert client.get("/organisations/essex/logo").status_code == 404  # no logo
    assert client.get("/organisations/nowhere/logo").status_code == 404
    assert client.post("/organisations/kent/logo").status_code == 405
