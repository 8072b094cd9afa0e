"""The learner's pages: catalogue, course, enrol, player, commits, content, my learning."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from bluelamp.learning.api import Completion, Enrolment, enrol_self
from bluelamp.learning.tests.conftest import import_course
from bluelamp.organisations.api import Licence
from conftest import make_org, make_person


def _play_url(client, enrolment):
    response = client.get(reverse("learning:course", args=[enrolment.course.uuid]))
    assert response.status_code == 200
    activity = enrolment.version.activities.get()
    response = client.get(reverse("learning:activity", args=[enrolment.uuid, activity.pk]))
    assert response.status_code == 302
    return response["Location"]


def _config(response):
    body = response.content.decode()
    start = body.index('<script type="application/json" id="scorm-config">') + len(
        '<script type="application/json" id="scorm-config">'
    )
    return json.loads(body[start : body.index("</script>", start)])


def test_find_enrol_play_commit_complete(client, signed_in, bob, national_course):
    signed_in(bob)
    page = client.get(reverse("learning:catalogue"), {"q": "stop search"})
    assert "Stop and search essentials" in page.content.decode()
    response = client.post(reverse("learning:course_enrol", args=[national_course.uuid]))
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(person=bob)
    player = client.get(_play_url(client, enrolment))
    assert player.status_code == 200
    assert player.headers["X-Frame-Options"] == "SAMEORIGIN"
    config = _config(player)
    assert config["version"] == "1.2"
    assert config["data"]["cmi"]["core"]["entry"] == "ab-initio"

    # The content is served from its own origin, through the launch page the player frames.
    assert config["contentOrigin"] == "http://localhost"
    launch, sco_url = content_urls(client, player)
    assert launch.startswith("http://localhost/scorm-content/")
    content = client.get(sco_url, HTTP_HOST="localhost")
    assert content.status_code == 200 and b"LMSInitialize" in b"".join(content.streaming_content)

    commit = {
        "session": config["session"],
        "sequence": 1,
        "terminate": True,
        "cmi": {"core": {"lesson_status": "passed", "score": {"raw": "90", "max": "100", "min": "0"}}},
    }
    response = client.post(config["commitUrl"], json.dumps(commit), content_type="application/json", **ORIGIN)
    assert response.json()["result"] is True
    assert Completion.objects.filter(person=bob, course_code="SAS-01", score=90).exists()
    mine = client.get(reverse("learning:my_learning")).content.decode()
    assert "Completed (1)" in mine and "Stop and search essentials" in mine


ORIGIN = {"HTTP_ORIGIN": "http://testserver"}


def content_urls(client, player) -> tuple[str, str]:
    """The launch page the player frames, and the SCO file that page opens (as paths on the
    content origin, for the test client)."""
    import html
    import re
    from urllib.parse import parse_qs, urlsplit

    frame = re.search(r'id="scorm-frame"[^>]*data-src="([^"]+)"', player.content.decode())
    assert frame is not None, "the player frames no launch page"
    launch = html.unescape(frame.group(1))
    parts = urlsplit(launch)
    page = client.get(f"{parts.path}?{parts.query}", HTTP_HOST=parts.netloc)
    assert page.status_code == 200, page
    sco = parse_qs(parts.query)["launch"][0]
    return launch, parts.path + sco


def test_a_beacon_commit_as_plain_text_is_stored(client, signed_in, bob, national_course):
    signed_in(bob)
    enrolment = enrol_self(person=bob, course=national_course)
    config = _config(client.get(_play_url(client, enrolment)))
    payload = {"session": config["session"], "sequence": 3, "cmi": {"core": {"lesson_location": "2"}}}
    response = client.post(
        config["commitUrl"], json.dumps(payload), content_type="text/plain;charset=UTF-8", **ORIGIN
    )
    assert response.status_code == 200
    attempt = enrolment.sco_attempts.get()
    assert attempt.location == "2"


def test_a_bad_commit_is_refused_with_a_reason(client, signed_in, bob, national_course):
    signed_in(bob)
    enrolment = enrol_self(person=bob, course=national_course)
    config = _config(client.get(_play_url(client, enrolment)))
    response = client.post(config["commitUrl"], "not json", content_type="application/json", **ORIGIN)
    assert response.status_code == 400 and response.json()["result"] is False
    response = client.post(
        config["commitUrl"],
        json.dumps({"session": config["session"], "cmi": {}}),
        content_type="application/json",
        **ORIGIN,
    )
    assert response.status_code == 400 and "sequence" in response.json()["message"]
    # From another site (no Origin of ours): refused, as Django's CSRF check would.
    other = {"session": config["session"], "sequence": 5, "cmi": {"core": {"lesson_status": "passed"}}}
    response = client.post(
        config["commitUrl"], json.dumps(other), content_type="text/plain", HTTP_ORIGIN="https://evil.example"
    )
    assert response.status_code == 403
    assert client.post(config["commitUrl"], json.dumps(other), content_type="text/plain").status_code == 403


def test_outsiders_are_refused(client, signed_in, bob, dave, national_course):
    enrolment = enrol_self(person=bob, course=national_course)
    signed_in(bob)
    config = _config(client.get(_play_url(client, enrolment)))
    activity = enrolment.version.activities.get()
    sco = activity.scorm_package.scos.get()
    client.logout()

    signed_in(dave)
    # Dave (Essex) may see the national course, but not Bob's enrolment, session or content.
    assert client.get(reverse("learning:activity", args=[enrolment.uuid, activity.pk])).status_code == 404
    assert client.get(reverse("learning:play", args=[enrolment.uuid, activity.pk, sco.pk])).status_code == 404
    commit = {"session": config["session"], "sequence": 9, "cmi": {"core": {"lesson_status": "passed"}}}
    assert (
        client.post(
            config["commitUrl"], json.dumps(commit), content_type="application/json", **ORIGIN
        ).status_code
        == 404
    )
    # Nor guess the content's address: it needs a launch made for Bob.
    guessed = f"/scorm-content/{activity.scorm_package.uuid}/{sco.href}"
    assert client.get(guessed, HTTP_HOST="localhost").status_code == 404


def test_force_content_is_for_its_own_people_only(client, signed_in, kent, bob, dave):
    kent_course = import_course(kent, code="KENT-1", title="Kent custody procedures")
    signed_in(dave)
    assert "Kent custody" not in client.get(reverse("learning:catalogue")).content.decode()
    assert client.get(reverse("learning:course", args=[kent_course.uuid])).status_code == 404
    assert client.post(reverse("learning:course_enrol", args=[kent_course.uuid])).status_code == 404
    client.logout()
    signed_in(bob)
    assert "Kent custody" in client.get(reverse("learning:catalogue")).content.decode()


def test_lapsed_content_licence_hides_national_courses_but_keeps_the_record(
    client, signed_in, national, national_course
):
    surrey = make_org("surrey", "Surrey Police")
    erin = make_person(surrey, "erin@surrey.police.uk", first="Erin", last="Surrey")
    enrolment = enrol_self(person=erin, course=national_course)
    Completion.objects.create(
        person=erin,
        course=national_course,
        enrolment=None,
        course_code="SAS-01",
        course_title=national_course.title,
        version_number=1,
        completed_on=dt.date(2026, 1, 5),
        source=Completion.Source.PLATFORM,
    )
    for licence in Licence.objects.filter(organisation=surrey, type="PL-P-200"):  # save(): caches forget it
        licence.ends_on = dt.date(2026, 1, 31)
        licence.save(update_fields=["ends_on"])
    signed_in(erin)
    assert "Stop and search" not in client.get(reverse("learning:catalogue")).content.decode()
    page = client.get(reverse("learning:course", args=[national_course.uuid]))
    assert page.status_code == 200  # she was enrolled: she can still see what she did
    assert 'id="enrol"' not in page.content.decode()
    assert Completion.objects.filter(person=erin).count() == 1
    assert Enrolment.objects.get(pk=enrolment.pk).status == Enrolment.Status.ACTIVE


@pytest.mark.parametrize("name", ["learning:catalogue", "learning:my_learning"])
def test_signed_out_people_are_sent_to_sign_in(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_bookmark_commit_is_a_handful_of_queries(client, signed_in, bob, national_course):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    signed_in(bob)
    enrolment = enrol_self(person=bob, course=national_course)
    config = _config(client.get(_play_url(client, enrolment)))

    def commit(sequence, location):
        payload = {
            "session": config["session"],
            "sequence": sequence,
            "cmi": {"core": {"lesson_location": location}},
        }
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                config["commitUrl"], json.dumps(payload), content_type="application/json", **ORIGIN
            )
        assert response.status_code == 200
        return [q["sql"] for q in queries]

    commit(1, "1")  # the first commit moves the status from "not attempted": progress is updated
    queries = commit(2, "2")
    learning = [q for q in queries if "learning_" in q]
    # Lock the session, lock the attempt, write both, touch the enrolment.
    assert len(learning) <= 5, "\n".join(learning)


def test_the_commit_endpoint_is_a_machine_endpoint(client, alice, national_course):
    """Commits skip branding and the MFA redirect (no page is rendered); pages do not."""
    from bluelamp.learning import progress

    enrolment = enrol_self(person=alice, course=national_course)
    activity = enrolment.version.activities.get()
    launch = progress.sco_launch(
        enrolment=enrolment, activity=activity, sco=activity.scorm_package.scos.get()
    )
    client.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")  # no TOTP yet
    assert "/accounts/2fa/" in client.get(reverse("learning:my_learning"))["Location"]
    payload = {"session": str(launch.session.uuid), "sequence": 1, "cmi": {"core": {"lesson_location": "2"}}}
    url = reverse("learning:sco_commit", args=[launch.session.uuid])
    response = client.post(url, json.dumps(payload), content_type="application/json", **ORIGIN)
    assert response.status_code == 200 and response.json()["stored"] is True


def test_my_learning_links_start_to_the_first_activity_and_completed_to_the_course(
    client, signed_in, bob, national
):
    started = enrol_self(person=bob, course=import_course(national, code="C-1", title="Course one"))
    finished = enrol_self(person=bob, course=import_course(national, code="C-2", title="Course two"))
    Enrolment.objects.filter(pk=finished.pk).update(status=Enrolment.Status.COMPLETED)
    first = started.version.activities.order_by("order").first()

    page = signed_in(bob).get(reverse("learning:my_learning")).content.decode()  # not started
    assert f'href="{reverse("learning:activity", args=[started.uuid, first.pk])}"' in page
    page = client.get(reverse("learning:my_learning"), {"show": "completed"}).content.decode()
    assert f'href="{reverse("learning:course", args=[finished.course.uuid])}"' in page


def test_the_catalogue_links_each_course_to_its_page(client, signed_in, bob, national_course):
    page = signed_in(bob).get(reverse("learning:catalogue")).content.decode()
    assert f'href="{reverse("learning:course", args=[national_course.uuid])}"' in page


def test_the_course_page_continues_at_the_first_activity_not_yet_done(client, signed_in, bob, national):
    from bluelamp.learning.courses import activity_add, course_create, version_publish
    from bluelamp.learning.progress import activity_open

    course = course_create(actor=None, owner=national, code="P-3", title="Three pages", summary="")
    draft = course.versions.get()
    for n in range(3):
        activity_add(actor=None, version=draft, kind="page", title=f"Part {n + 1}", body="Read this.")
    version_publish(actor=None, version=draft)
    course.refresh_from_db()
    enrolment = enrol_self(person=bob, course=course)
    first, second, _ = enrolment.version.activities.order_by("order")
    signed_in(bob)
    url = reverse("learning:course", args=[course.uuid])
    assert f'href="{reverse("learning:activity", args=[enrolment.uuid, first.pk])}"' in client.get(url).text

    activity_open(enrolment=enrolment, activity=first)  # a page is done once opened
    page = client.get(url).text
    assert (
        f'href="{reverse("learning:activity", args=[enrolment.uuid, second.pk])}"' in page
        and "Continue" in page
    )
