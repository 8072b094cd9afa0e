"""In a real browser, checked with axe (WCAG 2.2 AA): the live priority suggestion on the support
and phone-call forms (htmx into an aria-live region), the desk's section navigation, and the
adviser checking a caller's challenge code."""

import pytest

from bluelamp.organisations.api import Organisation
from bluelamp.servicedesk.identity import services
from bluelamp.servicedesk.tickets.services import ticket_create
from conftest import make_org, make_person
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-horse-battery-9"


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").first.click()
    page.wait_for_selector("text=Hello,")


@pytest.fixture
def people(settings):
    settings.AXES_ENABLED = False
    national = Organisation.objects.create(slug="national", name="National body", kind="national_body")
    kent = make_org("kent", "Kent Police")
    bob = make_person(kent, "bob@kent.police.uk", first="Bob", last="Officer", password=PASSWORD)
    adviser = make_person(
        national,
        "adam@national.example",
        first="Adam",
        last="Adviser",
        roles=["cc_adviser"],
        password=PASSWORD,
    )
    return bob, adviser


def test_live_priority_suggestion_on_the_support_form(page, people):
    bob, _ = people
    sign_in(page, bob.email)
    page.goto("/service-desk/support/")
    region = page.locator("#priority-suggestion")
    assert region.get_attribute("aria-live") == "polite"
    assert region.inner_text().strip() == ""
    page.get_by_label("A small group of customers").check()
    page.get_by_label("Work has stopped and there is no workaround").check()
    page.wait_for_selector("#priority-suggestion :text('P2 – high')")
    assert "Resolution within 48 working hours" in region.inner_text()
    page.get_by_label("The whole service").check()
    page.wait_for_selector("#priority-suggestion :text('P1 – critical')")
    assert "Response within 1 working hour" in region.inner_text()
    assert_accessible(page, "support form with a suggested priority")


def test_phone_form_suggestion_and_desk_navigation(page, people):
    _, adviser = people
    sign_in(page, adviser.email)
    page.goto("/service-desk/queue/")
    nav = page.locator("[data-testid=desk-nav]")
    for section in [
        "Queue",
        "Log a call",
        "Major incidents",
        "Problems",
        "Knowledge base",
        "Canned responses",
    ]:
        assert nav.get_by_role("link", name=section).is_visible()
    nav.get_by_role("link", name="Log a call").click()
    page.wait_for_selector("h1:has-text('Log a phone call')")
    # htmx is a deferred script: the heading can be there before htmx listens for changes.
    page.wait_for_load_state("load")
    page.select_option("#id_impact", "many_customers")
    page.select_option("#id_urgency", "work_impaired")
    page.wait_for_selector("#priority-suggestion :text('P2 – high')")
    assert "only with a reason" in page.locator("#priority-suggestion").inner_text()
    assert_accessible(page, "phone-call form with desk navigation")
    nav.get_by_role("link", name="Problems").click()
    page.wait_for_selector("h1:has-text('Problems')")


def test_adviser_checks_a_challenge_code(page, people):
    bob, adviser = people
    ticket = ticket_create(actor=bob, type="service_request", subject="Locked out", description="Forgot it")
    services.identity_check_record(actor=adviser, ticket=ticket, method="call_back")
    _, code = services.challenge_code_issue(actor=adviser, ticket=ticket)
    sign_in(page, adviser.email)
    page.goto(f"/service-desk/tickets/{ticket.reference}/")
    page.get_by_role("link", name="Check a challenge code").click()
    page.wait_for_selector("h1:has-text('Check a challenge code')")
    assert_accessible(page, "challenge code check")
    wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
    page.get_by_label("Code the caller reads out").fill(wrong)
    page.get_by_role("button", name="Check code").click()
    page.wait_for_selector(".govuk-error-summary :text('That code is wrong')")
    assert "4 tries left" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page, "challenge code wrong")
    page.get_by_label("Code the caller reads out").fill(f"{code[:4]} {code[4:]}")
    page.get_by_role("button", name="Check code").click()
    page.wait_for_selector("text=identity is confirmed")
    assert page.url.endswith(f"/service-desk/tickets/{ticket.reference}/#identity")
