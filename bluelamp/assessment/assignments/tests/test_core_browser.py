"""An assignment in a real browser (headless chromium, JavaScript on): the course manager's
settings and criteria pages, and a learner who sees the live word count, saves a draft, then
submits with the declaration. Every page is checked with axe (WCAG 2.2 AA) and for CSP
violations (the `page` fixture)."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from bluelamp.assessment.assignments.models import Submission
from bluelamp.assessment.assignments.tests.helpers import course_with_assignment, enrol
from conftest import make_org, make_person, with_mfa
from tests.browser.fixtures import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-horse-battery-9"


def test_a_manager_sets_up_and_a_learner_hands_in(page, settings, browser):
    settings.AXES_ENABLED = False
    from bluelamp.organisations.api import Organisation

    Organisation.objects.create(slug="national", name="National body", kind="national_body")
    kent = make_org("kent", "Kent Police")
    tina = make_person(
        kent, "tina@kent.police.uk", first="Tina", last="Trainer", roles=["training_admin"], password=PASSWORD
    )
    secret = with_mfa(tina)
    bob = make_person(
        kent, "bob@kent.police.uk", first="Bob", last="Officer", staff_number="K2", password=PASSWORD
    )
    course, assignment = course_with_assignment(
        kent,
        tina,
        grading="rubric",
        due_at=dt.datetime(2031, 3, 11, 17, tzinfo=dt.UTC),
        cut_off_at=None,
        word_limit=5,
    )
    enrol(tina, course, bob)

    sign_in(page, "tina@kent.police.uk", PASSWORD, secret)
    page.goto(f"/assessment/assignments/{assignment.uuid}/settings/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings: Unit 5001 assignment")
    assert_accessible(page, "settings")
    page.get_by_label("Cut-off date (optional)").fill("2031-03-01")
    page.get_by_label("Cut-off time").fill("09:00")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("is before the due date")
    assert_accessible(page, "settings with errors")
    page.goto(f"/assessment/assignments/{assignment.uuid}/criteria/")
    assert_accessible(page, "criteria")
    page.goto(f"/assessment/assignments/{assignment.uuid}/extensions/")
    assert_accessible(page, "extensions")

    context = browser.new_context(base_url=page.context.pages[0].url.split("/assessment")[0])
    learner = context.new_page()
    sign_in(learner, "bob@kent.police.uk", PASSWORD)
    learner.goto(f"/assessment/assignments/{assignment.uuid}/")
    expect(learner.get_by_role("heading", level=1)).to_have_text("Unit 5001 assignment")
    assert_accessible(learner, "learner's page")
    learner.get_by_label("Your answer").fill("One two three four five six seven")
    expect(learner.locator(".govuk-character-count__status")).to_contain_text("2 words too many")
    learner.get_by_role("button", name="Save as draft").click()
    expect(learner.locator(".govuk-notification-banner")).to_contain_text("Your draft is saved")
    learner.get_by_label("Your answer").fill("Leading change starts here.")
    learner.get_by_label("I confirm that this is my own work", exact=False).check()
    learner.get_by_role("button", name="Submit your final work").click()
    expect(learner.locator("#status")).to_contain_text("Submitted, waiting for marking.")
    assert_accessible(learner, "learner's page after submitting")
    context.close()
    done = Submission.objects.get()
    assert done.status == "submitted" and done.word_count == 4
