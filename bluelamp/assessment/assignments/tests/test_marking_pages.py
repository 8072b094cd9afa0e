"""The marking and verification pages, as a tutor and a course manager use them without
JavaScript: forms post, errors name the field and keep what was typed, and anonymous marking
never lets a learner's name reach a page, a file name, an export or the API."""

import csv
import io
import re

import pytest

from bluelamp.assessment.assignments import downloads, marking, moderation
from bluelamp.assessment.assignments.models import MarkerAllocation, SampleItem, Submission, Verification
from bluelamp.assessment.assignments.tests.helpers import pdf
from bluelamp.assessment.assignments.tests.outsiders_marking import (
    MARKED_AT,
    criteria_input,
    fixed_clock,  # noqa: F401 - a fixture
    marked_ready,
    submitted,
)
from bluelamp.assessment.assignments.tests.test_marking import make_cast
from conftest import make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]

State = Submission.State


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    monkeypatch.setattr(marking, "now", lambda: MARKED_AT)


def _text(response) -> str:
    return response.content.decode()


def _list_url(assignment):
    return f"/assessment/assignments/marking/{assignment.uuid}/"


def _mark_url(submission):
    return f"/assessment/assignments/marking/submissions/{submission.uuid}/"


def test_a_tutor_finds_the_work_and_marks_it_without_javascript(kent, alice, bob, signed_in):
    cast = make_cast(kent, alice, bob)
    work = submitted(cast.assignment, cast.bob)
    marking.allocation_add(actor=alice, assignment=cast.assignment, marker=cast.tess, learners=[bob])
    client = signed_in(cast.tess)
    home = client.get("/assessment/assignments/marking/")
    assert home.status_code == 200 and "Unit 5001 assignment" in _text(home)
    listing = client.get(_list_url(cast.assignment))
    assert "Bob Officer" in _text(listing) and "Carol" not in _text(listing)
    page = client.get(_mark_url(work))
    assert page.status_code == 200
    assert "AC 1.1 Explain point 1" in _text(page) and "My answer about leading change." in _text(page)

    criteria = marking.criteria_of(cast.assignment)
    typed = {
        f"c{criteria[0].pk}": "met",
        f"c{criteria[0].pk}_comment": "Well explained",
        "feedback": "Nearly there",
    }
    refused = client.post(_mark_url(work), {**typed, "action": "ready"})
    assert refused.status_code == 400
    body = _text(refused)
    assert "There is a problem" in body and "Still to do: AC 1.2: met or not yet met." in body
    assert f'href="#id_c{criteria[1].pk}"' in body  # the error summary links to the criterion left
    assert "Well explained" in body and "Nearly there" in body  # nothing typed is lost
    assert Submission.objects.get(pk=work.pk).state == State.IN_MARKING  # saved, not ready

    done = client.post(_mark_url(work), {**typed, f"c{criteria[1].pk}": "not_met", "action": "ready"})
    assert done.status_code == 302
    work.refresh_from_db()
    assert (work.state, work.outcome, work.marker) == (State.READY_FOR_RELEASE, "refer", cast.tess)
    after = client.get(_mark_url(work))
    assert "Saved and marked as ready for release." in _text(after)
    assert "Return to marking" in _text(after) and "Release to the learner" not in _text(after)


def test_a_manager_releases_the_ready_work_from_the_list(kent, alice, bob, signed_in):
    cast = make_cast(kent, alice, bob)
    marked_ready(alice, submitted(cast.assignment, cast.bob))
    marked_ready(alice, submitted(cast.assignment, cast.carol))
    client = signed_in(alice)
    listing = client.get(_list_url(cast.assignment) + "?state=ready_for_release")
    assert "Release every submission ready (2)" in _text(listing)
    response = client.post(_list_url(cast.assignment) + "release/", {"all": "ready"})
    assert response.status_code == 302
    assert set(Submission.objects.values_list("state", flat=True)) == {State.RELEASED}
    assert "Released: the marks and feedback of 2 submissions." in _text(client.get(response["Location"]))
    nothing = client.post(_list_url(cast.assignment) + "release/", {"submission": ["not-a-uuid"]})
    assert "Choose at least one submission" in _text(client.get(nothing["Location"]))


def test_a_bad_state_filter_is_named(kent, alice, bob, signed_in):
    cast = make_cast(kent, alice, bob)
    submitted(cast.assignment, cast.bob)
    page = signed_in(alice).get(_list_url(cast.assignment) + "?state=lost")
    assert page.status_code == 200 and "“lost” is not a marking state" in _text(page)


