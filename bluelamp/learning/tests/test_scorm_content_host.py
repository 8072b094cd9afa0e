"""SCORM content's own origin: files only, to a signed launch, never with a cookie.

(The browser side — a hostile package reading nothing of the site — is in
tests/browser/test_scorm_isolation.py.)
"""

import html
import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.urls import reverse

from bluelamp.learning.api import enrol_self
from bluelamp.learning.scorm import content_host


def _player(client, enrolment):
    activity = enrolment.version.activities.get()
    sco = activity.scorm_package.scos.get()
    response = client.get(reverse("learning:play", args=[enrolment.uuid, activity.pk, sco.pk]))
    assert response.status_code == 200
    return response


def _launch(player) -> str:
    frame = re.search(r'id="scorm-frame"[^>]*data-src="([^"]+)"', player.content.decode())
    assert frame is not None, "the player frames no launch page"
    return html.unescape(frame.group(1))


@pytest.fixture
def launched(client, signed_in, bob, national_course):
    signed_in(bob)
    enrolment = enrol_self(person=bob, course=national_course)
    launch = urlsplit(_launch(_player(client, enrolment)))
    token = launch.path.split("/")[2]
    return {"launch": launch, "token": token, "sco": parse_qs(launch.query)["launch"][0]}


def test_the_player_frames_a_sandboxed_launch_page_on_another_origin(client, launched):
    launch = launched["launch"]
    assert (launch.scheme, launch.netloc) == ("http", "localhost")  # the player is at testserver
    page = client.get(f"{launch.path}?{launch.query}", HTTP_HOST="localhost")
    assert page.status_code == 200
    body = page.content.decode()
    assert '<script src="/scorm-content/-runtime/cross-frame-api.min.js">' in body
    assert "new CrossFrameAPI(config.playerOrigin, window.parent)" in body
    assert '"playerOrigin": "http://testserver"' in body
    assert f'data-src="{launched["sco"]}"' in body
    csp = page.headers["Content-Security-Policy"]
    assert "connect-src 'self'" in csp and "frame-ancestors http://testserver http://localhost" in csp
    assert page.headers["Referrer-Policy"] == "no-referrer"
    runtime = client.get("/scorm-content/-runtime/cross-frame-api.min.js", HTTP_HOST="localhost")
    assert runtime.status_code == 200 and b"CrossFrameAPI" in runtime.content


def test_content_never_sees_or_sets_a_cookie(client, launched):
    """The learner's session cookie may reach the content host (e.g. a shared parent domain
    misconfigured): it is ignored, and nothing of the session is read, written or sent back."""
    path = f"{launched['launch'].path}{launched['sco']}"
    assert client.cookies.get("sessionid")
    response = client.get(path, HTTP_HOST="localhost")
    assert response.status_code == 200 and b"LMSInitialize" in b"".join(response.streaming_content)
    assert not response.cookies
    assert "Set-Cookie" not in response.headers and "Vary" not in response.headers
    client.cookies.clear()
    assert client.get(path, HTTP_HOST="localhost").status_code == 200  # the launch is the key


def test_content_is_not_served_on_the_sites_own_origin(client, launched):
    path = f"{launched['launch'].path}{launched['sco']}"
    assert client.get(path).status_code == 404  # testserver is the site


def test_a_tampered_or_expired_launch_is_not_found(client, launched, monkeypatch):
    path = launched["launch"].path
    forged = path.replace(launched["token"], launched["token"][:-3] + "abc")
    assert client.get(forged + launched["sco"], HTTP_HOST="localhost").status_code == 404
    assert client.get("/scorm-content/nonsense/index.html", HTTP_HOST="localhost").status_code == 404
    later = time.time() + content_host.TOKEN_MAX_AGE_SECONDS + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert client.get(path + launched["sco"], HTTP_HOST="localhost").status_code == 404


def test_a_launch_opens_only_a_path_inside_its_package(client, launched):
    path = launched["launch"].path
    for bad in (
        "https://evil.example/",
        "//evil.example/x",
        "/django-admin/",
        "javascript:alert(1)",
        "../x.html",
        "",
    ):
        response = client.get(path, {"launch": bad}, HTTP_HOST="localhost")
        assert response.status_code == 404, bad
    assert client.get(path + "../../etc/passwd", HTTP_HOST="localhost").status_code == 404


def test_content_host_answers_reads_only(client, launched):
    path = f"{launched['launch'].path}{launched['sco']}"
    assert client.post(path, {"x": "1"}, HTTP_HOST="localhost").status_code == 405
    assert client.head(path, HTTP_HOST="localhost").status_code == 200


def test_with_a_configured_content_origin_that_host_serves_nothing_else(
    client, signed_in, bob, national_course, settings
):
    settings.SCORM_CONTENT_ORIGIN = "https://learn-content.example"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "learn-content.example"]
    signed_in(bob)
    enrolment = enrol_self(person=bob, course=national_course)
    launch = urlsplit(_launch(_player(client, enrolment)))
    assert (launch.scheme, launch.netloc) == ("https", "learn-content.example")
    sco = parse_qs(launch.query)["launch"][0]
    content = {"HTTP_HOST": "learn-content.example", "secure": True}
    assert client.get(launch.path + sco, **content).status_code == 200
    # Nothing of the site on the content host: not its pages, sign-in, API or static files.
    for path in (
        "/",
        "/accounts/login/",
        "/api/v1/licence-check/",
        "/learning/",
        "/static/bluelamp/bluelamp.css",
    ):
        response = client.get(path, **content)
        assert response.status_code == 404, path
        assert "Set-Cookie" not in response.headers
    # And no content on the site's host.
    assert client.get(launch.path + sco, secure=True).status_code == 404


def test_the_deploy_check_wants_a_content_origin_of_its_own(settings):
    from bluelamp.learning.apps import check_scorm_content_origin

    settings.SITE_URL = "https://learn.example"
    settings.ORGANISATION_DOMAIN_SUFFIX = "learn.example"
    settings.SCORM_CONTENT_ORIGIN = ""
    assert [e.id for e in check_scorm_content_origin()] == ["bluelamp.E001"]
    settings.SCORM_CONTENT_ORIGIN = "https://content.learn.example"
    assert [e.id for e in check_scorm_content_origin()] == ["bluelamp.E003"]
    settings.SCORM_CONTENT_ORIGIN = "https://learn-content.example/files"
    assert [e.id for e in check_scorm_content_origin()] == ["bluelamp.E002"]
    settings.SCORM_CONTENT_ORIGIN = "https://learn-content.example"
    assert check_scorm_content_origin() == []
