"""Attempts through the services: starting (random draws, shuffles, the deadline), saving,
finishing by the learner and by the clock, automatic marking, the quiz grade by each grading
method, completion on the learner record, the gradebook, and reasonable adjustments."""

import random
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bluelamp.assessment.gradebook.models import Grade
from bluelamp.assessment.quizzes import services
from bluelamp.assessment.quizzes.attempts import attempt_questions
from bluelamp.assessment.quizzes.models import Attempt, AttemptQuestion
from bluelamp.assessment.quizzes.tests.core_world import AT, at, build
from bluelamp.audit.api import AuditEvent
from bluelamp.learning.api import ActivityProgress, Completion
from conftest import make_person

D = Decimal
pytestmark = pytest.mark.django_db


def start(w, minutes=0, person=None):
    return services.attempt_start(
        person=person or w.bob, quiz=w.quiz, enrolment=w.enrolment, at=at(minutes), rng=random.Random(1)
    )


def answer(w, attempt, responses, minutes=1, page=None):
    """Save `responses` (slot order → response) page by page."""
    pages = {row.slot_number: row.page for row, _q in attempt_questions(attempt)}
    for number, response in responses.items():
        services.attempt_save(
            person=attempt.person,
            attempt=attempt,
            page=page or pages[number],
            read={number: response},
            at=at(minutes),
        )


def submit(w, attempt, minutes=2):
    return services.attempt_submit(person=attempt.person, attempt=attempt, at=at(minutes))


def test_starting_draws_the_current_versions_and_random_questions_without_repeats(alice, bob):
    w = build(alice, bob, keys=("mc", "tf"), random=3)
    attempt = start(w)
    rows = attempt_questions(attempt)
    assert [r.slot_number for r, _q in rows] == [1, 2, 3, 4, 5]
    assert [r.page for r, _q in rows] == [1, 2, 3, 4, 5] and attempt.pages == 5
    assert rows[0][0].question_version_id == w.questions["mc"].current_id
    drawn = [r.question_version.question_id for r, _q in rows[2:]]
    assert len(set(drawn)) == 3
    assert all(r.question_version.question.category_id == w.random_category.pk for r, _q in rows[2:])
    assert attempt.max_marks == D(5) and attempt.deadline_at is None
    # The first attempt shows the quiz in progress on the course.
    progress = ActivityProgress.objects.get(enrolment=w.enrolment)
    assert progress.status == "in_progress"
    # Starting again gives back the same attempt.
    assert start(w).pk == attempt.pk


def test_random_questions_with_tags_and_too_few_questions_are_refused_by_name(alice, bob):
    w = build(alice, bob, keys=(), publish=False)
    services.slot_add_random(actor=alice, quiz=w.quiz, category=w.random_category, count=2, tags="law")
    with pytest.raises(ValidationError) as error:
        services.slot_add_random(actor=alice, quiz=w.quiz, category=w.random_category, count=1, tags=["law"])
    message = error.value.message_dict["count"][0]
    assert "“Top / Random / Law” and its subcategories hold 2 questions tagged law" in message
    assert (
        "2 of them already drawn or used in this quiz" in message
        and "you asked for 1. None is left to draw" in message
    )
    # Drawing from the whole category, two tagged ones are taken: four in all, so two more fit.
    services.slot_add_random(actor=alice, quiz=w.quiz, category=w.random_category, count=2)
    assert w.quiz.slots.count() == 4


def test_a_fixed_question_already_in_the_quiz_or_from_another_force_is_refused(alice, bob, essex):
    w = build(alice, bob, keys=("mc",), publish=False)
    with pytest.raises(ValidationError) as error:
        services.slots_add_questions(actor=alice, quiz=w.quiz, questions=[w.questions["mc"]])
    assert "“PACE code” is already in the quiz." in error.value.messages
    essex_admin = make_person(essex, "erin@essex.police.uk", roles=["organisation_admin"])
    from bluelamp.assessment.quizzes.tests.core_world import bank_with_questions

    _bank, theirs, _cat = bank_with_questions(essex, essex_admin)
    with pytest.raises(ValidationError) as error:
        services.slots_add_questions(actor=alice, quiz=w.quiz, questions=[theirs["tf"]])
    assert f"Question {theirs['tf'].pk} is not in a bank you may use." in error.value.messages
    with pytest.raises(PermissionDenied):
        services.slots_add_questions(actor=essex_admin, quiz=w.quiz, questions=[theirs["tf"]])


