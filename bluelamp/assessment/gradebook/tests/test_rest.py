"""The gradebook's REST API: a course's gradebook and its learners' grades for those who may see
them (only the learners they may mark), the reader's own grades, and 404 for everyone else."""

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from bluelamp.assessment.gradebook import services
from conftest import force_sign_in, with_mfa


@pytest.fixture
def api_as(db):
    """An API client signed in as `person` (its own: an applet's tests may not import the API's,
    which sit above assessment in the domains' layers)."""

    def client_for(person, *, via="session"):
        from bluelamp.organisations.api import requires_mfa

        if requires_mfa(person):
            with_mfa(person)
        return force_sign_in(APIClient(), person)

    return client_for


def results(response) -> list[dict]:
    assert response.status_code == 200, (response.status_code, response.content[:500])
    return response.json()["results"]


def _gradebook(w) -> str:
    return f"/api/v1/courses/{w.course.uuid}/gradebook/"


def test_a_courses_gradebook_for_its_manager(gb, api_as):
    body = api_as(gb.alice, via="session").get(_gradebook(gb)).json()
    assert body["course"]["code"] == "GB-1"
    assert body["settings"] == {
        "aggregation": "weighted_mean",
        "missing": "exclude",
        "pass_percent": None,
        "learners_see_total": True,
    }
    assert body["categories"] == [
        {"uuid": str(gb.practical.uuid), "name": "Practical", "weight": 2.0, "order": 1}
    ]
    items = {item["title"]: item for item in body["items"]}
    assert items["Law quiz"]["source"] == "quiz" and items["Law quiz"]["max_grade"] == 20.0
    assert items["Observation"]["category"] == str(gb.practical.uuid)
    assert items["Mock exam"]["hidden"] is True


def test_the_grades_of_the_learners_one_may_mark(gb, api_as):
    services.grade_override(actor=gb.alice, item=gb.quiz, person=gb.bob, grade=18, reason="Re-marked")
    rows = results(api_as(gb.tutor, via="session").get(_gradebook(gb) + "grades/"))
    assert [row["name"] for row in rows] == ["Ann Archer", "Bob Officer"]
    bob = rows[1]
    assert bob["course_grade"] == {
        "percent": 70.0,
        "graded": 2,
        "expected": 3,
        "complete": False,
        "passed": None,
    }
    assert bob["categories"] == [{"category": str(gb.practical.uuid), "percent": 60.0}]
    quiz = next(g for g in bob["grades"] if g["item"] == str(gb.quiz.uuid))
    assert quiz["grade"] == 18.0 and quiz["from_source"] == 15.0 and quiz["overridden"] is True
    assert quiz["override_reason"] == "Re-marked" and quiz["feedback"] == "Well argued"
    only_east = results(api_as(gb.east_tutor, via="session").get(_gradebook(gb) + "grades/"))
    assert [row["name"] for row in only_east] == ["Ann Archer"]
    found = results(api_as(gb.alice, via="session").get(_gradebook(gb) + "grades/", {"q": "officer"}))
    assert [row["name"] for row in found] == ["Bob Officer"]
    in_east = results(api_as(gb.alice, via="session").get(_gradebook(gb) + "grades/", {"unit": gb.east.pk}))
    assert [row["name"] for row in in_east] == ["Ann Archer"]


def test_bad_filters_are_named(gb, api_as):
    client = api_as(gb.alice, via="session")
    assert "is not a unit id" in client.get(_gradebook(gb) + "grades/", {"unit": "east"}).json()["unit"][0]
    assert (
        "There is no unit 999999"
        in client.get(_gradebook(gb) + "grades/", {"unit": "999999"}).json()["unit"][0]
    )
    assert (
        "Use true or false"
        in client.get(_gradebook(gb) + "grades/", {"everyone": "maybe"}).json()["everyone"][0]
    )


@pytest.mark.parametrize("url", ["", "grades/"])
def test_outsiders_and_learners_are_told_not_found(gb, api_as, charlie, url):
    assert api_as(charlie, via="session").get(_gradebook(gb) + url).status_code == 404
    assert api_as(gb.bob, via="session").get(_gradebook(gb) + url).status_code == 404


def test_my_grades(gb, api_as, charlie):
    body = api_as(gb.bob, via="session").get("/api/v1/my-grades/").json()
    assert len(body) == 1 and body[0]["course"]["code"] == "GB-1"
    assert body[0]["course_grade"]["percent"] == 65.0
    items = {item["title"]: item for item in body[0]["items"]}
    assert set(items) == {"Law quiz", "Observation"}  # not the hidden one
    assert items["Law quiz"] == {
        "uuid": str(gb.quiz.uuid),
        "title": "Law quiz",
        "category": None,
        "max_grade": 20.0,
        "pass_grade": 10.0,
        "grade": 15.0,
        "percent": 75.0,
        "feedback": "Well argued",
        "graded_at": "2026-03-02T10:00:00Z",
    }
    assert api_as(charlie, via="session").get("/api/v1/my-grades/").json() == []


def test_the_schema_describes_the_endpoints(db, tmp_path):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    text = path.read_text()
    for endpoint in (
        "/api/v1/courses/{uuid}/gradebook/:",
        "/api/v1/courses/{uuid}/gradebook/grades/:",
        "/api/v1/my-grades/:",
    ):
        assert endpoint in text
