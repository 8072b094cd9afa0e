"""Production settings serve real pages. CI (.ci/run) runs this module in a process of its own
with BLUELAMP_ENV=production, after `collectstatic` into a temporary STATIC_ROOT; in any other
run it is skipped.

DEBUG is off, static files are the collected ones under their hashed names (the manifest
storage raises for anything it does not know), WhiteNoise serves them, and requests come over
HTTPS as they do behind the proxy. The demo data, loaded by the operators' own `demo-data`
command, gives every kind of user something real to look at. Each page is fetched as the person
who uses it, and so is every static file it links (and every file those stylesheets refer to):
a 500, a missing manifest entry or a file that was not collected fails the run.
"""

import io
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, RequestFactory, override_settings
from django.urls import get_resolver

from bluelamp.people.api import Person
from conftest import force_sign_in

pytestmark = [
    pytest.mark.skipif(
        not settings.PRODUCTION, reason="production settings only (BLUELAMP_ENV=production, see .ci/run)"
    ),
    pytest.mark.django_db,
]

LEARNER = "kent.officer@kent.police.uk"
TRAINING_ADMIN = "kent.training@kent.police.uk"
ORGANISATION_ADMIN = "kent.admin@kent.police.uk"
PLATFORM_ADMIN = "admin@national.example"
ADVISER = "adviser@national.example"
TEAM_LEADER = "teamleader@national.example"
ENGINEER = "engineer@national.example"
SERVICE_MANAGER = "servicemanager@national.example"

STATIC_LINK = re.compile(r'(?:href|src)="(' + re.escape(settings.STATIC_URL) + r'[^"]+)"')
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")
HASHED_NAME = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")
_static_checked: set[str] = set()