def test_shuffling_questions_within_pages_and_choices(alice, bob):
    w = build(alice, bob, keys=("mc", "tf", "short", "num"), per_page=2, shuffle_questions=True)
    seen = set()
    for n in range(8):
        attempt = services.attempt_start(
            person=w.bob, quiz=w.quiz, enrolment=w.enrolment, at=at(n * 10), rng=random.Random(n)
        )
        rows = attempt_questions(attempt)
        assert [r.page for r, _q in rows] == [1, 1, 2, 2]
        assert {r.slot_number for r, _q in rows[:2]} == {1, 2}
        seen.add(tuple(r.slot_number for r, _q in rows))
        Attempt.objects.filter(pk=attempt.pk).update(state="abandoned")
    assert len(seen) > 1


def test_a_full_attempt_is_marked_and_passing_completes_the_course(alice, bob):
    w = build(alice, bob, keys=("mc", "multi", "tf", "short", "num", "match", "order", "gaps", "info"))
    attempt = start(w)
    answer(
        w,
        attempt,
        {
            1: {"answer": 0},
            2: {"answers": [0]},
            3: {"answer": True},
            4: {"answer": "pace 1984"},
            5: {"answer": "40 mph"},
            6: {"pairs": {"0": "Stop and search", "1": "Entry"}},
            7: {"positions": {"0": 1, "1": 2, "2": 3}},
            8: {"gaps": {"1": 1, "2": 2}},
        },
    )
    attempt = submit(w, attempt)
    assert attempt.state == "finished" and not attempt.submitted_by_timer
    marks = {r.slot_number: (r.mark, r.state) for r, _q in attempt_questions(attempt)}
    assert marks[1] == (D(1), "gradedright")
    assert marks[2] == (D("0.5"), "gradedpartial")
    assert marks[6] == (D("0.5"), "gradedpartial")
    assert marks[9] == (None, "info")
    assert attempt.max_marks == D(8) and attempt.sum_marks == D(7)
    assert attempt.grade == D("87.5000")
    progress = ActivityProgress.objects.get(enrolment=w.enrolment)
    assert progress.status == "completed" and progress.score == D("87.50")
    assert Completion.objects.get(person=bob, course=w.course).score is not None
    grade = Grade.objects.get(person=bob, item__source="quiz", item__source_key=str(w.quiz.uuid))
    assert grade.raw == D("87.50") and grade.item.pass_grade == D("50.00")
    assert AuditEvent.objects.filter(action="assessment.quiz.attempt.finish").count() == 1


def test_an_essay_waits_for_a_marker_then_the_mark_completes(alice, bob):
    w = build(alice, bob, keys=("mc", "essay"), pass_mark=D(75))
    attempt = start(w)
    answer(w, attempt, {1: {"answer": 0}, 2: {"text": "I stopped a car on the A2."}})
    attempt = submit(w, attempt)
    assert attempt.needs_marking and attempt.grade is None and attempt.sum_marks == D(1)
    assert ActivityProgress.objects.get(enrolment=w.enrolment).status == "in_progress"
    assert Grade.objects.get(person=bob).raw is None
    essay = AttemptQuestion.objects.get(attempt=attempt, slot_number=2)
    assert essay.state == "needsgrading"
    with pytest.raises(ValidationError) as error:
        services.attempt_question_mark(actor=alice, attempt_question=essay, mark="2", at=at(30))
    assert error.value.message_dict["mark"] == ["The mark 2 is outside 0 to 1."]
    with pytest.raises(PermissionDenied):
        services.attempt_question_mark(actor=bob, attempt_question=essay, mark="1", at=at(30))
    services.attempt_question_mark(
        actor=alice, attempt_question=essay, mark="0.5", comment="Good.", at=at(30)
    )
    attempt.refresh_from_db()
    assert not attempt.needs_marking and attempt.grade == D("75.0000")
    assert ActivityProgress.objects.get(enrolment=w.enrolment).status == "completed"
    assert Grade.objects.get(person=bob).raw == D("75.00")


