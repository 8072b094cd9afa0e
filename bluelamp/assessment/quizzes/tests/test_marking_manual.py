"""Marking essays by hand: the queue of quizzes and answers waiting, the marking page (the
question, the response and its word count), marks checked with clear errors and nothing lost,
"save and mark the next", re-marking with the history from the audit log, and the learner's
grade, course completion and gradebook following once every essay of an attempt is marked."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from bluelamp.assessment.gradebook.models import Grade
from bluelamp.assessment.quizzes import manual_marking
from bluelamp.assessment.quizzes.models import AttemptQuestion
from bluelamp.assessment.quizzes.tests.results_fixtures import (
    AT,
    essay,
    make_attempt,
    make_bank,
    make_quiz,
    quiz_on_course,
    take_quiz,
    truefalse,
)
from bluelamp.learning.api import ActivityProgress, Enrolment
from bluelamp.learning.tests.courses import publish_course
from bluelamp.organisations.api import role_grant, unit_create
from conftest import make_person


@pytest.fixture
def quiz(kent, alice, bob):
    course = publish_course(kent, alice, "KENTONLY-MK", pages=1)
    quiz = make_quiz(course, make_bank(kent, alice), alice, [truefalse(), essay(max_words=3)], marks={2: 4})
    carol = make_person(kent, "carol@kent.police.uk", first="Carol", last="Able")
    make_attempt(quiz, bob, {1: {"answer": True}, 2: {"text": "<p>One two three four five</p>"}})
    make_attempt(
        quiz, carol, {1: {"answer": False}, 2: {"text": "Short one"}}, started=AT + dt.timedelta(hours=1)
    )
    return quiz


def _url(quiz, attempt, slot=2):
    return f"/assessment/quizzes/marking/{quiz.uuid}/{attempt.uuid}/{slot}/"


def test_the_queue_lists_quizzes_then_answers_waiting(quiz, alice, signed_in):
    client = signed_in(alice)
    body = client.get("/assessment/quizzes/marking/").content.decode()
    assert "KENTONLY quiz" in body and 'id="waiting-total">2 answers waiting' in body
    body = client.get(f"/assessment/quizzes/marking/{quiz.uuid}/").content.decode()
    answers = body[body.index('id="answers"') :]
    assert answers.index("Bob Officer") < answers.index("Carol Able")  # submitted first, first
    assert "Waiting (2)" in body and "Marked (0)" in body


def test_the_marking_page_shows_the_question_response_and_word_count(quiz, alice, bob, signed_in):
    attempt = quiz.attempts.get(person=bob)
    response = signed_in(alice).get(_url(quiz, attempt))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Write about your shift." in body
    assert "One two three four five" in body
    assert "5 words: more than the maximum of 3." in body
    assert "Mark, out of 4" in body
    assert "Answer 1 of 2" in body


@pytest.mark.parametrize(
    "typed, message",
    [
        ("", "Enter a mark from 0 to 4"),
        ("lots", "“lots” is not a number: enter a mark from 0 to 4, for example 2 or 2.5"),
        ("5", "The mark 5 is outside 0 to 4: enter a mark from 0 to 4"),
        ("-1", "The mark -1 is outside 0 to 4: enter a mark from 0 to 4"),
        ("2.125", "The mark 2.125 has more than 2 decimal places: round it, for example to 2.25"),
        ("NaN", "“NaN” is not a number: enter a mark from 0 to 4, for example 2 or 2.5"),
    ],
)
def test_a_bad_mark_is_refused_naming_it_and_nothing_typed_is_lost(
    quiz, alice, bob, signed_in, typed, message
):
    attempt = quiz.attempts.get(person=bob)
    response = signed_in(alice).post(_url(quiz, attempt), {"mark": typed, "comment": "Keep this comment"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert "Keep this comment" in body
    answer = AttemptQuestion.objects.get(attempt=attempt, slot_number=2)
    assert answer.state == "needsgrading" and answer.mark is None


def test_read_mark_accepts_a_decimal_comma():
    assert manual_marking.read_mark("2,5", Decimal(4)) == Decimal("2.5")
    with pytest.raises(ValidationError):
        manual_marking.read_mark("1,2,5", Decimal(4))


def test_save_and_mark_the_next_then_remark_with_history(quiz, alice, bob, signed_in):
    client = signed_in(alice)
    bobs, carols = quiz.attempts.get(person=bob), quiz.attempts.get(person__last_name="Able")
    response = client.post(
        _url(quiz, bobs), {"mark": "2.5", "comment": "Good, but too long.", "then": "next"}
    )
    assert response.status_code == 302 and response["Location"] == _url(quiz, carols)
    answer = AttemptQuestion.objects.get(attempt=bobs, slot_number=2)
    assert (answer.mark, answer.state, answer.comment, answer.marked_by) == (
        Decimal("2.5"),
        "manual",
        "Good, but too long.",
        alice,
    )
    bobs.refresh_from_db()
    # 1 (true/false) + 2.5 of 5 marks.
    assert not bobs.needs_marking and bobs.grade == Decimal("70.0000")
    # The last one waiting: back to the list, nothing more waiting.
    response = client.post(_url(quiz, carols), {"mark": "1", "comment": "", "then": "next"}, follow=True)
    assert "No more answers are waiting in this quiz." in response.content.decode()
    # Marked again: a new mark, both in the history.
    client.post(_url(quiz, bobs), {"mark": "3", "comment": "On reflection", "then": "list"})
    body = client.get(_url(quiz, bobs)).content.decode()
    history = body[body.index('id="history"') :]
    assert "gave 3 (was 2.5)" in history and "gave 2.5" in history
    body = client.get(f"/assessment/quizzes/marking/{quiz.uuid}/?show=marked").content.decode()
    assert "Marked (2)" in body and "Change the mark" in body


def test_a_mark_can_override_an_automatic_one(quiz, alice, bob, signed_in):
    attempt = quiz.attempts.get(person=bob)
    client = signed_in(alice)
    page = client.get(_url(quiz, attempt, slot=1)).content.decode()
    assert "Marked automatically: 1 out of 1" in page
    client.post(_url(quiz, attempt, slot=1), {"mark": "0.5", "comment": "Half", "then": "list"})
    assert AttemptQuestion.objects.get(attempt=attempt, slot_number=1).mark == Decimal("0.5")


def test_a_tutor_marks_only_the_learners_they_mark(quiz, kent, alice, bob, signed_in):
    east = unit_create(actor=alice, organisation=kent, name="East")
    tutor = make_person(kent, "tutor@kent.police.uk", first="Tess", last="Tutor", unit=east)
    role_grant(actor=None, person=tutor, role="tutor", organisation=kent, unit=east, as_operator=True)
    bob.unit = east
    bob.save(update_fields=["unit"])
    client = signed_in(tutor)
    body = client.get("/assessment/quizzes/marking/").content.decode()
    assert 'id="waiting-total">1 answer waiting' in body
    carols = quiz.attempts.get(person__last_name="Able")
    assert client.get(_url(quiz, carols)).status_code == 404
    assert client.post(_url(quiz, carols), {"mark": "1"}).status_code == 404
    assert client.post(_url(quiz, quiz.attempts.get(person=bob)), {"mark": "1"}).status_code == 302


def test_outsiders_learners_and_missing_answers_are_not_found(quiz, bob, charlie, alice, signed_in):
    attempt = quiz.attempts.get(person=bob)
    assert signed_in(charlie).get(_url(quiz, attempt)).status_code == 404
    body = signed_in(charlie).get("/assessment/quizzes/marking/").content.decode()
    assert "KENTONLY" not in body and "No essay answers are waiting for you." in body
    assert signed_in(bob).get("/assessment/quizzes/marking/").status_code == 404
    assert signed_in(alice).get(_url(quiz, attempt, slot=9)).status_code == 404


def test_marking_the_last_essay_completes_the_course_and_records_the_grade(kent, alice, bob, signed_in):
    setup = quiz_on_course(kent, alice, code="KENTONLY-EE", people=[bob])
    attempt = take_quiz(
        setup.quiz, bob, {1: {"answer": True}, 2: {"text": "My essay"}}, enrolment=setup.enrolments[0]
    )
    assert attempt.needs_marking and attempt.grade is None
    response = signed_in(alice).post(
        f"/assessment/quizzes/marking/{setup.quiz.uuid}/{attempt.uuid}/2/", {"mark": "1", "then": "list"}
    )
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.grade == Decimal("100.0000")
    progress = ActivityProgress.objects.get(enrolment=setup.enrolments[0])
    assert progress.status == "completed" and progress.score == Decimal("100.00")
    assert Enrolment.objects.get(pk=setup.enrolments[0].pk).status == Enrolment.Status.COMPLETED
    assert Grade.objects.get(person=bob).raw == Decimal("100.00")
