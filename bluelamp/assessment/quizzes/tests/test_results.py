"""A quiz's results for markers: the overview (counts, average and pass rate by the grading
method, the distribution in a chart and a table), learners × attempts with each question's mark,
filters, an attempt reviewed question by question, exports (audited), and who sees what."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from bluelamp.assessment.quizzes import results
from bluelamp.assessment.quizzes.models import Quiz
from bluelamp.assessment.quizzes.tests.results_fixtures import (
    AT,
    essay,
    make_attempt,
    make_bank,
    make_quiz,
    multichoice,
    truefalse,
)
from bluelamp.audit.api import AuditEvent
from bluelamp.learning.tests.courses import publish_course
from bluelamp.organisations.api import role_grant, unit_create
from conftest import make_person


@pytest.fixture
def quiz(kent, alice, bob):
    course = publish_course(kent, alice, "KENTONLY-R", pages=1)
    quiz = make_quiz(
        course,
        make_bank(kent, alice),
        alice,
        [multichoice(), truefalse(), essay()],
        marks={3: 2},
        pass_mark=60,
    )
    carol = make_person(kent, "carol@kent.police.uk", first="Carol", last="Able")
    dan = make_person(kent, "dan@kent.police.uk", first="Dan", last="Zed")
    # Bob: 1st attempt 1/4 (25%), 2nd with its essay waiting for a marker, 3rd in progress.
    make_attempt(quiz, bob, {1: {"answer": 1}, 2: {"answer": True}, 3: {}}, number=1)
    make_attempt(quiz, bob, {1: {"answer": 0}, 2: {"answer": True}, 3: {"text": "A fine essay"}}, number=2)
    make_attempt(quiz, bob, {1: {"answer": 0}}, number=3, finished=False, started=AT + dt.timedelta(days=1))
    # Carol: 2/4 (50%). Dan: essay waiting.
    make_attempt(quiz, carol, {1: {"answer": 0}, 2: {"answer": True}}, minutes=65)
    make_attempt(quiz, dan, {1: {"answer": 0}, 2: {"answer": False}, 3: {"text": "Words words"}})
    return quiz


def test_overview_counts_and_grades_by_the_grading_method(quiz, alice):
    o = results.overview(alice, quiz)
    assert (o.attempts, o.finished, o.in_progress, o.needs_marking, o.learners) == (5, 4, 1, 2, 3)
    # Highest: Bob 25% (his 2nd attempt waits for a marker), Carol 50%; Dan has no grade yet.
    assert o.graded_learners == 2 and o.average_grade == Decimal("37.50")
    assert (o.passed, o.failed, o.pass_rate) == (0, 2, Decimal("0.0"))
    bands = {label: (p, f) for label, p, f in o.distribution}
    assert bands["20–30%"] == (0, 1) and bands["50–60%"] == (0, 1)
    Quiz.objects.filter(pk=quiz.pk).update(grading_method=Quiz.GradingMethod.FIRST, pass_mark=25)
    quiz.refresh_from_db()
    o = results.overview(alice, quiz)
    assert (o.passed, o.failed, o.graded_learners) == (2, 0, 2)


def test_results_page_overview_chart_table_and_marks(quiz, alice, signed_in):
    response = signed_in(alice).get(f"/assessment/quizzes/{quiz.uuid}/results/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="img"' in body and "Learners&#39; grades in KENTONLY quiz" in body  # the chart
    assert 'id="distribution"' in body  # and the same figures as a table
    assert 'id="overview-average">37.5%' in body
    # Learners by surname: Carol Able, Bob Officer ×3, Dan Zed; Q3 of Dan's waits for a marker.
    table = body[body.index('id="attempts-table"') :]
    assert table.index("Carol Able") < table.index("Bob Officer") < table.index("Dan Zed")
    assert "To mark" in table and "1 hour 5 minutes" in table
    assert "Waiting for marking" in table and "In progress" in table


@pytest.mark.parametrize(
    "show, expected",
    [
        ("all", 5),
        ("finished", 4),
        ("in_progress", 1),
        ("needs_marking", 2),
        ("passed", 0),
        ("failed", 2),
        ("nonsense", 5),
    ],
)
def test_filters(quiz, alice, show, expected):
    attempts = results.filter_attempts(results.attempts_visible(alice, quiz), quiz, show)
    assert attempts.count() == expected


def test_filter_on_the_page(quiz, alice, signed_in):
    body = (
        signed_in(alice).get(f"/assessment/quizzes/{quiz.uuid}/results/?show=needs_marking").content.decode()
    )
    table = body[body.index('id="attempts-table"') :]
    assert "Dan Zed" in table and "Carol Able" not in table
    assert "2 attempts: waiting for marking" in body


def test_an_attempt_reviewed_question_by_question(quiz, alice, bob, signed_in):
    attempt = quiz.attempts.get(person=bob, number=1)
    response = signed_in(alice).get(f"/assessment/quizzes/{quiz.uuid}/results/{attempt.uuid}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Question 1" in body and "Lyon" in body  # the response in words
    assert "Right answer" in body and "Paris" in body
    assert "No." in body  # the chosen answer's feedback
    assert "General words." in body
    assert 'id="attempt-grade">25%' in body
    # A marker may change a mark from here.
    assert f"/assessment/quizzes/marking/{quiz.uuid}/{attempt.uuid}/1/" in body


def test_results_export_csv_and_xlsx_are_audited(quiz, alice, signed_in):
    client = signed_in(alice)
    csv = client.get(f"/assessment/quizzes/{quiz.uuid}/results/export/results.csv")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Last name,First name,Staff number,E-mail,Attempt,State,Started,Submitted")
    assert lines[0].endswith("Q1 mark,Q2 mark,Q3 mark")
    assert len(lines) == 6
    carol = next(line for line in lines if line.startswith("Able,Carol"))
    assert ",65.0,2.0000,4.0000,50.0000,No," in carol
    xlsx = client.get(f"/assessment/quizzes/{quiz.uuid}/results/export/responses.xlsx?show=finished")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Last name", "First name", "Staff number", "E-mail")
    assert "Q3 response" in rows[0] and len(rows) == 5
    dan = next(r for r in rows if r[0] == "Zed")
    assert "Words words" in dan and "Paris" in dan
    events = AuditEvent.objects.filter(action="assessment.quiz.results.export").order_by("pk")
    assert [e.after["table"] for e in events] == ["results", "responses"]
    assert events[1].after["filter"] == "finished" and events[1].after["rows"] == 4


def test_export_cells_cannot_be_formulas(quiz, alice, bob, signed_in):
    bob.last_name = "=HYPERLINK(1)"
    bob.save(update_fields=["last_name"])
    csv = signed_in(alice).get(f"/assessment/quizzes/{quiz.uuid}/results/export/results.csv").content.decode()
    assert "'=HYPERLINK(1)" in csv


def test_unknown_export_is_not_found(quiz, alice, signed_in):
    client = signed_in(alice)
    assert client.get(f"/assessment/quizzes/{quiz.uuid}/results/export/results.pdf").status_code == 404
    assert client.get(f"/assessment/quizzes/{quiz.uuid}/results/export/grades.csv").status_code == 404


def test_a_tutor_sees_only_the_learners_of_their_unit(quiz, kent, alice, bob, signed_in):
    east = unit_create(actor=alice, organisation=kent, name="East")
    tutor = make_person(kent, "tutor@kent.police.uk", first="Tess", last="Tutor", unit=east)
    role_grant(actor=None, person=tutor, role="tutor", organisation=kent, unit=east, as_operator=True)
    bob.unit = east
    bob.save(update_fields=["unit"])
    client = signed_in(tutor)
    body = client.get(f"/assessment/quizzes/{quiz.uuid}/results/").content.decode()
    assert "Bob Officer" in body and "Carol Able" not in body and "Dan Zed" not in body
    carol_attempt = quiz.attempts.get(person__last_name="Able")
    assert client.get(f"/assessment/quizzes/{quiz.uuid}/results/{carol_attempt.uuid}/").status_code == 404
    csv = client.get(f"/assessment/quizzes/{quiz.uuid}/results/export/results.csv").content.decode()
    assert "Officer" in csv and "Able" not in csv
    # Tutors mark; regrading is for the course's managers.
    assert client.get(f"/assessment/quizzes/{quiz.uuid}/regrades/").status_code == 404


def test_outsiders_and_learners_are_told_not_found(quiz, bob, charlie, signed_in):
    for person in (charlie, bob):
        client = signed_in(person)
        assert client.get(f"/assessment/quizzes/{quiz.uuid}/results/").status_code == 404
        assert client.get(f"/assessment/quizzes/{quiz.uuid}/statistics/").status_code == 404


def test_the_results_page_reads_a_page_of_attempts_in_a_fixed_number_of_queries(
    quiz, kent, alice, signed_in, django_assert_max_num_queries
):
    for n in range(20):
        person = make_person(kent, f"many{n}@kent.police.uk", first=f"M{n}", last="Many")
        make_attempt(quiz, person, {1: {"answer": 0}, 2: {"answer": True}})
    client = signed_in(alice)
    client.get(f"/assessment/quizzes/{quiz.uuid}/results/")
    with django_assert_max_num_queries(30):
        response = client.get(f"/assessment/quizzes/{quiz.uuid}/results/")
    assert response.content.decode().count("Many") >= 20