def test_fail_retake_pass_with_the_highest_grade(alice, bob):
    w = build(alice, bob, keys=("mc", "tf"), pass_mark=D(100), attempts_allowed=2)
    first = start(w)
    answer(w, first, {1: {"answer": 1}, 2: {"answer": True}})
    first = submit(w, first)
    assert first.grade == D(50)
    progress = ActivityProgress.objects.get(enrolment=w.enrolment)
    assert progress.status == "failed"
    second = start(w, minutes=10)
    assert second.number == 2
    answer(w, second, {1: {"answer": 0}, 2: {"answer": True}}, minutes=11)
    submit(w, second, minutes=12)
    progress.refresh_from_db()
    assert progress.status == "completed" and progress.score == D(100)
    with pytest.raises(ValidationError) as error:
        start(w, minutes=20)
    assert error.value.messages == ["You have used all 2 of your attempts at this quiz."]


@pytest.mark.parametrize(
    ("method", "expected", "status"),
    [
        ("highest", D(100), "completed"),
        # The second attempt passed: the activity stays complete on the record, whatever a later
        # attempt does to the grade.
        ("last", D(0), "completed"),
        ("first", D(50), "failed"),
        ("average", D(50), "failed"),
    ],
)
def test_grading_methods(alice, bob, method, expected, status):
    w = build(alice, bob, keys=("mc", "tf"), grading_method=method, pass_mark=D(100))
    for n, responses in enumerate(
        [{1: {"answer": 0}}, {1: {"answer": 0}, 2: {"answer": True}}, {1: {"answer": 1}}]
    ):
        attempt = start(w, minutes=n * 10)
        answer(w, attempt, responses, minutes=n * 10 + 1)
        submit(w, attempt, minutes=n * 10 + 2)
    grade = Grade.objects.get(person=bob)
    assert grade.raw == expected
    progress = ActivityProgress.objects.get(enrolment=w.enrolment)
    assert progress.status == status
    assert progress.score == expected


def test_the_deadline_is_enforced_on_the_server(alice, bob):
    w = build(alice, bob, keys=("mc", "tf"), time_limit=600)
    attempt = start(w)
    assert attempt.deadline_at == at(10)
    answer(w, attempt, {1: {"answer": 0}}, minutes=5)
    # Within the grace after the deadline, a save in flight is kept and the attempt handed in.
    saved = services.attempt_save(
        person=bob, attempt=attempt, page=2, read={2: {"answer": True}}, at=at(10, seconds=5)
    )
    assert saved.finished and saved.changed == 1
    attempt.refresh_from_db()
    assert attempt.state == "finished" and attempt.submitted_by_timer and attempt.submitted_at == at(10)
    assert attempt.grade == D(100)


def test_late_answers_are_refused_and_the_job_finishes_forgotten_attempts(alice, bob):
    w = build(alice, bob, keys=("mc", "tf"), time_limit=600)
    attempt = start(w)
    answer(w, attempt, {1: {"answer": 0}}, minutes=5)
    saved = services.attempt_save(person=bob, attempt=attempt, page=2, read={2: {"answer": True}}, at=at(11))
    assert saved.finished and saved.changed == 0
    attempt.refresh_from_db()
    assert attempt.grade == D(50) and attempt.submitted_at == at(10)
    # Another learner walks away; the job hands their attempt in.
    carol = make_person(alice.organisation, "carol@kent.police.uk")
    from bluelamp.learning.api import enrol_people

    enrolment = enrol_people(actor=alice, course=w.course, people=[carol]).enrolled[0]
    theirs = services.attempt_start(person=carol, quiz=w.quiz, enrolment=enrolment, at=at(20))
    assert services.attempts_finish_overdue(at=at(30)) == 0
    assert services.attempts_finish_overdue(at=at(30, seconds=11)) == 1
    theirs.refresh_from_db()
    assert theirs.state == "finished" and theirs.submitted_by_timer and theirs.grade == D(0)
    # She was not there: she is told, once.
    from bluelamp.notifications.api import Notification

    notice = Notification.objects.get(person=carol)
    assert notice.subject == "Your attempt at KENTONLY quiz was submitted when time ran out"
    assert notice.link == f"/assessment/quizzes/attempts/{theirs.uuid}/review/"
    assert services.attempts_finish_overdue(at=at(40)) == 0
    # The frequent job is registered and runs the same.
    from bluelamp.assessment.quizzes.tasks import finish_overdue_attempts
    from bluelamp.core.plugins import jobs

    assert finish_overdue_attempts in jobs("frequent")
    assert finish_overdue_attempts.call() == 0


def test_the_deadline_never_passes_the_closing_time(alice, bob):
    w = build(alice, bob, keys=("mc",), time_limit=3600, close_at=at(30), open_at=at(-60))
    assert start(w).deadline_at == at(30)


