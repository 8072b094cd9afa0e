"""Every page carries a Content-Security-Policy and a Permissions-Policy.

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
        assert policy["frame-ancestors"] == "'self'"
        # The only inline script (GOV.UK Frontend's js-enabled line) carries the nonce.
        inline = re.findall(
            r"<script(?![^>]*\bsrc=)(?![^>]*application/json)([^>]*)>", response.content.decode()
        )
        assert inline and all(f'nonce="{nonce}"' in attributes for attributes in inline), (path, inline)
        permissions = response.headers["Permissions-Policy"]
        assert (
            "camera=()" in permissions and "geolocation=()" in permissions and "microphone=()" in permissions
        )


def test_the_player_alone_may_frame_the_content_origin(client, signed_in, bob, national):
    course = import_course(national)
    enrolment = enrol_self(person=bob, course=course)
    signed_in(bob)
    activity = enrolment.version.activities.get()
    sco = activity.scorm_package.scos.get()
    response = client.get(reverse("learning:play", args=[enrolment.uuid, activity.pk, sco.pk]))
    assert _policy(response)["frame-src"] == "http://localhost"
    assert _policy(client.get(reverse("learning:my_learning")))["frame-src"] == "'none'"
