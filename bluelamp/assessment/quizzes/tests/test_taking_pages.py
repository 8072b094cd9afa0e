"""Taking a quiz through its pages, as a browser without JavaScript does (the Django test client):
from learning's activity page to the start page, answering page by page, losing the session and
resuming, the summary, submitting, the grade and the course complete on the learner record; a
fail then a retake; time enforced on the server; autosave; review options."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from bluelamp.assessment.quizzes.models import Attempt, AttemptQuestion
from bluelamp.assessment.quizzes.tests.core_world import at, build
from bluelamp.assessment.quizzes.web import clock
from bluelamp.learning.api import ActivityProgress, Completion
from bluelamp.organisations.api import requires_mfa
from conftest import force_sign_in, with_mfa

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def now(monkeypatch):
    """The pages' clock, set by the test: now.set(minutes=…)."""

    class Clock:
        value = at(0)

        def set(self, minutes=0, seconds=0):
            self.value = at(minutes, seconds)

    fixed = Clock()
    monkeypatch.setattr(clock, "now", lambda: fixed.value)
    return fixed


def learner(person):
    if requires_mfa(person):
        with_mfa(person)
    return force_sign_in(Client(), person)


def start_url(w):
    return reverse("assessment:quiz_start", args=[w.quiz.uuid])


def body(response) -> str:
    return response.content.decode()


def attempt_of(w) -> Attempt:
    return Attempt.objects.filter(quiz=w.quiz, person=w.bob).order_by("-number")[0]


def post_page(client, attempt, page, data, nav="next"):
    return client.post(
        reverse("assessment:quiz_attempt", args=[attempt.uuid]), {"page": str(page), "nav": nav, **data}
    )


def test_the_whole_journey_without_javascript(alice, bob, now):
    w = build(alice, bob, keys=("mc", "tf", "short", "essay"), pass_mark=D(60), attempts_allowed=3)
    client = learner(bob)
    # Learning's activity page sends the learner to the quiz.
    activity = w.enrolment.version.activities.get(kind="quiz")
    response = client.get(reverse("learning:activity", args=[w.enrolment.uuid, activity.pk]))
    assert response.status_code == 302 and response["Location"] == start_url(w)
    page = client.get(start_url(w))
    assert page.status_code == 200
    text = body(page)
    assert (
        "Start attempt" in text and "Highest grade" in text and "60%" in text and "3; you have 3 left" in text
    )

    response = client.post(start_url(w))
    attempt = attempt_of(w)
    assert response["Location"] == reverse("assessment:quiz_attempt", args=[attempt.uuid])
    first = client.get(response["Location"])
    text = body(first)
    assert "Page 1 of 4" in text and "Which <b>PACE code</b> covers stop and search?" in text
    assert 'name="q1-answer"' in text and 'type="radio"' in text and "<legend" in text
    # The answer's <p> is not inside the label.
    assert re.search(r'<label class="govuk-label govuk-radios__label" for="q1-answer-0">Code A</label>', text)

    response = post_page(client, attempt, 1, {"q1-answer": "0"})
    assert response["Location"].endswith("?page=2")
    response = post_page(client, attempt, 2, {"q2-answer": "true"})
    assert response["Location"].endswith("?page=3")

    # The connection drops; they sign in again later, and resume where they were.
    now.set(minutes=30)
    client = learner(bob)
    page = client.get(start_url(w))
    assert "Continue your attempt" in body(page)
    resumed = client.get(client.post(start_url(w))["Location"])
    assert "Page 3 of 4" in body(resumed)
    back = client.get(reverse("assessment:quiz_attempt", args=[attempt.uuid]) + "?page=1")
    assert re.search(r'id="q1-answer-0"[^>]*value="0" checked', body(back))

    post_page(client, attempt, 3, {"q3-answer": "PACE"})
    response = post_page(client, attempt, 4, {"q4-text": "I stopped a van."}, nav="summary")
    assert response["Location"] == reverse("assessment:quiz_attempt_summary", args=[attempt.uuid])
    summary = body(client.get(response["Location"]))
    assert summary.count("Answer saved") == 4 and "Submit all and finish" in summary

    confirm = client.get(reverse("assessment:quiz_attempt_finish", args=[attempt.uuid]))
    assert "Once you submit, you can no longer change your answers." in body(confirm)
    response = client.post(reverse("assessment:quiz_attempt_finish", args=[attempt.uuid]))
    assert response["Location"] == reverse("assessment:quiz_attempt_review", args=[attempt.uuid])
    review = body(client.get(response["Location"]))
    assert "Waiting for a marker" in review
    attempt.refresh_from_db()
    assert attempt.state == "finished" and attempt.needs_marking

    # The essay is marked; the grade passes and the course is complete on the learner record.
    from bluelamp.assessment.quizzes.services import attempt_question_mark

    essay = AttemptQuestion.objects.get(attempt=attempt, slot_number=4)
    attempt_question_mark(actor=alice, attempt_question=essay, mark="1", comment="Clear.", at=at(40))
    now.set(minutes=41)
    start = body(client.get(start_url(w)))
    assert "Your grade: 100%" in start and "You passed" in start
    assert Completion.objects.filter(person=bob, course=w.course).exists()
    record = body(client.get(reverse("learning:my_learning")))
    assert "KENTONLY quizzing" in record


