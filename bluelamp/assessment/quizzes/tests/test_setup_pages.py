"""Setting a quiz up through its pages, as a course manager: added from the course's draft,
its settings (every problem named, everything typed kept), questions from banks and random ones,
marks, pages, order, reasonable adjustments, and a preview that is not a result."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from bluelamp.assessment.quizzes.models import Adjustment, Attempt, Quiz, QuizSlot
from bluelamp.assessment.quizzes.tests.core_world import AT, bank_with_questions, build
from bluelamp.learning.api import course_create
from bluelamp.organisations.api import requires_mfa
from conftest import force_sign_in, with_mfa

D = Decimal
pytestmark = pytest.mark.django_db


def signed(person):
    if requires_mfa(person):
        with_mfa(person)
    return force_sign_in(Client(), person)


def body(response) -> str:
    return response.content.decode()


def url(name, *args):
    return reverse(f"assessment:{name}", args=args)


def test_a_manager_adds_a_quiz_from_the_course_s_draft(alice):
    course = course_create(
        actor=alice, owner=alice.organisation, code="KENTONLY-Q", title="Quizzing", summary="x"
    )
    client = signed(alice)
    manage = body(client.get(reverse("learning:manage_course", args=[course.uuid])))
    assert url("quiz_add", course.uuid) in manage and ">Quiz<" in manage
    response = client.post(url("quiz_add", course.uuid), {"title": "", "intro": "Read first."})
    assert response.status_code == 400
    text = body(response)
    assert "There is a problem" in text and "Enter a title for the quiz." in text and "Read first." in text
    response = client.post(url("quiz_add", course.uuid), {"title": "Stop and search check", "required": "on"})
    quiz = Quiz.objects.get(course=course)
    assert response["Location"] == url("quiz_settings", quiz.uuid)
    activity = course.versions.get().activities.get()
    assert activity.kind == "quiz" and activity.target == str(quiz.uuid) and activity.required
    manage = body(client.get(reverse("learning:manage_course", args=[course.uuid])))
    assert "0 questions, pass mark 50%" in manage and url("quiz_manage", quiz.uuid) in manage
    assert "Stop and search check" in body(client.get(url("quiz_list")))


def test_settings_name_each_problem_and_keep_what_was_typed(alice, bob):
    w = build(alice, bob, keys=("mc",), publish=False)
    client = signed(alice)
    page = body(client.get(url("quiz_settings", w.quiz.uuid)))
    assert "What learners see immediately after the attempt (the first 2 minutes)" in page
    data = {
        "title": "Renamed",
        "time_limit_minutes": "-5",
        "open_date": "2027-04-01",
        "open_time": "09:00",
        "close_date": "2027-03-01",
        "attempts_allowed": "lots",
        "grading_method": "highest",
        "pass_mark": "eighty",
        "max_grade": "100",
        "questions_per_page": "1",
        "navigation": "free",
    }
    response = client.post(url("quiz_settings", w.quiz.uuid), data)
    assert response.status_code == 400
    text = body(response)
    assert "Attempts allowed: enter a whole number, for example 3." in text
    assert "Pass mark: “eighty” is not a number. Enter a number, for example 50." in text
    assert "A time limit of -5 minutes is not accepted: give 1 or more, or leave it empty." in text
    assert 'value="Renamed"' in text
    data.update(attempts_allowed="2", pass_mark="80%", time_limit_minutes="30")
    text = body(client.post(url("quiz_settings", w.quiz.uuid), data))
    assert "The quiz must close after it opens" in text
    data.update(close_date="2027-04-30", close_time="17:00", review_closed=["marks", "right_answers"])
    response = client.post(url("quiz_settings", w.quiz.uuid), data)
    assert response.status_code == 302
    w.quiz.refresh_from_db()
    assert w.quiz.title == "Renamed" and w.quiz.time_limit == 1800 and w.quiz.attempts_allowed == 2
    assert w.quiz.pass_mark == D(80)
    assert w.quiz.open_at.isoformat() == "2027-04-01T08:00:00+00:00"  # 9am in British Summer Time
    assert w.quiz.close_at.isoformat() == "2027-04-30T16:00:00+00:00"
    assert w.quiz.review_right_answers_closed and not w.quiz.review_marks_immediately
    overview = body(client.get(url("quiz_manage", w.quiz.uuid)))
    assert "30 minutes" in overview and "1 April 2027 at 9:00am" in overview


def test_questions_from_banks_random_ones_marks_pages_order(alice, bob):
    w = build(alice, bob, keys=(), publish=False)
    client = signed(alice)
    page = body(client.get(url("quiz_questions_add", w.quiz.uuid) + f"?bank={w.bank.uuid}&type=truefalse"))
    assert "Caution" in page and "PACE code" not in page and "Random 0" in page
    response = client.post(
        url("quiz_questions_add", w.quiz.uuid),
        {"questions": [str(w.questions["mc"].pk), str(w.questions["tf"].pk)]},
    )
    assert response["Location"] == url("quiz_questions", w.quiz.uuid)
    page = body(client.get(url("quiz_questions_add", w.quiz.uuid) + f"?bank={w.bank.uuid}"))
    assert "already in the quiz" in page
    response = client.post(url("quiz_questions_add", w.quiz.uuid), {"questions": [str(w.questions["mc"].pk)]})
    assert response.status_code == 400 and "“PACE code” is already in the quiz." in body(response)

    random_page = url("quiz_questions_random", w.quiz.uuid)
    assert "KENTONLY bank › Top / Random / Law" in body(client.get(random_page))
    response = client.post(
        random_page,
        {"category": str(w.random_category.uuid), "include_subcategories": "on", "count": "9", "mark": "2"},
    )
    assert response.status_code == 400
    assert (
        "“Top / Random / Law” and its subcategories hold 4 questions: you asked for 9. Add 4 or fewer"
        in body(response)
    )
    response = client.post(
        random_page,
        {
            "category": str(w.random_category.uuid),
            "include_subcategories": "on",
            "count": "2",
            "mark": "2",
            "tags": "law",
        },
    )
    assert response.status_code == 302
    slots = list(w.quiz.slots.order_by("order"))
    assert [(s.order, s.page, s.mark, s.is_random) for s in slots] == [
        (1, 1, D(1), False),
        (2, 2, D(1), False),
        (3, 3, D(2), True),
        (4, 4, D(2), True),
    ]
    assert slots[2].tags == ["law"]

    questions = url("quiz_questions", w.quiz.uuid)
    text = body(client.get(questions))
    assert "4 questions, 6 marks in all" in text and "tagged law" in text
    marks = {f"mark-{s.pk}": "1" for s in slots}
    pages = {f"page-{s.pk}": str(p) for s, p in zip(slots, (1, 1, 2, 1), strict=True)}
    response = client.post(questions, {**marks, **pages})
    assert response.status_code == 400
    text = body(response)
    assert "Question 4 is on page 1, before the page of the question above it (2)" in text
    assert (
        'value="1" id' not in text
        and f'name="page-{slots[3].pk}" type="text" inputmode="numeric" value="1"' in text
    )
    pages[f"page-{slots[3].pk}"] = "2"
    assert client.post(questions, {**marks, **pages}).status_code == 302
    assert [s.page for s in w.quiz.slots.order_by("order")] == [1, 1, 2, 2]
    client.post(url("quiz_slot_move", w.quiz.uuid, slots[1].pk), {"direction": "up"})
    assert list(w.quiz.slots.order_by("order").values_list("pk", flat=True))[:2] == [slots[1].pk, slots[0].pk]
    confirm = body(client.get(url("quiz_slot_remove", w.quiz.uuid, slots[0].pk)))
    assert "“PACE code” is taken out of the quiz." in confirm
    client.post(url("quiz_slot_remove", w.quiz.uuid, slots[0].pk))
    assert not QuizSlot.objects.filter(pk=slots[0].pk).exists()
    response = client.post(url("quiz_repaginate", w.quiz.uuid), {"per_page": "2"})
    assert response.status_code == 302
    assert [s.page for s in w.quiz.slots.order_by("order")] == [1, 1, 2]


def test_adjustments_granted_listed_and_ended(alice, bob):
    w = build(alice, bob, keys=("mc",), time_limit=1200)
    client = signed(alice)
    page = url("quiz_adjustments", w.quiz.uuid)
    response = client.post(page, {"person": "nobody@kent.police.uk", "extra_minutes": "10", "reason": "Plan"})
    assert response.status_code == 400
    assert (
        "No one enrolled on KENTONLY-Q has the e-mail address or staff number “nobody@kent.police.uk”."
        in body(response)
    )
    response = client.post(
        page, {"person": "K2", "extra_minutes": "10", "extra_attempts": "1", "reason": "Support plan"}
    )
    assert response.status_code == 302
    adjustment = Adjustment.objects.get(quiz=w.quiz, person=bob)
    assert adjustment.extra_time_seconds == 600 and adjustment.granted_by == alice
    text = body(client.get(page))
    assert "Bob Officer" in text and "10 minutes" in text and "In force" in text and "Support plan" in text
    end = url("quiz_adjustment_revoke", w.quiz.uuid, adjustment.pk)
    assert "End the adjustment for Bob Officer?" in body(client.get(end))
    assert client.post(end, {"reason": "Plan ended"}).status_code == 302
    adjustment.refresh_from_db()
    assert adjustment.revoked_by == alice and "Ended" in body(client.get(page))
    # The learner sees their adjustment in the rules.
    learner = signed(bob)
    client.post(page, {"person": "bob@kent.police.uk", "extra_minutes": "5", "reason": "Plan"})
    start = body(learner.get(url("quiz_start", w.quiz.uuid)))
    assert "25 minutes (including 5 minutes extra for you)" in start


def test_a_preview_is_taken_like_an_attempt_and_kept_apart(alice, bob):
    w = build(alice, bob, keys=("mc", "tf"), publish=False)
    client = signed(alice)
    response = client.post(url("quiz_preview", w.quiz.uuid))
    attempt = Attempt.objects.get(quiz=w.quiz, person=alice)
    assert attempt.preview and response["Location"] == url("quiz_attempt", attempt.uuid)
    page = body(client.get(response["Location"]))
    assert "preview" in page and "Page 1 of 2" in page
    client.post(url("quiz_attempt", attempt.uuid), {"page": "1", "nav": "next", "q1-answer": "0"})
    client.post(url("quiz_attempt_finish", attempt.uuid))
    review = body(client.get(url("quiz_attempt_review", attempt.uuid)))
    assert "Mark 1 out of 1" in review and "The right answer:</strong> True" in review
    assert "Continue the preview" not in body(client.get(url("quiz_manage", w.quiz.uuid)))
    # A learner is not a course manager: the set-up pages do not exist for them.
    learner = signed(bob)
    for name in ("quiz_manage", "quiz_settings", "quiz_questions", "quiz_adjustments"):
        assert learner.get(url(name, w.quiz.uuid)).status_code == 404
    assert learner.post(url("quiz_preview", w.quiz.uuid)).status_code == 404
    assert learner.get(url("quiz_attempt_review", attempt.uuid)).status_code == 404


def test_another_force_s_manager_cannot_use_kent_s_banks(alice, bob, essex):
    from conftest import make_person

    w = build(alice, bob, keys=("mc",), publish=False)
    erin = make_person(essex, "erin@essex.police.uk", roles=["organisation_admin"])
    course = course_create(actor=erin, owner=essex, code="ESSEX-Q", title="Essex quizzing", summary="x")
    client = signed(erin)
    client.post(url("quiz_add", course.uuid), {"title": "Essex check"})
    quiz = Quiz.objects.get(course=course)
    page = body(client.get(url("quiz_questions_add", quiz.uuid) + f"?bank={w.bank.uuid}"))
    assert "KENTONLY" not in page
    response = client.post(url("quiz_questions_add", quiz.uuid), {"questions": [str(w.questions["mc"].pk)]})
    assert response.status_code == 400 and "is not in a bank you may use" in body(response)
    _bank, theirs, _cat = bank_with_questions(essex, erin, name="Essex bank")
    assert "Essex bank" in body(client.get(url("quiz_questions_add", quiz.uuid)))
    assert AT.year == 2026
