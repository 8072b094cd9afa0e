"""The quizzes API's core part: a course's quizzes and a quiz's settings for its managers (and
the settings for learners on a course that holds it), and a learner's own attempts, with grades
only as the review options show them. Anyone else is told "not found"."""

import random
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from bluelamp.assessment.quizzes import services
from bluelamp.assessment.quizzes.tests.core_world import at, build
from bluelamp.assessment.quizzes.web import clock
from bluelamp.organisations.api import requires_mfa
from conftest import force_sign_in, with_mfa

D = Decimal
pytestmark = pytest.mark.django_db


def api(person) -> APIClient:
    """An API client acting as `person` through their browser session (the API's token fixtures
    belong to bluelamp.restapi, above this domain)."""
    client = APIClient()
    if requires_mfa(person):
        with_mfa(person)
    force_sign_in(client, person)
    return client


def test_a_course_s_quizzes_and_a_quiz_s_settings(alice, bob, charlie):
    w = build(alice, bob, keys=("mc", "tf"), time_limit=900, pass_mark=D(80))
    listed = api(alice).get(f"/api/v1/courses/{w.course.uuid}/quizzes/")
    assert listed.status_code == 200
    assert listed.json()["results"] == [
        {
            "uuid": str(w.quiz.uuid),
            "course": str(w.course.uuid),
            "course_code": "KENTONLY-Q",
            "title": "KENTONLY quiz",
            "questions": 2,
        }
    ]
    detail = api(alice).get(f"/api/v1/quizzes/{w.quiz.uuid}/").json()
    assert detail["time_limit"] == 900 and detail["pass_mark"] == 80 and detail["grading_method"] == "highest"
    assert detail["review"]["closed"] == [
        "responses",
        "marks",
        "right_answers",
        "feedback",
        "general_feedback",
    ]
    assert detail["review"]["immediately"] == ["responses", "marks", "feedback", "general_feedback"]
    # Bob takes the quiz: he reads its settings, not the course's list of quizzes.
    assert api(bob).get(f"/api/v1/quizzes/{w.quiz.uuid}/").status_code == 200
    assert api(bob).get(f"/api/v1/courses/{w.course.uuid}/quizzes/").status_code == 404
    for url in (f"/api/v1/courses/{w.course.uuid}/quizzes/", f"/api/v1/quizzes/{w.quiz.uuid}/"):
        assert api(charlie).get(url).status_code == 404
    assert api(alice).get("/api/v1/quizzes/00000000-0000-4000-8000-000000000000/").status_code == 404


def test_my_attempts_show_grades_as_the_review_options_allow(alice, bob, charlie, monkeypatch):
    w = build(alice, bob, keys=("mc", "tf"), attempts_allowed=3, review_marks_open=False, close_at=at(600))
    attempt = services.attempt_start(
        person=bob, quiz=w.quiz, enrolment=w.enrolment, at=at(0), rng=random.Random(1)
    )
    services.attempt_save(person=bob, attempt=attempt, page=1, read={1: {"answer": 0}}, at=at(1))
    services.attempt_submit(person=bob, attempt=attempt, at=at(2))
    monkeypatch.setattr(clock, "now", lambda: at(3))
    mine = api(bob).get(f"/api/v1/quizzes/{w.quiz.uuid}/my-attempts/").json()
    assert mine["grade"] == 50.0 and mine["passed"] is True and mine["attempts_left"] == 2
    assert mine["attempts"][0]["grade"] == 50.0 and mine["attempts"][0]["state"] == "finished"
    monkeypatch.setattr(clock, "now", lambda: at(30))
    later = api(bob).get(f"/api/v1/quizzes/{w.quiz.uuid}/my-attempts/").json()
    assert later["grade"] is None and later["attempts"][0]["grade"] is None
    assert api(alice).get(f"/api/v1/quizzes/{w.quiz.uuid}/my-attempts/").status_code == 404
    assert api(charlie).get(f"/api/v1/quizzes/{w.quiz.uuid}/my-attempts/").status_code == 404