def test_a_manager_allocates_markers_on_the_page(kent, alice, bob, signed_in):
    cast = make_cast(kent, alice, bob)
    client = signed_in(alice)
    url = _list_url(cast.assignment) + "markers/"
    page = client.get(url)
    assert "Tess Tutor" in _text(page) and "Carol Constable" in _text(page)
    missing = client.post(url, {"marker": str(cast.tess.pk)})
    assert missing.status_code == 400 and "Choose at least one learner or one group" in _text(missing)
    done = client.post(
        url, {"marker": str(cast.tess.pk), "learners": [str(bob.pk)], "units": [str(cast.east.pk)]}
    )
    assert done.status_code == 302
    assert MarkerAllocation.objects.filter(assignment=cast.assignment, marker=cast.tess).count() == 2
    allocation = MarkerAllocation.objects.get(learner=bob)
    client.post(url + f"{allocation.pk}/remove/")
    assert not MarkerAllocation.objects.filter(learner=bob).exists()
    assert signed_in(cast.tess).get(url).status_code == 404  # markers do not allocate


def test_anonymous_marking_never_shows_a_name(kent, alice, bob, signed_in, client):
    cast = make_cast(kent, alice, bob, anonymous_marking=True)
    work = submitted(cast.assignment, cast.bob, text="Answer.", files=[pdf("bob-officer-essay.pdf")])
    marking.allocation_add(actor=alice, assignment=cast.assignment, marker=cast.tess, learners=[bob])
    marking.marking_save(
        actor=cast.tess, submission=work, data=criteria_input(cast.assignment), feedback_file=pdf("notes.pdf")
    )
    work = marking.marking_ready(actor=cast.tess, submission=work)
    sample = moderation.sample_draw(actor=alice, assignment=cast.assignment, percent=100, seed=5)
    item = sample.items.get()
    # Whole words: a random CSRF token, nonce or UUID may hold the letters "bob".
    names = re.compile(r"\b(bob|officer)\b", re.IGNORECASE)
    label = f"Participant {work.participant_number}"
    for person in (cast.tess, alice, cast.victor):
        c = signed_in(person)
        pages = [
            "/assessment/assignments/marking/",
            _list_url(cast.assignment),
            _mark_url(work),
            "/assessment/assignments/verification/",
            f"/assessment/assignments/verification/{cast.assignment.uuid}/",
            f"/assessment/assignments/verification/samples/{sample.uuid}/",
            f"/assessment/assignments/verification/samples/{sample.uuid}/items/{item.pk}/",
            f"/assessment/assignments/verification/samples/{sample.uuid}/print/",
            f"/assessment/assignments/verification/samples/{sample.uuid}/export.csv",
            f"/api/v1/marking-submissions/?assignment={cast.assignment.uuid}",
            f"/api/v1/marking-submissions/{work.uuid}/",
            f"/api/v1/moderation-samples/?assignment={cast.assignment.uuid}",
            f"/api/v1/moderation-samples/{sample.uuid}/",
        ]
        for url in pages:
            response = c.get(url)
            if response.status_code == 404:
                continue  # not theirs (Victor is not allocated to mark Bob)
            assert response.status_code == 200, (person, url, response.status_code)
            body = _text(response)
            assert not names.search(body.replace(person.get_full_name(), "")), (
                person,
                url,
                names.search(body),
            )
        if person != cast.victor:
            assert label in _text(c.get(_mark_url(work)))
    file_row = work.files.get(kind="submission")
    response = signed_in(cast.tess).get(_mark_url(work) + f"files/{file_row.uuid}/")
    assert response.status_code == 200
    assert (
        f'filename="participant-{work.participant_number}-attempt-1-file-1.pdf"'
        in response["Content-Disposition"]
    )
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    # The verifier opens the sampled work's files too.
    victor = signed_in(cast.victor)
    assert victor.get(_mark_url(work) + f"files/{file_row.uuid}/").status_code == 200


def test_names_are_revealed_from_the_list_once_everything_is_released(kent, alice, bob, signed_in):
    cast = make_cast(kent, alice, bob, anonymous_marking=True)
    work = marked_ready(alice, submitted(cast.assignment, cast.bob))
    client = signed_in(alice)
    reveal = _list_url(cast.assignment) + "reveal/"
    refused = client.post(reveal)
    assert "not released yet" in _text(client.get(refused["Location"]))
    marking.marking_release(actor=alice, submissions=[work], at=MARKED_AT)
    assert "Reveal names" in _text(client.get(_list_url(cast.assignment)))
    client.post(reveal)
    assert "Bob Officer" in _text(client.get(_list_url(cast.assignment)))


