"""Assessment's "done when", end to end in headless chromium, as the people who use it:

1. Kent's training administrator (signed in with TOTP) makes a question bank, imports a GIFT file
   and a Moodle XML file into it (each reported by question type), then a GIFT file with a broken
   question: each problem is listed with its question's number and name, and nothing is written;
2. she adds a quiz to a course's draft from the course's page, sets it up (pass mark 75%,
   unlimited attempts, highest grade, a time limit, two questions a page), draws four random
   questions from the bank's "PACE" category (all marked automatically) and publishes the course;
3. a constable enrols and starts the quiz, answers the first page, and loses the connection; in a
   new browser he signs in again and resumes with his answers there; he hands in with two answers
   wrong on purpose, fails (the review shows his marks and the feedback, not the right answers),
   retakes it, passes, and the course is complete on his learning record;
4. she adds an assignment assessed against criteria (met / not yet met) to another course through
   the pages; the constable hands in with the declaration; his tutor marks one criterion not yet
   met (referred) and marks it ready; the constable sees no feedback until she releases it; she
   then draws a verification sample that holds it and agrees with the marker; he reads the
   feedback, resubmits, the tutor marks every criterion met, it is released and he has passed.

Every main page is checked with axe (WCAG 2.2 AA); every browser context fails the test on a
Content-Security-Policy violation (as the `page` fixture does).

Dates: the pages read the real clock, so the assignment's due date is worked out from the time
the test starts; nothing asserts today's date.
"""

import datetime as dt
import time
from pathlib import Path

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from bluelamp.assessment.assignments.models import Assignment, Submission, Verification
from bluelamp.assessment.banks.models import Bank, Question
from bluelamp.assessment.quizzes.models import Attempt, AttemptQuestion, Quiz
from bluelamp.core.timefmt import london
from bluelamp.learning.api import Completion, Enrolment, course_create
from bluelamp.organisations.api import Organisation
from conftest import make_org, make_person, with_mfa
from tests.browser.fixtures import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-horse-battery-9"
DEMO = Path(__file__).resolve().parents[2] / "bluelamp" / "assessment" / "demo_data"
BANK = "Kent knowledge checks"

# The four questions of legal-update-2026.gift's "Legal update/PACE" category, known by words of
# their text: how each is answered, rightly and wrongly.
PACE = {
    "begin the caution": (
        "radio",
        ["You do not have to say anything."],
        ["You have the right to remain silent."],
    ),
    "first review of detention": ("text", "6", "24"),
    "appropriate adult": ("radio", ["True"], ["False"]),
    "rights of a person in custody": (
        "checks",
        ["To have someone told of their arrest", "To consult a solicitor privately and free of charge"],
        ["To choose which cell they are held in"],
    ),
}
# The first attempt gets these two wrong (2 of 4 marks: 50%, under the pass mark of 75%).
WRONG_FIRST_TIME = {"begin the caution", "rights of a person in custody"}

BROKEN_GIFT = """\
::Good one:: The sky is blue.{T}

::Braces:: Which of these is a police power?{
=Arrest
~Taxation
"""


# --- helpers -------------------------------------------------------------------------------------


def eventually(check, timeout: float = 15.0):
    """Wait for the server to have done something the page did in the background (autosave); on
    SQLite the live server's write may briefly lock the table."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
            if result:
                return result
        except OperationalError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{check.__doc__ or check} did not become true within {timeout} s")
        time.sleep(0.2)


def new_page(browser, live_server, csp: list[str]):
    """A page of a fresh browser context (another person, or the same one on another device),
    watched for CSP violations as the `page` fixture watches its own."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)

    def on_console(message):
        if "Content Security Policy" in message.text:
            csp.append(f"{(message.location or {}).get('url', '')}: {message.text}")

    page.on("console", on_console)
    return page


def question_key(text: str) -> str:
    return next(key for key in PACE if key in text)