def test_fail_then_retake_then_pass_completes_the_course(alice, bob, now):
    w = build(alice, bob, keys=("mc", "tf"), pass_mark=D(100))
    client = learner(bob)
    for minute, answers_given in ((0, {"q1-answer": "1"}), (10, {"q1-answer": "0"})):
        now.set(minutes=minute)
        client.post(start_url(w))
        attempt = attempt_of(w)
        post_page(client, attempt, 1, answers_given)
        post_page(client, attempt, 2, {"q2-answer": "true"}, nav="summary")
        client.post(reverse("assessment:quiz_attempt_finish", args=[attempt.uuid]))
        if minute == 0:
            text = body(client.get(start_url(w)))
            assert "Your grade: 50%." in text and "Not passed yet: the pass mark is 100%." in text
            assert "Start a new attempt" in text
            assert ActivityProgress.objects.get(enrolment=w.enrolment).status == "failed"
    assert ActivityProgress.objects.get(enrolment=w.enrolment).status == "completed"
    w.enrolment.refresh_from_db()
    assert w.enrolment.status == "completed"
    assert Completion.objects.get(person=bob, course=w.course).score == D(100)


def test_time_runs_out_on_the_server(alice, bob, now):
    w = build(alice, bob, keys=("mc", "tf"), time_limit=600)
    client = learner(bob)
    client.post(start_url(w))
    attempt = attempt_of(w)
    page = body(client.get(reverse("assessment:quiz_attempt", args=[attempt.uuid])))
    assert 'data-seconds-left="600"' in page and 'Time left: <span id="quiz-timer-clock">10 minutes' in page
    assert 'role="status"' in page and "attempt.js" in page
    now.set(minutes=4)
    post_page(client, attempt, 1, {"q1-answer": "0"})
    # Eleven minutes in, an answer is refused: the attempt was handed in at the deadline.
    now.set(minutes=11)
    response = post_page(client, attempt, 2, {"q2-answer": "true"})
    assert response["Location"] == reverse("assessment:quiz_attempt_review", args=[attempt.uuid])
    attempt.refresh_from_db()
    assert attempt.state == "finished" and attempt.submitted_by_timer and attempt.grade == D(50)
    review = body(client.get(response["Location"]))
    assert "Time ran out at 2 March 2026 at 10:10am" in review
    assert "Submitted when time ran out" in review


def test_the_timer_hands_in_when_time_is_up(alice, bob, now):
    w = build(alice, bob, keys=("mc",), time_limit=60)
    client = learner(bob)
    client.post(start_url(w))
    attempt = attempt_of(w)
    now.set(seconds=59)
    response = client.post(
        reverse("assessment:quiz_attempt", args=[attempt.uuid]),
        {"page": "1", "q1-answer": "0", "timeup": "1"},
    )
    assert response["Location"] == reverse("assessment:quiz_attempt_review", args=[attempt.uuid])
    attempt.refresh_from_db()
    assert attempt.state == "finished" and attempt.grade == D(100)
    # A second early (the page's clock counts whole seconds): handed in by the timer all the same.
    assert attempt.submitted_by_timer


def test_any_page_of_an_attempt_past_its_deadline_finishes_it_first(alice, bob, now):
    w = build(alice, bob, keys=("mc",), time_limit=60)
    client = learner(bob)
    client.post(start_url(w))
    attempt = attempt_of(w)
    now.set(minutes=5)
    for name in ("quiz_attempt", "quiz_attempt_summary", "quiz_attempt_finish"):
        response = client.get(reverse(f"assessment:{name}", args=[attempt.uuid]))
        assert response["Location"] == reverse("assessment:quiz_attempt_review", args=[attempt.uuid])
    attempt.refresh_from_db()
    assert attempt.state == "finished" and attempt.submitted_by_timer


