"""Setting up a requirement in a real browser (headless chromium, JavaScript on): a course's
minimum version opens under it, "Preview who this applies to" answers in place (htmx) without
saving, and the requirement is then created. Every page is checked with axe (WCAG 2.2 AA) and for CSP violations."""

import pytest
from playwright.sync_api import expect

from bluelamp.compliance.models import Assignment, Requirement
from bluelamp.learning.tests.courses import publish_course
from bluelamp.organisations.api import Organisation, unit_create
from conftest import make_org, make_person, with_mfa
from tests.browser.fixtures import assert_accessible, sign_in

# The browser and its `page` (which fails the test on any Content-Security-Policy violation) come
# from the plugin every browser test shares, tests/browser/fixtures.py.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-horse-battery-9"


def test_a_training_admin_previews_then_creates_a_requirement(page, settings):
    settings.AXES_ENABLED = False
    Organisation.objects.create(slug="national", name="National body", kind="national_body")
    kent = make_org("kent", "Kent Police")
    east = unit_create(actor=None, organisation=kent, name="East")
    team = unit_create(actor=None, organisation=kent, name="Team 1", parent=east)
    west = unit_create(actor=None, organisation=kent, name="West")
    tina = make_person(
        kent, "tina@kent.police.uk", first="Tina", last="Trainer", roles=["training_admin"], password=PASSWORD
    )
    secret = with_mfa(tina)
    dan = make_person(kent, "dan@kent.police.uk", first="Dan", last="East", staff_number="K3", unit=team)
    make_person(kent, "erin@kent.police.uk", first="Erin", last="West", staff_number="K4", unit=west)
    publish_course(kent, tina, "FA-101", title="First aid")
    sign_in(page, "tina@kent.police.uk", PASSWORD, secret)
    page.goto("/compliance/requirements/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mandatory training requirements")
    assert_accessible(page, "requirements list")
    page.get_by_role("button", name="Create a requirement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a requirement")
    assert_accessible(page, "requirement form")

    page.get_by_label("Code").fill("FA-EAST")
    page.get_by_label("Title").fill("First aid in the East")
    minimum = page.get_by_label("Minimum version of FA-101 (optional)")
    expect(minimum).to_be_hidden()
    page.get_by_label("FA-101 First aid").check()
    expect(minimum).to_be_visible()
    page.get_by_label("People who match the rules below").check()
    page.get_by_label("East", exact=True).check()

    page.evaluate("window.samePage = true")  # lost if the whole page is loaded again
    page.get_by_role("button", name="Preview who this applies to").click()
    preview = page.locator("#audience-preview")
    expect(preview).to_contain_text("1 person would be in the audience")
    expect(preview.locator("#preview-joining-table")).to_contain_text("Dan East")
    expect(preview).not_to_contain_text("Erin West")
    # In place: the same page, what was typed is still there, and nothing was saved.
    assert page.evaluate("window.samePage === true")
    expect(page.get_by_label("Code")).to_have_value("FA-EAST")
    assert not Requirement.objects.exists()
    assert_accessible(page, "requirement form with its preview")

    page.get_by_role("textbox", name="Number of days").fill("90")
    page.get_by_label("Valid for (months)").fill("12")
    page.get_by_role("button", name="Create the requirement").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("FA-EAST created.")
    expect(page.locator("#requirement-audience")).to_have_text(
        "People in Kent Police in East (and everything below it)"
    )
    expect(page.locator("#people-table")).to_contain_text("Dan East")
    assert_accessible(page, "requirement page")

    requirement = Requirement.objects.get(code="FA-EAST")
    assert list(Assignment.objects.filter(requirement=requirement).values_list("person", flat=True)) == [
        dan.id
    ]