def test_opening_and_closing_are_enforced(alice, bob):
    w = build(alice, bob, keys=("mc",), open_at=at(60), close_at=at(120))
    with pytest.raises(ValidationError) as error:
        start(w)
    assert error.value.messages[0].startswith("This quiz opens on 2 March 2026 at")
    with pytest.raises(ValidationError) as error:
        start(w, minutes=121)
    assert error.value.messages[0].startswith("This quiz closed on")
    assert start(w, minutes=61).deadline_at == at(120)


def test_an_older_autosave_never_overwrites_a_newer_save(alice, bob):
    w = build(alice, bob, keys=("short",))
    attempt = start(w)
    services.attempt_save(
        person=bob, attempt=attempt, page=1, read={1: {"answer": "new"}}, sequence=200, at=at(1)
    )
    services.attempt_save(
        person=bob, attempt=attempt, page=1, read={1: {"answer": "old"}}, sequence=100, at=at(1)
    )
    row = AttemptQuestion.objects.get(attempt=attempt)
    assert row.response == {"answer": "new"} and row.sequence == 200 and row.state == "complete"
    # Without JavaScript there is no counter: the page's own save always counts.
    services.attempt_save(person=bob, attempt=attempt, page=1, read={1: {}}, at=at(2))
    row.refresh_from_db()
    assert row.response == {} and row.state == "todo"


def test_someone_else_cannot_save_or_submit_an_attempt(alice, bob):
    w = build(alice, bob, keys=("mc",))
    attempt = start(w)
    from django.http import Http404

    with pytest.raises(Http404):
        services.attempt_save(person=alice, attempt=attempt, page=1, read={1: {"answer": 0}}, at=at(1))
    with pytest.raises(Http404):
        services.attempt_submit(person=alice, attempt=attempt, at=at(1))


def test_extra_time_extends_the_deadline_and_an_extra_attempt_allows_one_more(alice, bob):
    w = build(alice, bob, keys=("mc",), time_limit=1200, attempts_allowed=1)
    attempt = start(w)
    assert attempt.deadline_at == at(20)
    adjustment = services.adjustment_grant(
        actor=alice, quiz=w.quiz, person=bob, reason="Support plan: 25% extra time.", extra_time_percent=25,
        extra_time_seconds=60, extra_attempts=1, at=at(1),
    )  # fmt: skip
    attempt.refresh_from_db()
    assert attempt.deadline_at == at(26)  # 20 minutes + 25% + 1 minute
    submit(w, attempt, minutes=3)
    second = start(w, minutes=30)
    assert second.number == 2 and second.deadline_at == at(56)
    submit(w, second, minutes=31)
    with pytest.raises(ValidationError):
        start(w, minutes=40)
    event = AuditEvent.objects.get(action="assessment.quiz.adjustment.grant")
    assert event.after["reason"] == "Support plan: 25% extra time."
    services.adjustment_revoke(actor=alice, adjustment=adjustment, reason="Plan ended.", at=at(50))
    adjustment.refresh_from_db()
    assert adjustment.revoked_by == alice and adjustment.revoke_reason == "Plan ended."


def test_adjustments_name_what_is_wrong(alice, bob, charlie):
    w = build(alice, bob, keys=("mc",))
    with pytest.raises(ValidationError) as error:
        services.adjustment_grant(actor=alice, quiz=w.quiz, person=bob, reason="", at=AT)
    assert error.value.message_dict["reason"][0].startswith("Enter the reason")
    with pytest.raises(ValidationError) as error:
        services.adjustment_grant(actor=alice, quiz=w.quiz, person=bob, reason="Plan", at=AT)
    assert error.value.message_dict["extra_time_seconds"] == ["Give extra time, extra attempts, or both."]
    with pytest.raises(ValidationError) as error:
        services.adjustment_grant(
            actor=alice, quiz=w.quiz, person=alice, reason="Plan", extra_attempts=1, at=AT
        )
    assert error.value.message_dict["person"] == ["They are not enrolled on KENTONLY-Q: enrol them first."]
    with pytest.raises(PermissionDenied):
        services.adjustment_grant(
            actor=charlie, quiz=w.quiz, person=bob, reason="Plan", extra_attempts=1, at=AT
        )


