"""The gradebook in a browser (headless chromium), every page checked with axe.

A Kent tutor opens the gradebooks, the course's grader report, and Bob's quiz grade; an override
without a reason (and out of range) is refused with an error summary naming both, then made with
a reason, and the report marks the cell "Overridden" with the reason in its details. Bob finds
"Your grades" on his home page and reads his grades and feedback (not the hidden item). Kent's
administrator sets the gradebook up: a category refused without a name, then added.
"""

from decimal import Decimal

import pytest

from bluelamp.assessment.gradebook import services
from bluelamp.assessment.gradebook.tests.helpers import AT, quiz_grade, quiz_item, tutor_of
from bluelamp.learning.api import enrol_people
from bluelamp.learning.tests.courses import publish_course
from conftest import make_org, make_person, with_mfa
from tests.browser.fixtures import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-horse-battery-9"


def test_gradebook_pages(page, settings):
    settings.AXES_ENABLED = False
    kent = make_org("kent", "Kent Police")
    alice = make_person(
        kent,
        "alice@kent.police.uk",
        first="Alice",
        last="Admin",
        roles=["organisation_admin"],
        password=PASSWORD,
    )
    secret = with_mfa(alice)
    bob = make_person(
        kent, "bob@kent.police.uk", first="Bob", last="Officer", staff_number="K2", password=PASSWORD
    )
    ann = make_person(kent, "ann@kent.police.uk", first="Ann", last="Archer", staff_number="K7")
    tess = tutor_of(kent)
    tess.set_password(PASSWORD)
    tess.save(update_fields=["password"])
    course = publish_course(kent, alice, "GB-1", title="Leadership")
    enrol_people(actor=alice, course=course, people=[bob, ann], at=AT)
    quiz = quiz_item(course, "Law quiz", max_grade=20, pass_grade=10)
    hidden = quiz_item(course, "Mock exam", max_grade=10)
    services.item_update(actor=alice, item=hidden, weight=1, category=None, hidden=True)
    practical = services.category_create(actor=alice, course=course, name="Practical", weight=2)
    observation = services.manual_item_create(
        actor=alice, course=course, title="Observation", max_grade=10, category=practical
    )
    quiz_grade(quiz, bob, 15, feedback="Well argued")
    quiz_grade(quiz, ann, 8)
    services.manual_grade_enter(
        actor=alice, item=observation, person=bob, grade=Decimal(6), feedback="Calm", at=AT
    )

    # The tutor: the list, the report, a grade, an override refused then made.
    sign_in(page, tess.email, PASSWORD)
    page.goto("/assessment/gradebook/")
    assert_accessible(page, "gradebooks")
    page.get_by_role("link", name="GB-1 Leadership").click()
    page.wait_for_selector("#grader-report")
    assert_accessible(page, "grader report")
    assert "Hidden from learners" in page.inner_text("#grader-report")
    page.get_by_role("link", name="15 out of 20: Bob Officer, Law quiz").click()
    assert_accessible(page, "a grade")
    page.get_by_role("button", name="Override the grade").click()
    page.fill("input[name=grade]", "25")
    page.get_by_role("button", name="Override the grade").click()
    summary = page.inner_text(".govuk-error-summary")
    assert "25 is out of range" in summary and "Enter the reason for the override" in summary
    assert_accessible(page, "override refused")
    page.fill("input[name=grade]", "18")
    page.fill("textarea[name=reason]", "Question 4 was marked against the old law")
    page.get_by_role("button", name="Override the grade").click()
    page.wait_for_selector("#grader-report")
    assert "Overridden: Bob Officer's grade in Law quiz." in page.inner_text(".govuk-notification-banner")
    cell = page.locator("td[data-overridden=true]")
    assert "18" in cell.inner_text() and "Overridden" in cell.inner_text()
    cell.locator("summary").click()
    assert cell.get_by_text("Question 4 was marked against the old law").is_visible()
    assert_accessible(page, "report with an override")
    page.get_by_role("link", name="Bob Officer", exact=True).click()
    assert "History of Law quiz (1 change)" in page.inner_text("main")
    assert_accessible(page, "a learner's row")

    # Bob: his card, his grades, not the hidden item.
    page.context.clear_cookies()
    sign_in(page, bob.email, PASSWORD)
    page.get_by_role("link", name="See your grades and feedback").click()
    assert_accessible(page, "your grades")
    page.get_by_role("link", name="GB-1 Leadership").click()
    main = page.inner_text("main")
    assert "Well argued" in main and "Calm" in main and "Mock exam" not in main and "Ann" not in main
    assert_accessible(page, "your grades in a course")

    # Kent's administrator sets the gradebook up.
    page.context.clear_cookies()
    sign_in(page, alice.email, PASSWORD, totp_secret=secret)
    page.goto(f"/assessment/gradebook/courses/{course.uuid}/setup/")
    assert_accessible(page, "set-up")
    page.get_by_role("button", name="Add a category").click()
    page.fill("input[name=weight]", "3")
    page.get_by_role("button", name="Add the category").click()
    assert "Enter a name for the category" in page.inner_text(".govuk-error-summary")
    assert_accessible(page, "category refused")
    page.fill("input[name=name]", "Exams")
    page.get_by_role("button", name="Add the category").click()
    assert "Added the category “Exams”" in page.inner_text(".govuk-notification-banner")
