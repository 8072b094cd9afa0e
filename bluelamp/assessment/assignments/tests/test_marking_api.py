"""The marking side's API: an assignment's submissions for its markers (scoped as the pages are,
no names while anonymous), one submission's marking record, and moderation samples."""

import pytest

from bluelamp.assessment.assignments import marking, moderation
from bluelamp.assessment.assignments.tests.helpers import pdf
from bluelamp.assessment.assignments.tests.outsiders_marking import (
    criteria_input,
    fixed_clock,  # noqa: F401 - a fixture
    marked_ready,
    submitted,
)
from bluelamp.assessment.assignments.tests.test_marking import make_cast
from conftest import force_sign_in, with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


@pytest.fixture
def api_as(db):
    """A client signed in as `person` (a browser session, with the second factor where their roles
    need one), for the API."""
    from django.test import Client

    from bluelamp.organisations.api import requires_mfa

    def client_for(person):
        if requires_mfa(person):
            with_mfa(person)
        return force_sign_in(Client(), person)

    return client_for


def results(response) -> list[dict]:
    assert response.status_code == 200, (response.status_code, response.content[:500])
    return response.json()["results"]


def test_a_marker_lists_the_submissions_they_mark(kent, alice, bob, api_as):
    cast = make_cast(kent, alice, bob)
    bob_work = submitted(cast.assignment, cast.bob)
    carol_work = marked_ready(alice, submitted(cast.assignment, cast.carol))
    marking.allocation_add(actor=alice, assignment=cast.assignment, marker=cast.tess, learners=[bob])
    url = f"/api/v1/marking-submissions/?assignment={cast.assignment.uuid}"
    mine = results(api_as(cast.tess).get(url))
    assert [row["uuid"] for row in mine] == [str(bob_work.uuid)]
    assert mine[0]["learner"] == {"id": bob.pk, "name": "Bob Officer"}
    assert mine[0]["state"] == "not_marked" and mine[0]["marker"] is None
    manager = api_as(alice)
    everything = results(manager.get(url + "&state=ready_for_release"))
    assert [row["uuid"] for row in everything] == [str(carol_work.uuid)]
    assert everything[0]["grade"] == 100.0 and everything[0]["outcome"] == "pass"
    refused = manager.get(url + "&state=lost")
    assert refused.status_code == 400 and "state" in refused.json()
    missing = manager.get("/api/v1/marking-submissions/")
    assert missing.status_code == 400 and "assignment" in missing.json()


def test_a_marking_record_has_the_judgements_feedback_and_history(kent, alice, bob, api_as):
    cast = make_cast(kent, alice, bob)
    work = marked_ready(
        alice,
        submitted(cast.assignment, cast.bob, files=[pdf("essay.pdf")]),
        criteria_input(cast.assignment, met=[True, False], comment="See p2"),
    )
    record = api_as(alice).get(f"/api/v1/marking-submissions/{work.uuid}/")
    assert record.status_code == 200
    data = record.json()
    assert (
        data["outcome"] == "refer" and data["grade"] == 50.0 and data["feedback"] == "Clear and well argued."
    )
    assert [(j["code"], j["met"], j["comment"]) for j in data["judgements"]] == [
        ("AC 1.1", True, "See p2"),
        ("AC 1.2", False, "See p2"),
    ]
    assert [(e["from_state"], e["to_state"]) for e in data["events"]] == [
        ("not_marked", "in_marking"),
        ("in_marking", "ready_for_release"),
    ]
    assert [f["name"] for f in data["files"]] == ["essay.pdf"]
    # Alice started it, so it is hers; Carol's waits for any of her tutors until allocated.
    tess = api_as(cast.tess)
    assert tess.get(f"/api/v1/marking-submissions/{work.uuid}/").status_code == 404
    waiting = submitted(cast.assignment, cast.carol)
    assert tess.get(f"/api/v1/marking-submissions/{waiting.uuid}/").status_code == 200
    marking.allocation_add(actor=alice, assignment=cast.assignment, marker=cast.victor, learners=[cast.carol])
    assert tess.get(f"/api/v1/marking-submissions/{waiting.uuid}/").status_code == 404


def test_anonymous_marking_names_no_one_in_the_api(kent, alice, bob, api_as):
    cast = make_cast(kent, alice, bob, anonymous_marking=True)
    work = submitted(cast.assignment, cast.bob, files=[pdf("bob-officer.pdf")])
    manager = api_as(alice)
    listed = results(manager.get(f"/api/v1/marking-submissions/?assignment={cast.assignment.uuid}"))
    assert (
        listed[0]["learner"] is None and listed[0]["participant"] == f"Participant {work.participant_number}"
    )
    record = manager.get(f"/api/v1/marking-submissions/{work.uuid}/").content.decode()
    assert "Bob" not in record and "bob-officer" not in record and "file-1.pdf" in record


def test_moderation_samples_with_their_decisions(kent, alice, bob, api_as, essex, charlie):
    cast = make_cast(kent, alice, bob)
    marked_ready(alice, submitted(cast.assignment, cast.bob))
    sample = moderation.sample_draw(actor=alice, assignment=cast.assignment, percent=100, seed=7)
    moderation.verification_record(actor=cast.tess, item=sample.items.get(), decision="agree", note="Fine")
    listed = results(api_as(alice).get(f"/api/v1/moderation-samples/?assignment={cast.assignment.uuid}"))
    assert [row["uuid"] for row in listed] == [str(sample.uuid)]
    (item,) = listed[0]["items"]
    assert item["reason"] == "random" and item["submission"]["learner"]["name"] == "Bob Officer"
    assert (
        item["verifications"][0]["decision"] == "agree"
        and item["verifications"][0]["verifier"]["name"] == "Tess Tutor"
    )
    one = api_as(cast.tess).get(f"/api/v1/moderation-samples/{sample.uuid}/")
    assert one.status_code == 200 and "seed 7" in one.json()["notes"]
    outsider = api_as(charlie)
    assert outsider.get(f"/api/v1/moderation-samples/{sample.uuid}/").status_code == 404
    refused = outsider.get(f"/api/v1/moderation-samples/?assignment={cast.assignment.uuid}")
    assert refused.status_code == 400 and "No assignment you mark" in refused.json()["assignment"][0]