def test_autosave_answers_json_and_refuses_after_the_deadline(alice, bob, now):
    w = build(alice, bob, keys=("short", "mc"), time_limit=600, per_page=2)
    client = learner(bob)
    client.post(start_url(w))
    attempt = attempt_of(w)
    save = reverse("assessment:quiz_attempt_save", args=[attempt.uuid])
    now.set(minutes=2)
    response = client.post(save, {"page": "1", "seq": "1700000000001", "q1-answer": "PACE 1984"})
    assert response.status_code == 200
    assert response.json() == {
        "saved": True,
        "changed": 1,
        "saved_at": "2 March 2026 at 10:02am",
        "seconds_left": 480,
    }
    row = AttemptQuestion.objects.get(attempt=attempt, slot_number=1)
    assert row.response == {"answer": "PACE 1984"} and row.sequence == 1700000000001
    # An autosave overtaken by a newer one changes nothing.
    client.post(save, {"page": "1", "seq": "1700000000000", "q1-answer": "stale"})
    row.refresh_from_db()
    assert row.response == {"answer": "PACE 1984"}
    assert client.post(save, {"page": "9"}).json() == {
        "error": "“9” is not a page of this attempt: it has pages 1 to 1."
    }
    # The page shows what autosave kept.
    page = body(client.get(reverse("assessment:quiz_attempt", args=[attempt.uuid])))
    assert 'value="PACE 1984"' in page
    now.set(minutes=11)
    late = client.post(save, {"page": "1", "seq": "1700000000009", "q1-answer": "late"})
    assert late.status_code == 409
    assert late.json() == {
        "finished": True,
        "redirect": reverse("assessment:quiz_attempt_review", args=[attempt.uuid]),
    }
    row.refresh_from_db()
    assert row.response == {"answer": "PACE 1984"}


def test_autosave_costs_a_few_queries_whatever_the_page_holds(alice, bob, now, django_assert_max_num_queries):
    w = build(alice, bob, keys=("mc", "multi", "tf", "short", "num", "match", "order", "gaps"), per_page=0)
    client = learner(bob)
    client.post(start_url(w))
    attempt = attempt_of(w)
    save = reverse("assessment:quiz_attempt_save", args=[attempt.uuid])
    data = {"page": "1", "q1-answer": "0", "q3-answer": "true", "q4-answer": "PACE", "q8-gap-1": "1"}
    client.post(save, data)  # decodes the questions once
    data["q4-answer"] = "PACE 1984"
    # Eleven in a test: five are the site's middleware (host, session, person, organisation, role);
    # the save is the attempt locked, the page's questions, their update and the attempt's, in a
    # savepoint (BEGIN and COMMIT outside tests).
    with django_assert_max_num_queries(11):
        assert client.post(save, data).json()["changed"] == 1


def test_sequential_navigation_never_goes_back(alice, bob, now):
    w = build(alice, bob, keys=("mc", "tf"), navigation="sequential")
    client = learner(bob)
    client.post(start_url(w))
    attempt = attempt_of(w)
    post_page(client, attempt, 1, {"q1-answer": "0"})
    page = body(client.get(reverse("assessment:quiz_attempt", args=[attempt.uuid]) + "?page=1"))
    assert "Page 2 of 2" in page and "Previous page" not in page
    response = post_page(client, attempt, 1, {"q1-answer": "2"}, nav="previous")
    assert AttemptQuestion.objects.get(attempt=attempt, slot_number=1).response == {"answer": 0}
    assert response["Location"].endswith("?page=2")


@pytest.mark.parametrize("later", [False, True])
def test_review_options_decide_what_the_learner_sees(alice, bob, now, later):
    w = build(
        alice,
        bob,
        keys=("mc",),
        close_at=at(600),
        review_marks_immediately=True,
        review_right_answers_immediately=False,
        review_feedback_immediately=True,
        review_marks_open=False,
        review_right_answers_open=False,
        review_feedback_open=False,
        review_general_feedback_open=False,
        review_responses_open=False,
    )
    client = learner(bob)
    client.post(start_url(w))
    attempt = attempt_of(w)
    post_page(client, attempt, 1, {"q1-answer": "1"}, nav="summary")
    client.post(reverse("assessment:quiz_attempt_finish", args=[attempt.uuid]))
    if later:
        now.set(minutes=30)
    review = body(client.get(reverse("assessment:quiz_attempt_review", args=[attempt.uuid])))
    if not later:
        assert "Mark 0 out of 1" in review and "Code C is detention." in review
        assert "The right answer:" not in review
        assert "Read PACE 1984, Codes of Practice." in review
    else:
        assert "Mark 0 out of 1" not in review and "Code C is detention." not in review
        assert "You can review them after the quiz closes on" in review
        start = body(client.get(start_url(w)))
        assert "Not shown yet" in start and "Your grade" not in start
        now.set(minutes=700)
        closed = body(client.get(reverse("assessment:quiz_attempt_review", args=[attempt.uuid])))
        assert "Mark 0 out of 1" in closed and "The right answer:</strong> Code A" in closed


