"""Ticket pages in a real browser, checked with axe (WCAG 2.2 AA), without JavaScript help."""

import pytest

from bluelamp.organisations.api import Organisation
from bluelamp.servicedesk.api import Ticket, ticket_create
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


def test_public_enquiry_pages(page, settings):
    settings.AXES_ENABLED = False
    page.goto("/service-desk/support/")
    assert_accessible(page, "support page, public")
    page.click("button:has-text('Send request')")
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page, "support page with errors")
    page.fill("#id_name", "Pat Public")
    page.fill("#id_email", "pat@example.org")
    page.fill("#id_subject", "Who can use Bluelamp?")
    page.fill("#id_description", "Is it open to special constables?")
    page.click("button:has-text('Send request')")
    page.wait_for_selector("text=Request sent")
    assert Ticket.objects.get().reference in page.content()
    assert_accessible(page, "support confirmation")


def test_requester_and_adviser_pages(page, settings):
    settings.AXES_ENABLED = False
    national = Organisation.objects.create(slug="national", name="National body", kind="national_body")
    kent = make_org("kent", "Kent Police")
    bob = make_person(kent, "bob@kent.police.uk", first="Bob", last="Officer", password=PASSWORD)
    make_person(
        national,
        "adam@national.example",
        first="Adam",
        last="Adviser",
        roles=["cc_adviser"],
        password=PASSWORD,
    )
    ticket = ticket_create(actor=bob, type="incident", subject="Course will not open", description="It spins")

    sign_in(page, "bob@kent.police.uk")
    page.goto("/service-desk/support/")
    assert_accessible(page, "support page, signed in")
    page.goto("/service-desk/my-tickets/")
    assert_accessible(page, "my tickets")
    page.goto(f"/service-desk/my-tickets/{ticket.reference}/")
    page.fill("#id_body", "Also on my phone")
    page.click("button:has-text('Send reply')")
    page.wait_for_selector("text=Your reply has been added")
    assert_accessible(page, "my ticket with a reply")
    page.context.clear_cookies()

    sign_in(page, "adam@national.example")
    page.goto("/service-desk/queue/")
    page.wait_for_selector(f"text={ticket.reference}")
    assert_accessible(page, "queue")
    page.goto(f"/service-desk/tickets/{ticket.reference}/")
    page.fill("#id_priority-reason", "")
    page.click("button:has-text('Change priority')")
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page, "work page with an error")
    page.fill("#id_tier-reason", "Needs application operations")
    page.click("button:has-text('Escalate')")
    page.wait_for_selector("text=The ticket is now with 2nd line")
    assert_accessible(page, "work page after escalation")
    page.goto("/service-desk/calls/new/")
    assert_accessible(page, "log a phone call")