def answer_page(page, *, wrong: set[str] = frozenset()) -> list[str]:
    """Answer every question on the attempt's page (rightly, or wrongly for those in `wrong`);
    the keys of the questions answered, in the page's order."""
    keys = []
    for box in page.locator(".bl-quiz-question").all():
        key = question_key(box.locator(".bl-quiz-text").inner_text())
        kind, right, wrong_answer = PACE[key]
        chosen = wrong_answer if key in wrong else right
        if kind == "text":
            field = box.get_by_label("Your answer")
            field.fill(chosen)
            field.press("Tab")  # a change, as when the learner moves on: autosave a moment later
        else:
            for label in chosen:
                box.get_by_label(label, exact=True).check()
        keys.append(key)
    return keys


def assert_answered(page, keys: list[str], *, wrong: set[str]) -> None:
    """The page shows the answers given before (resumed after a lost connection)."""
    for key in keys:
        box = page.locator(".bl-quiz-question", has_text=key)
        kind, right, wrong_answer = PACE[key]
        chosen = wrong_answer if key in wrong else right
        if kind == "text":
            expect(box.get_by_label("Your answer")).to_have_value(chosen)
        else:
            for label in chosen:
                expect(box.get_by_label(label, exact=True)).to_be_checked()


def submit_attempt(page) -> None:
    """From the last page: the summary (every answer saved), then hand the attempt in."""
    page.get_by_role("button", name="Finish attempt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Summary of your attempt")
    expect(page.locator("td", has_text="Answer saved")).to_have_count(4)
    page.get_by_role("link", name="Submit all and finish").click()
    page.get_by_role("button", name="Submit all and finish").click()
    page.get_by_role("heading", name="Review of attempt").wait_for()


# --- the journey ---------------------------------------------------------------------------------