def test_a_verifier_draws_a_sample_verifies_and_exports_the_record(kent, alice, bob, signed_in):
    cast = make_cast(kent, alice, bob)
    marked_ready(
        alice, submitted(cast.assignment, cast.bob), criteria_input(cast.assignment, met=[True, False])
    )
    client = signed_in(cast.tess)
    bad = client.post(f"/assessment/assignments/verification/{cast.assignment.uuid}/", {"percent": "120"})
    assert bad.status_code == 400 and "Enter a percentage from 0 to 100" in _text(bad)
    drawn = client.post(f"/assessment/assignments/verification/{cast.assignment.uuid}/", {"percent": "10"})
    assert drawn.status_code == 302
    item = SampleItem.objects.get()
    verify = f"/assessment/assignments/verification/samples/{item.sample.uuid}/items/{item.pk}/"
    page = client.get(verify)
    assert "Do you agree with the marker?" in _text(page)
    missing = client.post(verify, {"decision": "disagree"})
    assert missing.status_code == 400 and "Enter a note saying what you disagree with" in _text(missing)
    assert client.post(verify, {"decision": "agree", "note": "Sound"}).status_code == 302
    assert Verification.objects.get().decision == "agree"
    # Alice marked it: she is told why she cannot verify it, and offered no form.
    own = signed_in(alice).get(verify)
    assert "You marked this submission, so you cannot verify it" in _text(own)
    assert "Record the decision" not in _text(own)
    export = client.get(f"/assessment/assignments/verification/samples/{item.sample.uuid}/export.csv")
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0] == moderation.EXPORT_HEADER
    assert rows[1][6] == "Bob Officer" and rows[1][20] == "Agree with the marker" and rows[1][25] == "Sound"
    xlsx = client.get(f"/assessment/assignments/verification/samples/{item.sample.uuid}/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    printed = client.get(f"/assessment/assignments/verification/samples/{item.sample.uuid}/print/")
    assert "Internal verification record" in _text(printed) and "Sound" in _text(printed)
    closed = signed_in(alice).post(f"/assessment/assignments/verification/samples/{item.sample.uuid}/close/")
    assert closed.status_code == 302
    item.sample.refresh_from_db()
    assert item.sample.closed_at == MARKED_AT


def test_the_download_page_streams_the_zip_or_says_why_not(kent, alice, bob, signed_in, monkeypatch):
    cast = make_cast(kent, alice, bob)
    submitted(cast.assignment, cast.bob, files=[pdf("essay.pdf", size=4000)])
    client = signed_in(alice)
    response = client.get(_list_url(cast.assignment) + "download/")
    assert response.status_code == 200
    assert 'filename="cmi-5001-unit-5001-assignment-submissions.zip"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"PK")
    monkeypatch.setattr(downloads, "MAX_BYTES", 1024)
    refused = client.get(_list_url(cast.assignment) + "download/")
    assert refused.status_code == 302
    assert "one download may hold" in _text(client.get(refused["Location"]))


def test_people_without_a_marking_role_are_told_not_found(kent, alice, bob, signed_in):
    cast = make_cast(kent, alice, bob)
    work = submitted(cast.assignment, cast.bob)
    officer = make_person(kent, "o@kent.police.uk", first="Otto", last="Officer")
    client = signed_in(officer)
    for url in ("/assessment/assignments/marking/", _list_url(cast.assignment), _mark_url(work)):
        assert client.get(url).status_code == 404
    # Bob may not mark his own work, even as a tutor.
    from bluelamp.organisations.api import role_grant

    role_grant(actor=None, person=bob, role="tutor", organisation=kent, as_operator=True)
    assert signed_in(bob).get(_mark_url(work)).status_code == 404


class _Queries:
    """Counts the SQL a request runs (the test client resets Django's query log when a request
    starts: ../shared/FIELD-NOTES.md)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def test_the_submissions_list_runs_as_many_queries_for_many_learners_as_for_few(kent, alice, bob, signed_in):
    from django.db import connection

    cast = make_cast(kent, alice, bob)
    marking.allocation_add(actor=alice, assignment=cast.assignment, marker=cast.tess, units=[cast.east])
    marking.allocation_add(actor=alice, assignment=cast.assignment, marker=cast.tess, learners=[bob])
    submitted(cast.assignment, cast.bob)
    submitted(cast.assignment, cast.carol)
    client = signed_in(cast.tess)
    client.get(_list_url(cast.assignment))  # warm the session and the caches of the first request

    def count() -> int:
        queries = _Queries()
        with connection.execute_wrapper(queries):
            assert client.get(_list_url(cast.assignment)).status_code == 200
        return queries.count

    few = count()
    more = [
        make_person(kent, f"m{i}@kent.police.uk", first=f"M{i}", last="Many", unit=cast.team)
        for i in range(4)
    ]
    from bluelamp.assessment.assignments.tests.helpers import enrol

    enrol(alice, cast.course, *more)
    for person in more:
        submitted(cast.assignment, person)
    assert count() == few
