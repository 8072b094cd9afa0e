"""A hostile SCORM package can read nothing outside its own files (headless chromium).

The sweep's attack, replayed: a force's training administrator uploads a package whose script,
when an organisation administrator opens the course, tries to read the player page, the site's
cookies and storage, call the API, mint an API token, navigate the page away and talk to the
runtime directly. The content runs on its own origin (bluelamp.learning.scorm.content_host), in a
sandboxed frame: every attempt must fail, while the SCORM runtime still works for it.
"""

import io
import json

import pytest

from bluelamp.learning.api import course_import_scorm, enrol_self
from bluelamp.learning.scorm.samples import MANIFEST_12, raw_zip
from bluelamp.organisations.api import Organisation
from bluelamp.restapi.models import ApiToken
from conftest import make_org, make_person, with_mfa
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"

HOSTILE_SCO = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Totally normal course</title></head>
<body><h1>Totally normal course</h1><p id="state">working</p><pre id="results"></pre>
<script>
var SITE = %(site)s;
var results = {};
function attempt(name, fn) { try { results[name] = fn(); } catch (e) { results[name] = "blocked"; } }
// The player page and everything above the content's own frames.
attempt("player_document", function () { return window.top.document.body.innerHTML.slice(0, 80); });
attempt("player_runtime", function () { return typeof window.top.API_1484_11 + typeof window.top.API + String(Object.keys(window.top)); });
attempt("player_storage", function () { return JSON.stringify(window.top.localStorage); });
attempt("player_cookie", function () { return window.top.document.cookie; });
results.own_cookie = document.cookie;
// The runtime itself works across origins (through the launch page's facade).
var api = window.parent.API;
results.runtime = api.LMSInitialize("") + " " + api.LMSSetValue("cmi.core.lesson_location", "hostile");
api.LMSCommit("");
// Straight to the player's bridge with a method it does not relay.
window.top.postMessage({messageId: "evil-1", method: "loadFromJSON", params: [{cmi: {}}]}, "*");
window.top.postMessage({messageId: "evil-2", method: "reset", params: []}, "*");
// Beacons and images out to the site.
attempt("beacon", function () { return String(navigator.sendBeacon(SITE + "/api/tokens/", "name=beacon")); });
var image = new Image(); image.src = SITE + "/api/v1/people/?via=image";
var probes = [
  ["api_people", SITE + "/api/v1/people/", {}],
  ["token_page", SITE + "/api/tokens/", {}],
  ["mint_token", SITE + "/api/tokens/", {method: "POST", body: new URLSearchParams({name: "stolen", expires_in_days: "30"})}],
  ["mint_token_no_cors", SITE + "/api/tokens/", {method: "POST", mode: "no-cors", body: new URLSearchParams({name: "stolen2", expires_in_days: "30"})}],
  ["people_page", SITE + "/people/", {}],
  ["licence_check", SITE + "/api/v1/licence-check/?organisation=kent&type=PL-P-200", {credentials: "omit"}],
];
var pending = probes.length;
probes.forEach(function (probe) {
  fetch(probe[1], Object.assign({credentials: "include"}, probe[2])).then(function (response) {
    results[probe[0]] = "reached " + response.status + " " + response.type;
  }, function () {
    results[probe[0]] = "blocked";
  }).then(function () {
    if (--pending === 0) {
      // Last: try to take the learner's page elsewhere.
      attempt("top_navigation", function () { window.top.location.href = SITE + "/api/tokens/?navigated=1"; return "tried"; });
      document.getElementById("results").textContent = JSON.stringify(results);
      document.getElementById("state").textContent = "done";
    }
  });
});
</script></body></html>
"""


def hostile_package(site: str) -> bytes:
    manifest = MANIFEST_12.format(
        identifier="PKG-HOSTILE",
        title="Totally normal course",
        items='<item identifier="ITEM1" identifierref="RES1"><title>Totally normal course</title></item>',
        resources='<resource identifier="RES1" type="webcontent" adlcp:scormtype="sco" href="index.html">'
        '<file href="index.html"/></resource>',
    )
    sco = HOSTILE_SCO % {"site": json.dumps(site)}
    return raw_zip({"imsmanifest.xml": manifest.encode(), "index.html": sco.encode()})


def test_a_hostile_package_reaches_nothing_of_the_site(page, live_server, settings, csp_violations):
    settings.AXES_ENABLED = False
    # The content origin's own policy refusing the package's attempts is what this test wants to
    # see (checked below); on our own pages a violation still fails it.
    csp_violations.expect_on_content_origin()
    Organisation.objects.create(slug="national", name="National body", kind="national_body")
    kent = make_org("kent", "Kent Police")
    trainer = make_person(kent, "trainer@kent.police.uk", roles=["training_admin"])
    admin = make_person(
        kent, "admin@kent.police.uk", first="Alice", password=PASSWORD, roles=["organisation_admin"]
    )
    make_person(kent, "victim@kent.police.uk", first="Vic", last="Tim")
    secret = with_mfa(admin)
    course, _ = course_import_scorm(
        actor=trainer,
        owner=kent,
        code="EVIL-1",
        upload=io.BytesIO(hostile_package(live_server.url)),
        file_name="evil.zip",
    )
    enrolment = enrol_self(person=admin, course=course)
    sign_in(page, admin.email, PASSWORD, totp_secret=secret)

    activity = enrolment.version.activities.get()
    page.goto(f"/learning/enrolments/{enrolment.uuid}/activities/{activity.pk}/")
    page.wait_for_selector('[data-testid="player"]')
    player_url = page.url
    frame_src = page.locator("#scorm-frame").get_attribute("src")
    assert frame_src.startswith(live_server.url.replace("localhost", "127.0.0.1") + "/scorm-content/")
    assert "allow-top-navigation" not in page.locator("#scorm-frame").get_attribute("sandbox")

    content = page.frame_locator("#scorm-frame").frame_locator("#sco")
    content.get_by_text("done", exact=True).wait_for()
    results = json.loads(content.locator("#results").inner_text())

    # (A beacon is only queued, whatever becomes of it: that nothing was minted is checked below.)
    for name in ("player_document", "player_runtime", "player_storage", "player_cookie"):
        assert results[name] == "blocked", (name, results[name])
    for name in (
        "api_people",
        "token_page",
        "mint_token",
        "mint_token_no_cors",
        "people_page",
        "licence_check",
    ):
        assert results[name] == "blocked", (name, results[name])
    assert "sessionid" not in results["own_cookie"] and "csrftoken" not in results["own_cookie"]
    # Its calls to the site were refused by the content origin's own policy, before any request.
    refused = csp_violations.on_content_origin()
    assert any(
        v.get("directive") == "connect-src" and (v.get("blocked") or "").startswith(live_server.url)
        for v in refused
    ), refused
    assert results["runtime"] == "true true"

    # Nothing was minted, the learner is still in the player, and the runtime still answers.
    page.wait_for_timeout(500)
    assert page.url == player_url
    assert not ApiToken.objects.exists()
    page.get_by_role("link", name="Save and exit").click()
    page.wait_for_url(f"**/learning/courses/{course.uuid}/")
    attempt = enrolment.sco_attempts.get()
    assert attempt.location == "hostile"
