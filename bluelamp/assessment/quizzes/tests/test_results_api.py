"""A quiz's results and statistics in the REST API: the same readers and scope as the pages,
bad query parameters named, and 404 for anyone else."""

import pytest
from rest_framework.test import APIClient

from bluelamp.assessment.quizzes.tests.results_fixtures import (
    essay,
    make_attempt,
    make_bank,
    make_quiz,
    multichoice,
    truefalse,
)
from bluelamp.learning.tests.courses import publish_course
from bluelamp.organisations.api import requires_mfa, role_grant, unit_create
from conftest import force_sign_in, make_person, with_mfa


def client_for(person) -> APIClient:
    client = APIClient()
    if requires_mfa(person):
        with_mfa(person)
    force_sign_in(client, person)
    return client


@pytest.fixture
def quiz(kent, alice, bob):
    course = publish_course(kent, alice, "KENTONLY-API", pages=1)
    quiz = make_quiz(course, make_bank(kent, alice), alice, [multichoice(), truefalse(), essay()])
    carol = make_person(kent, "carol@kent.police.uk", first="Carol", last="Able")
    make_attempt(quiz, bob, {1: {"answer": 0}, 2: {"answer": True}, 3: {"text": "Essay"}})
    make_attempt(quiz, carol, {1: {"answer": 1}, 2: {"answer": True}})
    return quiz


def test_results_list_each_attempt_with_its_marks(quiz, alice):
    response = client_for(alice).get(f"/api/v1/quizzes/{quiz.uuid}/results/")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2
    carol, bob = data["results"]  # by surname: Able, Officer
    assert (
        carol["learner"]["name"] == "Carol Able" and carol["grade"] == "33.3333" and carol["passed"] is False
    )
    assert bob["needs_marking"] is True and bob["grade"] is None and bob["passed"] is None
    assert [q["slot"] for q in bob["questions"]] == [1, 2, 3]
    assert bob["questions"][2]["state"] == "needsgrading" and bob["questions"][2]["mark"] is None
    assert carol["time_taken_seconds"] == 12 * 60
    waiting = client_for(alice).get(f"/api/v1/quizzes/{quiz.uuid}/results/?show=needs_marking").json()
    assert [r["learner"]["name"] for r in waiting["results"]] == ["Bob Officer"]


def test_a_bad_filter_is_named(quiz, alice):
    response = client_for(alice).get(f"/api/v1/quizzes/{quiz.uuid}/results/?show=everyone")
    assert response.status_code == 400
    assert "“everyone” is not accepted for show" in response.json()["show"][0]


def test_statistics(quiz, alice):
    response = client_for(alice).get(f"/api/v1/quizzes/{quiz.uuid}/statistics/?attempts=all")
    assert response.status_code == 200
    data = response.json()
    assert data["quiz"] == str(quiz.uuid) and data["attempts"] == 1 and data["waiting_for_marking"] == 1
    first = data["questions"][0]
    assert first["slot"] == 1 and first["type"] == "multichoice" and first["facility_index"] == 0.0
    assert {a["answer"]: a["count"] for a in first["responses"][0]["answers"]} == {
        "Paris": 0,
        "Lyon": 1,
        "Nice": 0,
    }
    assert client_for(alice).get(f"/api/v1/quizzes/{quiz.uuid}/statistics/?attempts=best").status_code == 400


def test_a_tutor_gets_their_learners_only(quiz, kent, alice, bob):
    east = unit_create(actor=alice, organisation=kent, name="East")
    tutor = make_person(kent, "tutor@kent.police.uk", unit=east)
    role_grant(actor=None, person=tutor, role="tutor", organisation=kent, unit=east, as_operator=True)
    bob.unit = east
    bob.save(update_fields=["unit"])
    data = client_for(tutor).get(f"/api/v1/quizzes/{quiz.uuid}/results/").json()
    assert [r["learner"]["name"] for r in data["results"]] == ["Bob Officer"]


def test_outsiders_learners_and_missing_quizzes_get_404(quiz, charlie, bob, alice):
    for person in (charlie, bob):
        client = client_for(person)
        assert client.get(f"/api/v1/quizzes/{quiz.uuid}/results/").status_code == 404
        assert client.get(f"/api/v1/quizzes/{quiz.uuid}/statistics/").status_code == 404
    missing = "00000000-0000-4000-8000-000000000000"
    assert client_for(alice).get(f"/api/v1/quizzes/{missing}/results/").status_code == 404
    assert APIClient().get(f"/api/v1/quizzes/{quiz.uuid}/results/").status_code in (401, 403)