def test_every_question_type_renders_and_reads_back(alice, bob, now):
    w = build(
        alice,
        bob,
        keys=("mc", "multi", "tf", "short", "num", "match", "order", "gaps", "essay", "info"),
        per_page=0,
    )
    client = learner(bob)
    client.post(start_url(w))
    attempt = attempt_of(w)
    page = body(client.get(reverse("assessment:quiz_attempt", args=[attempt.uuid])))
    for marker in (
        'name="q2-answers" type="checkbox"',
        'name="q5-answer" type="text" autocomplete="off" spellcheck="false" inputmode="decimal"',
        '<select class="govuk-select" id="q6-pair-0" name="q6-pair-0"',
        '<span class="govuk-visually-hidden">Position of </span>You do not',
        '<label class="govuk-visually-hidden" for="q8-gap-1">Gap 1 of 2</label>',
        '<textarea class="govuk-textarea" id="q9-text" name="q9-text"',
        "Read this scenario first.",
        "Write at most 300 words.",
    ):
        assert marker in page, marker
    post_page(
        client,
        attempt,
        1,
        {
            "q1-answer": "0",
            "q2-answers": ["0", "1"],
            "q3-answer": "true",
            "q4-answer": "PACE",
            "q5-answer": "40mph",
            "q6-pair-0": "0",
            "q6-pair-1": "1",
            "q7-item-0": "1",
            "q7-item-1": "2",
            "q7-item-2": "3",
            "q8-gap-1": "1",
            "q8-gap-2": "2",
            "q9-text": "Words.",
        },
        nav="summary",
    )
    responses = {r.slot_number: r.response for r in AttemptQuestion.objects.filter(attempt=attempt)}
    assert responses[2] == {"answers": [0, 1]}
    assert responses[6] == {"pairs": {"0": "Stop and search", "1": "Arrest"}}
    assert responses[7] == {"positions": {"0": 1, "1": 2, "2": 3}}
    assert responses[8] == {"gaps": {"1": 1, "2": 2}}
    client.post(reverse("assessment:quiz_attempt_finish", args=[attempt.uuid]))
    attempt.refresh_from_db()
    assert attempt.sum_marks == D(8) and attempt.needs_marking
    review = body(client.get(reverse("assessment:quiz_attempt_review", args=[attempt.uuid])))
    assert "Your answer:</strong> s1 → Stop and search; s24 → Arrest" in review


def test_outsiders_and_people_not_on_the_course_are_refused(alice, bob, charlie, now):
    w = build(alice, bob, keys=("mc",))
    client = learner(bob)
    client.post(start_url(w))
    attempt = attempt_of(w)
    other = learner(charlie)
    for url in (
        start_url(w),
        reverse("assessment:quiz_attempt", args=[attempt.uuid]),
        reverse("assessment:quiz_attempt_summary", args=[attempt.uuid]),
        reverse("assessment:quiz_attempt_review", args=[attempt.uuid]),
    ):
        assert other.get(url).status_code == 404
    assert (
        other.post(reverse("assessment:quiz_attempt_save", args=[attempt.uuid]), {"page": "1"}).status_code
        == 404
    )
    # Alice manages the course but is not on it: she previews instead.
    assert learner(alice).get(start_url(w)).status_code == 404


def test_starting_costs_the_same_few_queries_however_many_questions(
    alice, bob, now, django_assert_max_num_queries
):
    w = build(
        alice, bob, keys=("mc", "multi", "tf", "short", "num", "match", "order", "gaps"), random=4, per_page=2
    )
    client = learner(bob)
    # The first attempt also reports "in progress" to learning; a second one is the steady case.
    client.post(start_url(w))
    client.post(reverse("assessment:quiz_attempt_finish", args=[attempt_of(w).uuid]))
    # Twenty-one in a test: five are the site's middleware; access (quiz, enrolment, activity),
    # the person's adjustment, attempts and slots, the random pool, the versions drawn, and the
    # inserts (attempt, its questions, the audit event) in a savepoint.
    with django_assert_max_num_queries(21):
        response = client.post(start_url(w))
    assert attempt_of(w).number == 2 and attempt_of(w).questions.count() == 12
    assert response.status_code == 302


def test_a_learner_is_told_when_an_answer_cannot_count(alice, bob, now):
    w = build(alice, bob, keys=("num", "order"), per_page=0)
    client = learner(bob)
    client.post(start_url(w))
    attempt = attempt_of(w)
    post_page(client, attempt, 1, {"q1-answer": "forty", "q2-item-0": "1", "q2-item-1": "1"}, nav="page-1")
    page = body(client.get(reverse("assessment:quiz_attempt", args=[attempt.uuid])))
    assert 'value="forty"' in page
    assert "Answer saved, but it is not a number: give digits, for example 12.5" in page
    assert "Incomplete: give each item a different position" in page
    summary = body(client.get(reverse("assessment:quiz_attempt_summary", args=[attempt.uuid])))
    assert "2 questions are not fully answered." in summary