def test_assessment_from_question_files_to_a_resubmitted_assignment(page, browser, live_server, settings):
    settings.AXES_ENABLED = False
    # The test reads the TOTP code a moment before the server checks it; with allauth's default
    # tolerance of 0 a 30-second step ending in between refuses the right code (seen about one
    # run in ten on a busy machine). One step either side, as authenticator apps allow for.
    settings.MFA_TOTP_TOLERANCE = 1
    started = timezone.now()
    csp: list[str] = []

    # --- the cast: Kent, its training administrator, a tutor and a constable; two draft courses --
    Organisation.objects.create(slug="national", name="National body", kind="national_body")
    kent = make_org("kent", "Kent Police")
    tina = make_person(
        kent,
        "tina.trainer@kent.police.uk",
        first="Tina",
        last="Trainer",
        staff_number="K100",
        roles=["training_admin"],
        password=PASSWORD,
    )
    tina_secret = with_mfa(tina)
    make_person(
        kent,
        "tom.tutor@kent.police.uk",
        first="Tom",
        last="Tutor",
        staff_number="K150",
        roles=["tutor"],
        password=PASSWORD,
    )
    bob = make_person(
        kent,
        "bob.officer@kent.police.uk",
        first="Bob",
        last="Officer",
        staff_number="K201",
        password=PASSWORD,
    )
    legal = course_create(
        actor=tina,
        owner=kent,
        code="KLU-26",
        title="Kent legal update 2026",
        summary="What changed in PACE this year, with a knowledge check.",
        duration_minutes=30,
    )
    cmi = course_create(
        actor=tina,
        owner=kent,
        code="CMI-501",
        title="Leading and developing people",
        summary="A unit of the leadership programme, assessed by an assignment your tutor marks.",
        duration_minutes=600,
    )

    # --- 1. a question bank, two files imported, a broken one refused ---------------------------
    sign_in(page, tina.email, PASSWORD, tina_secret)
    page.locator("header nav").get_by_role("link", name="Assessment").click()
    page.get_by_role("link", name="Question banks").click()
    page.get_by_role("button", name="Create a question bank").click()
    page.get_by_label("Name").fill(BANK)
    page.get_by_role("button", name="Create the bank").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(BANK)
    bank = Bank.objects.get(name=BANK)

    page.get_by_role("button", name="Import questions").click()
    assert_accessible(page, "bank import")
    page.set_input_files("input[type=file]", str(DEMO / "legal-update-2026.gift"))
    page.get_by_role("button", name="Import the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("9 questions imported")
    by_type = page.locator("#imported-by-type tbody tr").all_inner_texts()
    assert [" ".join(row.split()) for row in by_type] == [
        "Multiple choice 3",
        "True or false 1",
        "Short answer 2",
        "Numerical 2",
        "Essay 1",
    ]
    assert_accessible(page, "bank import, done")
    page.get_by_role("link", name="Import another file").click()
    page.set_input_files("input[type=file]", str(DEMO / "personal-safety.xml"))
    page.get_by_role("button", name="Import the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("6 questions imported")
    by_type = [" ".join(row.split()) for row in page.locator("#imported-by-type tbody tr").all_inner_texts()]
    assert by_type == [
        "Multiple choice 1",
        "Matching 1",
        "Ordering 1",
        "Select missing words 1",
        "Essay 1",
        "Description (text only) 1",
    ]
    assert Question.objects.filter(bank=bank).count() == 15

    page.get_by_role("link", name="Import another file").click()
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "broken.gift", "mimeType": "text/plain", "buffer": BROKEN_GIFT.encode()}],
    )
    page.get_by_role("button", name="Import the file").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("broken.gift cannot be imported")
    expect(summary).to_contain_text("Nothing has been imported.")
    problems = page.locator("#problems tbody tr")
    expect(problems).to_have_count(1)
    cells = [text.strip() for text in problems.locator("td").all_inner_texts()]
    assert cells[:3] == ["2", "Braces", "3"], cells
    assert cells[3].startswith("Unbalanced braces"), cells
    assert_accessible(page, "bank import, a file with a problem")
    assert Question.objects.filter(bank=bank).count() == 15
    assert not Question.objects.filter(bank=bank, name="Good one").exists()

    # --- 2. a quiz of random questions, added to the course's draft, and published -------------
    page.goto(reverse("learning:manage_course", args=[legal.uuid]))
    page.locator("#draft").get_by_role("link", name="Quiz", exact=True).click()
    page.get_by_label("Title").fill("PACE knowledge check")
    page.get_by_role("button", name="Add the quiz").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings of “PACE knowledge check”")
    assert_accessible(page, "quiz settings")
    page.get_by_label("Time limit in minutes (optional)").fill("20")
    page.get_by_label("Attempts allowed").fill("0")
    page.get_by_label("Highest grade").check()
    page.get_by_label("Pass mark (%)").fill("75")
    page.get_by_label("Questions on each page (for questions added from now on)").fill("2")
    page.get_by_role("button", name="Save the settings").click()
    summary_list = page.locator(".govuk-summary-list")
    expect(summary_list).to_contain_text("20 minutes")
    expect(summary_list).to_contain_text("Unlimited")
    expect(summary_list).to_contain_text("75%")

    page.get_by_role("link", name="Add questions").first.click()
    page.get_by_role("link", name="Add random questions").click()
    page.get_by_label("Category to draw from").select_option(label=f"{BANK} › Top / Legal update / PACE")
    page.get_by_label("How many random questions").fill("4")
    page.get_by_role("button", name="Add the random questions").click()
    expect(page.locator("#slots caption")).to_have_text("4 questions, 4 marks in all")
    quiz = Quiz.objects.get(course=legal)
    assert (quiz.pass_mark, quiz.attempts_allowed, quiz.grading_method, quiz.time_limit) == (
        75,
        0,
        "highest",
        1200,
    )

    page.goto(reverse("learning:manage_course", args=[legal.uuid]))
    page.get_by_role("button", name="Publish version 1").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Version 1 is published")

    # --- 3. the constable takes it, loses the connection, resumes, fails, retakes, passes -------
    learner = new_page(browser, live_server, csp)
    sign_in(learner, bob.email, PASSWORD)
    learner.goto(reverse("learning:course", args=[legal.uuid]))
    learner.locator("#enrol").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("PACE knowledge check")
    learner.get_by_role("button", name="Start attempt").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("Page 1 of 2")
    assert_accessible(learner, "attempt page")
    first_page = answer_page(learner, wrong=WRONG_FIRST_TIME)
    attempt = Attempt.objects.get(quiz=quiz, person=bob)

    def first_page_saved():
        """both answers of the first page are saved by autosave"""
        rows = AttemptQuestion.objects.filter(attempt=attempt, page=1)
        return rows.count() == 2 and all(row.response for row in rows)

    eventually(first_page_saved)
    expect(learner.locator("#quiz-save-status")).to_contain_text("Your answers were saved at")
    # The connection is lost; later, in a new browser, he signs in and carries on.
    learner.context.close()
    learner = new_page(browser, live_server, csp)
    sign_in(learner, bob.email, PASSWORD)
    learner.goto(reverse("learning:my_learning"))
    learner.get_by_role("link", name="Kent legal update 2026").first.click()
    learner.locator("#resume").click()
    learner.get_by_role("button", name="Continue your attempt").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("Page 1 of 2")
    assert_answered(learner, first_page, wrong=WRONG_FIRST_TIME)
    learner.get_by_role("button", name="Next page").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("Page 2 of 2")
    answer_page(learner, wrong=WRONG_FIRST_TIME)
    learner.get_by_role("button", name="Finish attempt").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("Summary of your attempt")
    expect(learner.locator("td", has_text="Answer saved")).to_have_count(4)
    assert_accessible(learner, "attempt summary")
    learner.get_by_role("link", name="Submit all and finish").click()
    learner.get_by_role("button", name="Submit all and finish").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("Review of attempt 1")
    expect(learner.locator("#review-marks")).to_contain_text("2 out of 4")
    expect(learner.locator("#review-grade")).to_contain_text("50%: not passed (the pass mark is 75%)")
    # The review options: marks and feedback straight after the attempt, not the right answers.
    expect(learner.get_by_text("That is the US Miranda warning, not the caution.")).to_be_visible()
    expect(learner.locator("[data-testid=review-right-answer]")).to_have_count(0)
    assert_accessible(learner, "attempt review")

    learner.get_by_role("link", name="Back to the quiz").click()
    expect(learner.locator("[data-testid=quiz-grade]")).to_contain_text("Not passed yet")
    learner.get_by_role("button", name="Start a new attempt").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("Page 1 of 2")
    answer_page(learner)
    learner.get_by_role("button", name="Next page").click()
    answer_page(learner)
    submit_attempt(learner)
    expect(learner.get_by_role("heading", level=1)).to_have_text("Review of attempt 2")
    expect(learner.locator("#review-grade")).to_contain_text("100%: passed")
    learner.get_by_role("link", name="Back to the quiz").click()
    expect(learner.locator("[data-testid=quiz-grade]")).to_contain_text("You passed")

    # The course is complete, on "My learning" and on his learning record.
    enrolment = Enrolment.objects.get(person=bob, course=legal)
    assert enrolment.status == Enrolment.Status.COMPLETED
    learner.goto(reverse("learning:my_learning"))
    expect(learner.locator("[data-testid=completed]")).to_contain_text("Kent legal update 2026")
    learner.get_by_role("link", name="Your learning record").click()
    expect(learner.locator("#record")).to_contain_text("KLU-26")
    assert Completion.objects.filter(person=bob, course_code="KLU-26").count() == 1

    # --- 4. an assignment assessed against criteria: set up through the pages ----------------------
    due = london(started + dt.timedelta(days=14))
    page.goto(reverse("learning:manage_course", args=[cmi.uuid]))
    page.locator("#draft").get_by_role("link", name="Assignment", exact=True).click()
    page.get_by_label("Title").fill("Unit 501 assignment: developing people")
    page.get_by_label("Brief").fill("Explain **two** approaches to developing people, and a plan you agreed.")
    page.get_by_label("Due date", exact=True).fill(due.date().isoformat())
    page.get_by_role("button", name="Add the assignment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Criteria: Unit 501 assignment: developing people"
    )
    for code, text in (
        ("AC 1.1", "Analyse approaches to developing people."),
        ("AC 1.2", "Create a development plan with a team member."),
    ):
        page.get_by_label("Code (optional)").fill(code)
        page.get_by_label("Criterion", exact=True).fill(text)
        page.get_by_role("button", name="Add the criterion").click()
        expect(page.locator("table")).to_contain_text(text)
    assignment = Assignment.objects.get(course=cmi)
    assert assignment.grading == "criteria" and assignment.criteria.count() == 2
    page.goto(reverse("learning:manage_course", args=[cmi.uuid]))
    page.get_by_role("button", name="Publish version 1").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Version 1 is published")

    # The constable hands in his final work with the declaration.
    learner.goto(reverse("learning:course", args=[cmi.uuid]))
    learner.locator("#enrol").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("Unit 501 assignment: developing people")
    # Due when she said: two weeks after the test began, at the form's usual 5pm (UK time).
    expect(learner.locator("#due")).to_contain_text(f"{due.day} {due:%B %Y} at 5:00pm (UK time)")
    assert_accessible(learner, "assignment, the learner's page")
    learner.get_by_label("Your answer").fill("Coaching and mentoring both develop people; I chose coaching.")
    learner.get_by_label("I confirm", exact=False).check()
    learner.get_by_role("button", name="Submit your final work").click()
    expect(learner.locator("#status")).to_contain_text("Submitted, waiting for marking.")

    # His tutor marks it: AC 1.2 is not yet met, so it is referred; ready for release.
    tutor = new_page(browser, live_server, csp)
    sign_in(tutor, "tom.tutor@kent.police.uk", PASSWORD)
    tutor.locator("header nav").get_by_role("link", name="Assessment").click()
    tutor.get_by_role("link", name="Assignments to mark").click()
    tutor.get_by_role("link", name="Unit 501 assignment: developing people").click()
    tutor.get_by_role("link", name="Bob Officer").click()
    expect(tutor.get_by_role("heading", level=1)).to_have_text("Bob Officer, attempt 1")
    assert_accessible(tutor, "marking page")
    tutor.get_by_role("group", name="AC 1.1").get_by_label("Met", exact=True).check()
    tutor.get_by_role("group", name="AC 1.2").get_by_label("Not yet met").check()
    tutor.get_by_label("Comment on AC 1.2 (optional)").fill(
        "The plan is not described: say how you agreed it."
    )
    tutor.get_by_label("Overall feedback for the learner").fill("A good start. Add the development plan.")
    tutor.get_by_role("button", name="Save and mark as ready for release").click()
    expect(tutor.locator(".govuk-notification-banner")).to_contain_text("ready for release")
    first = Submission.objects.get(assignment=assignment, person=bob, attempt=1)
    assert (first.state, first.outcome) == ("ready_for_release", "refer")

    # Not released yet: the constable sees no marks and no feedback.
    learner.reload()
    expect(learner.locator("#status")).to_contain_text("Submitted, waiting for marking.")
    expect(learner.locator("main")).not_to_contain_text("Add the development plan")
    expect(learner.locator("main")).not_to_contain_text("Not yet met")

    # The course manager releases it.
    page.goto(reverse("assessment:assignment_submissions", args=[assignment.uuid]))
    page.get_by_role("button", name="Release every submission ready (1)").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Released")

    # She verifies: a sample holds the referral; she agrees with the marker.
    page.locator("header nav").get_by_role("link", name="Assessment").click()
    page.get_by_role("link", name="Internal verification").click()
    page.get_by_role("link", name="Unit 501 assignment: developing people").click()
    page.get_by_label("Percentage to sample at random").fill("10")
    page.get_by_role("button", name="Draw the sample").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Sample drawn: 1 submission to verify."
    )
    items = page.locator("#items tbody tr")
    expect(items).to_have_count(1)
    expect(items).to_contain_text("Bob Officer")
    expect(items).to_contain_text("Refer")
    assert_accessible(page, "verification sample")
    page.get_by_role("link", name="Verify Bob Officer").click()
    expect(page.locator("#first-marker")).to_have_text("Tom Tutor")
    expect(page.locator("#marker-outcome")).to_contain_text("Refer")
    assert_accessible(page, "verification page")
    page.get_by_label("Agree with the marker", exact=True).check()
    page.get_by_label("Note").fill("Judgements match the work; AC 1.2 rightly not yet met.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("you agree with the marker")
    expect(page.locator("#items")).to_contain_text("Tina Trainer")
    decision = Verification.objects.get(item__submission=first)
    assert (decision.decision, decision.verifier_id) == ("agree", tina.pk)

    # Released: the constable reads the feedback and starts his resubmission.
    learner.reload()
    expect(learner.locator("#status")).to_contain_text("Your work was referred")
    history = learner.locator("#attempt-1")
    expect(history).to_contain_text("Referred")
    expect(history).to_contain_text("A good start. Add the development plan.")
    expect(history).to_contain_text("Not yet met")
    expect(history).to_contain_text("The plan is not described")
    assert_accessible(learner, "assignment, released feedback")
    learner.get_by_role("button", name="Start your resubmission").click()
    expect(learner.locator("#work h2")).to_contain_text("attempt 2")
    learner.get_by_label("Your answer").fill(
        "Coaching and mentoring both develop people; I chose coaching. "
        "Plan: Sam and I agreed three goals and review them monthly."
    )
    learner.get_by_label("I confirm", exact=False).check()
    learner.get_by_role("button", name="Submit your final work").click()
    expect(learner.locator("#status")).to_contain_text("Submitted, waiting for marking.")

    # The tutor marks the resubmission: every criterion met.
    tutor.goto(reverse("assessment:assignment_submissions", args=[assignment.uuid]))
    tutor.locator("#submissions tbody tr", has_text="Resubmission").get_by_role(
        "link", name="Bob Officer"
    ).click()
    expect(tutor.get_by_role("heading", level=1)).to_have_text("Bob Officer, attempt 2")
    tutor.get_by_role("group", name="AC 1.1").get_by_label("Met", exact=True).check()
    tutor.get_by_role("group", name="AC 1.2").get_by_label("Met", exact=True).check()
    tutor.get_by_label("Overall feedback for the learner").fill("The plan is clear. Well done.")
    tutor.get_by_role("button", name="Save and mark as ready for release").click()
    expect(tutor.locator(".govuk-notification-banner")).to_contain_text("ready for release")

    page.goto(reverse("assessment:assignment_submissions", args=[assignment.uuid]))
    page.get_by_role("button", name="Release every submission ready (1)").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Released")

    learner.reload()
    expect(learner.locator("#status")).to_contain_text("Your work is marked")
    second = learner.locator("#attempt-2")
    expect(second.locator(".govuk-summary-list__row", has_text="Result")).to_contain_text("Pass")
    expect(second).to_contain_text("The plan is clear. Well done.")
    assert Submission.objects.get(assignment=assignment, person=bob, attempt=2).passed
    assert Enrolment.objects.get(person=bob, course=cmi).status == Enrolment.Status.COMPLETED

    learner.context.close()
    tutor.context.close()
    assert not csp, "Content-Security-Policy violations:\n" + "\n".join(csp)
