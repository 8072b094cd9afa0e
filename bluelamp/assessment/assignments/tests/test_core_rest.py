"""The assignments API: a course's managers list its assignments with settings and criteria; a
learner reads the assignment and their own submissions, whose marks appear only once released;
outsiders get 404."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from bluelamp.assessment.assignments import services
from bluelamp.assessment.assignments.models import Submission
from bluelamp.assessment.assignments.tests.helpers import AT, course_with_assignment, enrol, pdf, refer
from conftest import force_sign_in, with_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_as():
    """An API client acting as `person` through their browser session (the API's own token
    fixtures belong to bluelamp.restapi, above this domain)."""

    def client_for(person) -> APIClient:
        from bluelamp.organisations.api import requires_mfa

        client = APIClient()
        if requires_mfa(person):
            with_mfa(person)
        force_sign_in(client, person)
        return client

    return client_for


def results(response) -> list[dict]:
    assert response.status_code == 200, (response.status_code, response.content[:500])
    return response.json()["results"]


@pytest.fixture
def taking(kent, alice, bob):
    course, assignment = course_with_assignment(kent, alice, grading="rubric")
    enrol(alice, course, bob)
    return course, assignment


def test_managers_list_a_course_s_assignments_with_settings_and_criteria(taking, alice, api_as):
    course, assignment = taking
    client = api_as(alice)
    [row] = results(client.get(f"/api/v1/assignments/?course={course.uuid}"))
    assert row["uuid"] == str(assignment.uuid) and row["course"] == str(course.uuid)
    assert row["grading"] == "rubric" and row["max_grade"] == 8 and row["word_limit"] == 50
    assert [c["code"] for c in row["criteria"]] == ["AC 1.1", "AC 1.2"]
    assert [level["points"] for level in row["criteria"][0]["levels"]] == [0, 2, 4]
    assert results(client.get("/api/v1/assignments/?course=00000000-0000-4000-8000-000000000000")) == []
    response = client.get("/api/v1/assignments/?course=nonsense")
    assert response.status_code == 400 and "course" in response.json()


def test_a_learner_reads_the_assignment_and_only_released_marks(taking, bob, api_as):
    _course, assignment = taking
    client = api_as(bob)
    assert results(client.get("/api/v1/assignments/")) == []  # not a manager
    assert client.get(f"/api/v1/assignments/{assignment.uuid}/").json()["title"] == "Unit 5001 assignment"
    done = services.submission_submit(
        actor=bob, assignment=assignment, online_text="Essay.", uploads=[pdf()], declaration=True, at=AT
    )
    Submission.objects.filter(pk=done.pk).update(
        grade=4, feedback="SECRET UNTIL RELEASED", state="ready_for_release"
    )
    [row] = results(client.get("/api/v1/assignment-submissions/"))
    assert row["marking"] == "waiting" and row["result"] is None and row["receipt"] == done.receipt
    assert [f["name"] for f in row["files"]] == ["essay.pdf"]
    assert "SECRET" not in client.get(f"/api/v1/assignment-submissions/{done.uuid}/").content.decode()
    done.refresh_from_db()
    refer(done, at=AT + dt.timedelta(days=2))
    row = client.get(f"/api/v1/assignment-submissions/{done.uuid}/").json()
    assert row["marking"] == "released"
    assert row["result"]["referred"] is True and row["result"]["grade"] == 50
    assert "AC 1.2" in row["result"]["feedback"]


def test_outsiders_get_not_found(taking, bob, charlie, api_as):
    _course, assignment = taking
    done = services.submission_save_draft(actor=bob, assignment=assignment, online_text="Mine.", at=AT)
    client = api_as(charlie)
    assert client.get(f"/api/v1/assignments/{assignment.uuid}/").status_code == 404
    assert client.get(f"/api/v1/assignment-submissions/{done.uuid}/").status_code == 404
    assert results(client.get("/api/v1/assignment-submissions/")) == []
    assert results(client.get("/api/v1/assignments/")) == []