@pytest.fixture(scope="module", autouse=True)
def _media_root(tmp_path_factory):
    """One media directory for the module (the demo's SCORM packages live there), instead of
    the suite's per-test one."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(scope="module", autouse=True)
def demo(_media_root, django_db_setup, django_db_blocker):
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        pytest.fail(f"run collectstatic first: {manifest} is missing (see .ci/run)")
    with django_db_blocker.unblock():
        call_command("demo-data", "--people-per-force", "5", stdout=io.StringIO())


def _check_static(client: Client, url: str) -> None:
    if url in _static_checked:
        return
    _static_checked.add(url)
    path = urlsplit(url).path
    assert HASHED_NAME.search(path), f"{url} is not a manifest (hashed) name"
    response = client.get(url, secure=True)
    assert response.status_code == 200, f"static file {url}: {response.status_code}"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body, f"static file {url} is empty"
    if path.endswith(".css"):
        for ref in CSS_URL.findall(body.decode()):
            if not re.match(r"(data:|#|[a-z]+://)", ref):
                _check_static(client, urljoin(url, ref))


class Visitor:
    """A browser stand-in: fetches a page over HTTPS, checks it and every static file it links."""

    def __init__(self, email: str | None = None):
        self.client = Client()
        if email:
            force_sign_in(self.client, Person.objects.get(email=email))

    def get(self, path: str, *, status: int = 200) -> str:
        response = self.client.get(path, secure=True)
        assert response.status_code == status, f"{path}: {response.status_code}, expected {status}"
        assert response.has_header("Strict-Transport-Security"), f"{path}: production headers missing"
        html = response.content.decode()
        for url in set(STATIC_LINK.findall(html)):
            _check_static(self.client, url)
        return html

    def follow(self, html: str, pattern: str) -> str:
        """The first link on the page whose address matches `pattern`, fetched and checked."""
        match = re.search(r'(?:href|src)="(' + pattern + ')"', html)
        assert match, f"no link matching {pattern}"
        return self.get(match.group(1).replace("&amp;", "&"))

    def get_elsewhere(self, url: str, *, status: int = 200) -> str:
        """`url` on another origin (SCORM content's), as a browser would ask it: no cookies."""
        parts = urlsplit(url)
        response = Client().get(
            parts.path + (f"?{parts.query}" if parts.query else ""),
            secure=parts.scheme == "https",
            headers={"host": parts.netloc},
        )
        assert response.status_code == status, f"{url}: {response.status_code}, expected {status}"
        return response.content.decode() if not response.streaming else ""

    def redirect(self, path: str) -> str:
        response = self.client.get(path, secure=True)
        assert response.status_code == 302, f"{path}: {response.status_code}, expected a redirect"
        return response["Location"]


def test_pages_for_everyone():
    visitor = Visitor()
    for path in [
        "/",
        "/accounts/login/",
        "/accounts/password/reset/",
        "/licence-check/",
        "/licence-check/?organisation=kent&type=PL-P-200",
        "/accessibility/",
        "/api/v1/docs/",
        "/api/v1/schema/",
        "/service-desk/support/",
    ]:
        visitor.get(path)
    visitor.follow(visitor.get("/service-desk/help/"), r"/service-desk/help/[-\w]+/")
    visitor.get("/no-such-page/", status=404)


def test_server_error_page_renders():
    handler = get_resolver().resolve_error_handler(500)
    response = handler(RequestFactory().get("/", secure=True))
    assert response.status_code == 500
    for url in STATIC_LINK.findall(response.content.decode()):
        _check_static(Client(), url)


def test_learner_pages():
    learner = Visitor(LEARNER)
    my_learning = learner.get("/learning/")
    learner.get("/learning/courses/")
    learner.follow(my_learning, r"/learning/courses/[-0-9a-f]{36}/")
    # The learner's activities: e-learning opens the SCORM player (which frames the package's
    # content); a quiz or an assignment opens assessment's own page.
    activities = re.findall(r'href="(/learning/enrolments/[-0-9a-f]{36}/activities/\d+/)"', my_learning)
    targets = {}
    for activity in activities:
        response = learner.client.get(activity, secure=True)
        if response.status_code == 302:
            targets.setdefault("/play/" in response["Location"], response["Location"])
    assert True in targets, "the demo learner has an activity to play"
    for target in [t for played, t in targets.items() if not played]:
        learner.get(target)  # a quiz's start page or an assignment's page
    player = learner.get(targets[True])
    frame = re.search(r'src="(https://[^"/]+/scorm-content/[^"]+)"', player)
    assert frame, "the player frames the content from the content origin"
    launch_url = frame.group(1).replace("&amp;", "&")
    launch = learner.get_elsewhere(launch_url)
    scripts = re.findall(r'src="(/[^"]+)"', launch)
    assert scripts, "the launch page loads scorm-again's cross-frame API"
    for script in scripts:
        learner.get_elsewhere(urljoin(launch_url, script))
    learner.get("/learning/records/")
    learner.get(learner.redirect("/people/me/"))
    learner.follow(learner.get("/service-desk/my-tickets/"), r"/service-desk/my-tickets/BL-[-\d]+/")
    learner.get("/accounts/2fa/")
    learner.get("/api/tokens/")


def test_training_administrator_pages():
    admin = Visitor(TRAINING_ADMIN)
    manage = admin.get("/learning/manage/")
    admin.follow(manage, r"/learning/manage/[-0-9a-f]{36}/")
    admin.follow(manage, r"/learning/manage/[-0-9a-f]{36}/enrolments/")
    admin.get("/learning/manage/new/")
    admin.get("/learning/records/import/")


def test_organisation_administrator_pages():
    admin = Visitor(ORGANISATION_ADMIN)
    person = admin.follow(admin.get("/people/"), r"/people/\d+/")
    admin.follow(person, r"/people/\d+/edit/")
    for path in [
        "/people/add/",
        "/people/import/",
        "/organisations/kent/",
        "/organisations/units/",
        "/organisations/licences/",
        "/organisations/roles/",
        "/audit/",
    ]:
        admin.get(path)


def test_platform_administrator_pages():
    admin = Visitor(PLATFORM_ADMIN)
    admin.follow(admin.get("/organisations/"), r"/organisations/[-\w]+/")
    admin.get("/organisations/add/")
    admin.get("/audit/")
    # Django's own admin: its stylesheets and scripts are collected too.
    admin.follow(admin.get("/django-admin/"), r"/django-admin/people/person/")


def test_service_desk_pages():
    adviser = Visitor(ADVISER)
    adviser.follow(adviser.get("/service-desk/queue/"), r"/service-desk/tickets/BL-[-\d]+/")
    adviser.get("/service-desk/calls/new/")
    adviser.get("/service-desk/canned-responses/")
    adviser.follow(adviser.get("/service-desk/kb/"), r"/service-desk/kb/[-\w]+/")
    adviser.follow(adviser.get("/service-desk/problems/"), r"/service-desk/problems/[-\w]+/")
    adviser.follow(
        adviser.get("/service-desk/major-incidents/"), r"/service-desk/major-incidents/[-0-9a-f]{36}/"
    )

    lead = Visitor(TEAM_LEADER)
    lead.get("/service-desk/dashboard/")
    lead.get("/service-desk/closures/")
    Visitor(ENGINEER).get("/service-desk/queue/")
    Visitor(SERVICE_MANAGER).get("/service-desk/major-incidents/")