def test_a_preview_is_not_a_result(alice, bob):
    w = build(alice, bob, keys=("mc",), open_at=at(600))
    preview = services.attempt_start(person=alice, quiz=w.quiz, preview=True, at=AT)
    assert preview.preview and preview.enrolment is None
    answer(w, preview, {1: {"answer": 0}})
    preview = submit(w, preview)
    assert preview.grade == D(100)
    assert not Grade.objects.exists()
    with pytest.raises(PermissionDenied):
        services.attempt_start(person=bob, quiz=w.quiz, preview=True, at=AT)


def test_settings_name_each_problem(alice, bob):
    w = build(alice, bob, keys=("mc",), publish=False)
    values = services.QuizSettings.of(w.quiz)
    values.title = ""
    values.time_limit = 0
    values.open_at, values.close_at = at(10), at(5)
    values.pass_mark = D(120)
    values.grading_method = "best"
    with pytest.raises(ValidationError) as error:
        services.quiz_update(actor=alice, quiz=w.quiz, data=values, at=AT)
    errors = error.value.message_dict
    assert errors["title"] == ["Enter a title for the quiz."]
    assert errors["close_at"] == [
        "The quiz must close after it opens: give a closing time after the opening time."
    ]
    assert errors["pass_mark"] == ["A pass mark of 120% is not accepted: give 0 to 100."]
    assert errors["grading_method"] == [
        "“best” is not a grading method: use one of highest, last, first, average."
    ]
    assert "time_limit" in errors


def test_changing_the_pass_mark_grades_everyone_again(alice, bob):
    w = build(alice, bob, keys=("mc", "tf"), pass_mark=D(100))
    attempt = start(w)
    answer(w, attempt, {1: {"answer": 0}})
    submit(w, attempt)
    progress = ActivityProgress.objects.get(enrolment=w.enrolment)
    assert progress.status == "failed"
    values = services.QuizSettings.of(w.quiz)
    values.pass_mark = D(50)
    services.quiz_update(actor=alice, quiz=w.quiz, data=values, at=at(60))
    progress.refresh_from_db()
    assert progress.status == "completed"


def test_many_people_are_graded_again_by_a_task(alice, bob, monkeypatch, django_capture_on_commit_callbacks):
    w = build(alice, bob, keys=("mc", "tf"), pass_mark=D(100))
    attempt = start(w)
    answer(w, attempt, {1: {"answer": 0}})
    submit(w, attempt)
    monkeypatch.setattr(services, "REFRESH_IN_REQUEST", 0)
    values = services.QuizSettings.of(w.quiz)
    values.pass_mark = D(50)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.quiz_update(actor=alice, quiz=w.quiz, data=values, at=at(60))
    assert len(callbacks) >= 1
    assert ActivityProgress.objects.get(enrolment=w.enrolment).status == "completed"


def test_marks_pages_order_and_removal(alice, bob):
    w = build(alice, bob, keys=("mc", "tf", "short"), publish=False)
    slots = list(w.quiz.slots.order_by("order"))
    with pytest.raises(ValidationError) as error:
        services.slots_update(
            actor=alice, quiz=w.quiz, marks={slots[0].pk: "two"}, pages={slots[1].pk: "1", slots[2].pk: "0"}
        )
    assert error.value.message_dict["slots"] == [
        "Question 1: the mark “two” is not a number; give 0 to 1000.",
        "Question 3: the page “0” is not accepted; give a whole number from 1.",
    ]
    services.slots_update(
        actor=alice,
        quiz=w.quiz,
        marks={slots[0].pk: "2"},
        pages={slots[0].pk: "1", slots[1].pk: "1", slots[2].pk: "5"},
    )
    assert [(s.order, s.page, s.mark) for s in w.quiz.slots.order_by("order")] == [
        (1, 1, D(2)),
        (2, 1, D(1)),
        (3, 2, D(1)),
    ]
    services.slot_move(actor=alice, quiz=w.quiz, slot=slots[2], up=True)
    assert [s.question_id for s in w.quiz.slots.order_by("order")] == [
        slots[0].question_id,
        slots[2].question_id,
        slots[1].question_id,
    ]
    assert [s.page for s in w.quiz.slots.order_by("order")] == [1, 1, 2]
    services.slot_remove(actor=alice, quiz=w.quiz, slot=slots[0])
    assert [(s.order, s.page) for s in w.quiz.slots.order_by("order")] == [(1, 1), (2, 2)]
    services.quiz_repaginate(actor=alice, quiz=w.quiz, per_page=0)
    assert [s.page for s in w.quiz.slots.order_by("order")] == [1, 1]
