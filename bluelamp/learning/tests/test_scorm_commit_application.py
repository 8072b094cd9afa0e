"""SCORM commits through the production WSGI application (config/wsgi.py), which sends machine
endpoints through MACHINE_MIDDLEWARE (bluelamp/core/handlers.py): stored for the learner signed
in, refused as "not found" for anyone else and for no one signed in."""

import json

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from bluelamp.core.handlers import BluelampWSGIHandler
from bluelamp.core.tests.test_handlers import call
from bluelamp.learning import progress
from bluelamp.learning.api import enrol_self
from bluelamp.learning.models import ScoAttempt

pytestmark = pytest.mark.django_db


def session_cookie(person) -> str:
    client = Client()
    client.force_login(person)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"


def commit(application, url, *, cookie=None, sequence=1, status="incomplete"):
    body = json.dumps(
        {"sequence": sequence, "cmi": {"core": {"lesson_status": status, "lesson_location": "4"}}}
    )
    headers = {"HTTP_ORIGIN": "http://testserver"}
    if cookie:
        headers["HTTP_COOKIE"] = cookie
    return call(application, "POST", url, data=body, content_type="application/json", **headers)


def test_a_commit_is_stored_for_the_learner_and_refused_to_anyone_else(bob, charlie, national_course):
    enrolment = enrol_self(person=bob, course=national_course)
    activity = enrolment.version.activities.get()
    sco = activity.scorm_package.scos.get()
    launch = progress.sco_launch(enrolment=enrolment, activity=activity, sco=sco)
    url = reverse("learning:sco_commit", args=[launch.session.uuid])
    application = BluelampWSGIHandler()

    status, headers, body = commit(application, url, cookie=session_cookie(charlie))
    assert status == 404
    status, _, _ = commit(application, url)
    assert status in (302, 404)  # not signed in: to the sign-in page, never stored
    assert ScoAttempt.objects.get(pk=launch.attempt.pk).commits == 0

    status, headers, body = commit(application, url, cookie=session_cookie(bob), status="completed")
    assert status == 200, body
    assert json.loads(body)["result"] is True
    assert headers["Cache-Control"] == "private, no-store"  # for the signed-in person only
    attempt = ScoAttempt.objects.get(pk=launch.attempt.pk)
    assert (attempt.commits, attempt.completion_status, attempt.location) == (1, "completed", "4")
