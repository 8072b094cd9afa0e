"""Regrading a quiz's finished attempts after a question is corrected: a dry run records what
would change and changes nothing; the regrade moves answers to the latest version (when it reads
them the same way) or re-marks them against the version seen, totals the attempts again, and the
grades follow to the gradebook; marks given by hand are kept; large quizzes run as a task with
progress on the page; a task that fails says so."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from bluelamp.assessment.banks.services import question_update
from bluelamp.assessment.gradebook.models import Grade
from bluelamp.assessment.quizzes import regrade
from bluelamp.assessment.quizzes.models import AttemptQuestion, RegradeChange, RegradeRun
from bluelamp.assessment.quizzes.tests.results_fixtures import (
    AT,
    essay,
    make_attempt,
    make_bank,
    make_quiz,
    multichoice,
    quiz_on_course,
    take_quiz,
    truefalse,
)
from bluelamp.audit.api import AuditEvent
from bluelamp.learning.tests.courses import publish_course
from conftest import make_person

LATER = AT + dt.timedelta(days=3)


def wrong_key():
    """The question as first written: "Lyon" marked right by mistake."""
    return multichoice(right="Lyon", wrong=("Paris", "Nice"))


def corrected():
    """The corrected version: the same answers in the same places, "Paris" right."""
    question = multichoice(right="Lyon", wrong=("Paris", "Nice"))
    question.answers[0].fraction, question.answers[1].fraction = Decimal(0), Decimal(1)
    return question


@pytest.fixture
def quiz(kent, alice, bob):
    course = publish_course(kent, alice, "KENTONLY-RG", pages=1)
    quiz = make_quiz(course, make_bank(kent, alice), alice, [wrong_key(), truefalse(), essay()])
    carol = make_person(kent, "carol@kent.police.uk", first="Carol", last="Able")
    make_attempt(quiz, bob, {1: {"answer": 1}, 2: {"answer": True}})  # Paris: 0 now, 1 after
    make_attempt(quiz, carol, {1: {"answer": 0}, 2: {"answer": True}})  # Lyon: 1 now, 0 after
    make_attempt(quiz, carol, {1: {"answer": 1}}, number=2, finished=False)  # in progress: left alone
    return quiz


def _correct(quiz, alice):
    question = quiz.slots.get(order=1).question
    return question_update(actor=alice, question=question, content=corrected(), at=AT + dt.timedelta(days=1))


def test_a_dry_run_records_the_changes_and_changes_nothing(quiz, alice):
    new = _correct(quiz, alice)
    moves = regrade.version_moves(quiz)
    first = next(m for m in moves if m.slot_number == 1)
    assert first.new == new and first.moves and first.answers == 2
    run = regrade.regrade_start(actor=alice, quiz=quiz, to_latest_version=True, dry_run=True, at=LATER)
    assert run.finished_at == LATER and run.attempts_regraded == 2 and run.questions_changed == 2
    changes = {c.attempt_question.attempt.person.last_name: c for c in RegradeChange.objects.filter(run=run)}
    assert (changes["Officer"].old_mark, changes["Officer"].new_mark) == (Decimal(0), Decimal(1))
    assert (changes["Able"].old_state, changes["Able"].new_state) == ("gradedright", "gradedwrong")
    assert changes["Able"].new_version == new
    assert not AttemptQuestion.objects.filter(question_version=new).exists()
    assert quiz.attempts.get(person__last_name="Officer").grade == Decimal("33.3333")


def test_the_regrade_moves_answers_to_the_latest_version_and_grades_follow(quiz, alice, bob):
    new = _correct(quiz, alice)
    run = regrade.regrade_start(actor=alice, quiz=quiz, to_latest_version=True, dry_run=False, at=LATER)
    assert run.questions_changed == 2
    bobs = quiz.attempts.get(person=bob)
    assert bobs.grade == Decimal("66.6667") and bobs.sum_marks == Decimal(2)
    carols = quiz.attempts.get(person__last_name="Able", number=1)
    assert carols.grade == Decimal("33.3333")
    assert AttemptQuestion.objects.filter(question_version=new).count() == 2
    assert Grade.objects.get(person=bob).raw == Decimal("66.67")  # the gradebook was told
    assert quiz.attempts.get(number=2).questions.get(slot_number=1).question_version != new  # in progress
    actions = list(
        AuditEvent.objects.filter(action__startswith="assessment.quiz.regrade").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["assessment.quiz.regrade.finish", "assessment.quiz.regrade.start"]
    # Run again: nothing left to change.
    again = regrade.regrade_start(actor=alice, quiz=quiz, to_latest_version=True, dry_run=False, at=LATER)
    assert again.questions_changed == 0


def test_re_marking_against_the_version_seen_after_an_engine_fix(quiz, alice, bob):
    bobs = quiz.attempts.get(person=bob)
    # As if the engine had once marked Bob's true/false answer wrong.
    AttemptQuestion.objects.filter(attempt=bobs, slot_number=2).update(
        fraction=0, mark=0, state="gradedwrong"
    )
    _correct(quiz, alice)  # a new version exists, but this run keeps the versions seen
    run = regrade.regrade_start(actor=alice, quiz=quiz, to_latest_version=False, dry_run=False, at=LATER)
    assert run.questions_changed == 1
    change = RegradeChange.objects.get(run=run)
    assert change.old_version == change.new_version and change.new_mark == Decimal(1)
    bobs.refresh_from_db()
    assert bobs.grade == Decimal("33.3333")  # 1 of 3: Paris is still wrong on version 1


def test_only_the_questions_chosen(quiz, alice):
    _correct(quiz, alice)
    run = regrade.regrade_start(
        actor=alice, quiz=quiz, to_latest_version=True, slots=[2], dry_run=True, at=LATER
    )
    assert run.questions_changed == 0 and run.question_filter == {"slots": [2]}
    with pytest.raises(ValidationError) as refused:
        regrade.regrade_start(
            actor=alice, quiz=quiz, to_latest_version=True, slots=[7], dry_run=True, at=LATER
        )
    assert "No attempt has question 7: choose from 1, 2, 3" in str(refused.value)


def test_a_version_that_reads_answers_differently_is_not_moved(quiz, alice):
    question = quiz.slots.get(order=1).question
    longer = corrected()
    longer.answers.append(longer.answers[2].__class__("Marseille", Decimal(0)))
    question_update(actor=alice, question=question, content=longer, at=AT + dt.timedelta(days=1))
    first = next(m for m in regrade.version_moves(quiz) if m.slot_number == 1)
    assert not first.moves and first.problem == "it has 4 answers now, 3 before"
    run = regrade.regrade_start(actor=alice, quiz=quiz, to_latest_version=True, dry_run=False, at=LATER)
    assert run.questions_changed == 0


def test_marks_given_by_hand_are_kept(kent, alice, bob):
    course = publish_course(kent, alice, "KENTONLY-RH", pages=1)
    quiz = make_quiz(course, make_bank(kent, alice), alice, [truefalse(), essay()])
    attempt = make_attempt(quiz, bob, {1: {"answer": False}, 2: {"text": "Words"}})
    from bluelamp.assessment.quizzes import services

    for slot, mark in ((1, "1"), (2, "0.5")):  # an override, and an essay
        services.attempt_question_mark(
            actor=alice, attempt_question=attempt.questions.get(slot_number=slot), mark=mark, at=AT
        )
    run = regrade.regrade_start(actor=alice, quiz=quiz, to_latest_version=False, dry_run=False, at=LATER)
    assert run.questions_changed == 0
    attempt.refresh_from_db()
    assert attempt.sum_marks == Decimal("1.5")


def test_nothing_to_regrade_and_not_for_tutors(kent, alice):
    course = publish_course(kent, alice, "KENTONLY-RN", pages=1)
    quiz = make_quiz(course, make_bank(kent, alice), alice, [truefalse()])
    with pytest.raises(ValidationError, match="Nobody has finished this quiz yet"):
        regrade.regrade_start(actor=alice, quiz=quiz, to_latest_version=False, at=LATER)
    tutor = make_person(kent, "tutor@kent.police.uk", roles=["tutor"])
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        regrade.regrade_start(actor=tutor, quiz=quiz, to_latest_version=False, at=LATER)


def test_the_pages_dry_run_then_regrade(quiz, alice, bob, signed_in):
    _correct(quiz, alice)
    client = signed_in(alice)
    page = client.get(f"/assessment/quizzes/{quiz.uuid}/regrades/").content.decode()
    assert "Version 2: can move" in page and "Regrade 2 attempts" in page
    response = client.post(
        f"/assessment/quizzes/{quiz.uuid}/regrades/", {"how": "latest", "action": "dry"}, follow=True
    )
    body = response.content.decode()
    assert "Dry run finished: 2 answers would change in 2 attempts." in body
    assert "Changes that would be made" in body and "Bob Officer" in body and "1 to 2" in body
    assert RegradeRun.objects.get().dry_run
    response = client.post(
        f"/assessment/quizzes/{quiz.uuid}/regrades/", {"how": "latest", "action": "apply"}, follow=True
    )
    assert "Regrade finished: 2 answers changed in 2 attempts." in response.content.decode()
    assert quiz.attempts.get(person=bob).grade == Decimal("66.6667")
    listing = client.get(f"/assessment/quizzes/{quiz.uuid}/regrades/").content.decode()
    assert listing.count("Finished") == 2


def test_the_form_names_a_bad_choice(quiz, alice, signed_in):
    response = signed_in(alice).post(
        f"/assessment/quizzes/{quiz.uuid}/regrades/", {"slots": ["9"], "action": "dry"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose how to regrade" in body and "“9” is not one of them" in body
    assert not RegradeRun.objects.exists()


def test_a_large_quiz_is_regraded_by_a_task_after_commit(
    quiz, alice, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(regrade, "IN_REQUEST", 1)
    monkeypatch.setattr(regrade, "BATCH", 1)
    _correct(quiz, alice)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = regrade.regrade_start(actor=alice, quiz=quiz, to_latest_version=True, dry_run=False, at=LATER)
    assert run.finished_at is None and run.attempts_regraded == 0 and len(callbacks) == 1
    callbacks[0]()  # the task, run by the immediate backend of the tests
    run.refresh_from_db()
    assert run.finished_at is not None and run.attempts_regraded == 2 and run.questions_changed == 2


def test_the_run_page_shows_progress_and_a_failure(quiz, alice, signed_in, monkeypatch):
    run = RegradeRun.objects.create(
        quiz=quiz, started_by=alice, started_at=LATER, dry_run=False, attempts_regraded=1
    )
    client = signed_in(alice)
    url = f"/assessment/quizzes/{quiz.uuid}/regrades/{run.uuid}/"
    body = client.get(url).content.decode()
    assert "Regrade running: 1 of 2 attempts done" in body and 'hx-trigger="every 2s"' in body
    partial = client.get(url, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode() and "1 of 2 attempts" in partial.content.decode()

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(regrade, "_regrade_batch", broken)
    with pytest.raises(RuntimeError):
        regrade.regrade_run(run.pk, at=LATER)
    body = client.get(url).content.decode()
    assert "The regrade stopped" in body and "the database went away" in body
    assert client.get(url, headers={"HX-Request": "true"})["HX-Refresh"] == "true"


def test_a_regrade_through_the_taking_pages_services(kent, alice, bob):
    setup = quiz_on_course(kent, alice, code="KENTONLY-RT", people=[bob], contents=[wrong_key()])
    attempt = take_quiz(setup.quiz, bob, {1: {"answer": 1}}, enrolment=setup.enrolments[0])
    assert attempt.grade == Decimal(0)
    _correct(setup.quiz, alice)
    regrade.regrade_start(actor=alice, quiz=setup.quiz, to_latest_version=True, dry_run=False, at=LATER)
    attempt.refresh_from_db()
    assert attempt.grade == Decimal("100.0000")
    from bluelamp.learning.api import ActivityProgress

    assert ActivityProgress.objects.get(enrolment=setup.enrolments[0]).status == "completed"
