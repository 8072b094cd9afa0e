"""Every page carries a Content-Security-Policy, a Permissions-Policy and the other security
headers (docs/operations.md, "Security headers").

(That the site still works under them is checked by every browser journey: tests/browser fails
on any CSP violation.)
"""

import re

from django.urls import reverse

from bluelamp.learning.api import enrol_self
from bluelamp.learning.tests.conftest import import_course


def _policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else "" for part in header.split("; ")
    }


def test_pages_have_a_strict_script_policy_with_a_nonce(client, db):
    for path in ("/", "/accounts/login/", "/licence-check/"):
        response = client.get(path)
        assert response.status_code == 200, path
        policy = _policy(response)
        nonce = re.search(r"'nonce-([^']+)'", policy["script-src"]).group(1)
        assert policy["script-src"] == f"'self' 'nonce-{nonce}'", path
        assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in policy["script-src"]
        assert policy["object-src"] == "'none'" and policy["frame-src"] == "'none'"
        assert policy["worker-src"] == "'none'" and policy["manifest-src"] == "'self'"
        assert policy["frame-ancestors"] == "'none'" and response["X-Frame-Options"] == "DENY"
        assert policy["form-action"] == "'self'" and policy["base-uri"] == "'self'"
        # Violations are reported to us: report-uri, and over HTTPS the Reporting API too.
        assert policy["report-uri"] == "/csp-reports" and "report-to" not in policy
        secure = client.get(path, secure=True)
        assert _policy(secure)["report-to"] == "csp"
        assert secure["Reporting-Endpoints"] == 'csp="https://testserver/csp-reports"'
        # Not outside production.
        assert "upgrade-insecure-requests" not in policy
        # The only inline script (GOV.UK Frontend's js-enabled line) carries the nonce.
        inline = re.findall(
            r"<script(?![^>]*\bsrc=)(?![^>]*application/json)([^>]*)>", response.content.decode()
        )
        assert inline and all(f'nonce="{nonce}"' in attributes for attributes in inline), (path, inline)
        permissions = response.headers["Permissions-Policy"]
        assert (
            "camera=()" in permissions and "geolocation=()" in permissions and "microphone=()" in permissions
        )
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert response["Cross-Origin-Resource-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Permitted-Cross-Domain-Policies"] == "none"


def test_the_player_alone_may_frame_the_content_origin(client, signed_in, bob, national):
    course = import_course(national)
    enrolment = enrol_self(person=bob, course=course)
    signed_in(bob)
    activity = enrolment.version.activities.get()
    sco = activity.scorm_package.scos.get()
    response = client.get(reverse("learning:play", args=[enrolment.uuid, activity.pk, sco.pk]))
    assert _policy(response)["frame-src"] == "http://localhost"
    assert _policy(client.get(reverse("learning:my_learning")))["frame-src"] == "'none'"


def test_single_sign_on_pages_alone_may_send_a_form_to_the_identity_provider(client, kent):
    """allauth's "Sign in with <provider>" page posts to us and we redirect to the provider, which
    form-action governs too: any https origin there (a provider on this machine in development)."""
    from bluelamp.organisations.services import single_sign_on_save

    sso = single_sign_on_save(
        actor=None,
        organisation=kent,
        server_url="https://login.microsoftonline.com/kent/v2.0",
        client_id="bluelamp-kent",
        client_secret="not-a-real-secret",
        allowed_email_domains="kent.police.uk",
    )
    response = client.get(reverse("openid_connect_login", args=[sso.social_app.provider_id]))
    assert response.status_code == 200
    form_action = _policy(response)["form-action"].split()
    assert form_action[:2] == ["'self'", "https:"] and "http:" not in form_action
    assert _policy(client.get("/accounts/login/"))["form-action"] == "'self'"


def test_what_a_signed_in_person_is_shown_is_never_stored(client, signed_in, bob, db):
    """A shared computer at a station: after signing out, Back must not show the last person's
    pages from the browser's cache, nor may a proxy keep them."""
    public = client.get(reverse("accessibility"))
    assert "no-store" not in public.get("Cache-Control", "")
    signed_in(bob)
    for url in (reverse("accessibility"), reverse("learning:my_learning"), reverse("learning:catalogue")):
        response = client.get(url)
        assert response.status_code == 200
        assert set(response["Cache-Control"].replace(" ", "").split(",")) >= {"private", "no-store"}, url
