"""A quiz attempt in a real browser (headless chromium, the shared fixtures of
tests/browser/fixtures.py): autosave keeps an answer the learner never submitted, and it is there
when they come back in a new browser; the timer counts down, speaks only at its moments, and
hands the attempt in when time is up. The pages pass axe (WCAG 2.2 AA) and the CSP.

Time here is the machine's: the server's deadline is real, so the limits are seconds long."""

import re

import pytest
from playwright.sync_api import expect

from bluelamp.assessment.quizzes import timing
from bluelamp.assessment.quizzes.models import Attempt, AttemptQuestion
from bluelamp.assessment.quizzes.tests.core_world import build
from tests.browser.fixtures import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


def test_autosave_keeps_answers_and_the_learner_resumes_in_a_new_browser(
    page, browser, live_server, alice, bob, settings
):
    settings.AXES_ENABLED = False
    w = build(alice, bob, keys=("mc", "short"), time_limit=3600)
    sign_in(page, "bob@kent.police.uk", PASSWORD)
    page.goto(f"/assessment/quizzes/{w.quiz.uuid}/take/")
    assert_accessible(page, "the quiz's start page")
    page.click("button:has-text('Start attempt')")
    page.wait_for_selector("h1:has-text('Page 1 of 2')")
    assert_accessible(page, "an attempt's page")
    page.check("label:has-text('Code A')")
    # Saved a moment after the choice, without leaving the page.
    page.wait_for_selector("#quiz-save-status:has-text('Your answers were saved at')")
    attempt = Attempt.objects.get(quiz=w.quiz, person=bob)
    assert AttemptQuestion.objects.get(attempt=attempt, slot_number=1).response == {"answer": 0}

    # The laptop is closed; later, in another browser, the answer is there.
    page.context.close()
    context = browser.new_context(base_url=live_server.url)
    again = context.new_page()
    sign_in(again, "bob@kent.police.uk", PASSWORD)
    again.goto(f"/assessment/quizzes/{w.quiz.uuid}/take/")
    again.click("button:has-text('Continue your attempt')")
    again.wait_for_selector("h1:has-text('Page 1 of 2')")
    assert again.is_checked("#q1-answer-0")
    again.click("button:has-text('Next page')")
    again.fill("#q2-answer", "PACE")
    again.click("button:has-text('Finish attempt')")
    again.wait_for_selector("h1:has-text('Summary of your attempt')")
    assert again.locator("td:has-text('Answer saved')").count() == 2
    assert_accessible(again, "the summary")
    again.click("text=Submit all and finish")
    again.click("button:has-text('Submit all and finish')")
    again.wait_for_selector("h1:has-text('Review of attempt 1')")
    assert_accessible(again, "the review")
    context.close()


def test_the_timer_speaks_at_its_moments_and_hands_in_when_time_is_up(
    page, alice, bob, settings, monkeypatch
):
    settings.AXES_ENABLED = False
    # Moments a few seconds apart, so the test need not wait for minutes to pass.
    monkeypatch.setattr(timing, "ANNOUNCE_AT", (60, 18, 12))
    w = build(alice, bob, keys=("mc",), time_limit=25)
    sign_in(page, "bob@kent.police.uk", PASSWORD)
    page.goto(f"/assessment/quizzes/{w.quiz.uuid}/take/")
    page.click("button:has-text('Start attempt')")
    page.wait_for_selector("h1:has-text('Page 1 of 1')")
    announcer = page.locator("#quiz-timer-announce")
    clock = page.locator("#quiz-timer-clock")
    # Without the script the page says "24 seconds"; with it, a clock.
    expect(clock).to_have_text(re.compile(r"^0:[12]\d$"))
    # 60 seconds had passed before the page loaded: it is not announced late.
    assert announcer.inner_text() == ""
    expect(announcer).to_have_text("18 seconds left.", timeout=10000)
    first = clock.inner_text()
    page.wait_for_timeout(2000)
    # The clock moved; the announcement did not repeat or change each second.
    assert clock.inner_text() != first and announcer.inner_text() == "18 seconds left."
    expect(announcer).to_have_text("12 seconds left.", timeout=10000)
    page.check("label:has-text('Code A')")
    # At zero the page hands the attempt in, with the answer chosen.
    page.wait_for_selector("h1:has-text('Review of attempt 1')", timeout=40000)
    assert page.locator("text=Submitted when time ran out").count() >= 1
    attempt = Attempt.objects.get(quiz=w.quiz, person=bob)
    assert attempt.state == "finished" and attempt.submitted_by_timer and attempt.grade == 100
