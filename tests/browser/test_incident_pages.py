"""The major incident page in a real browser, checked with axe (WCAG 2.2 AA)."""

import pytest

from bluelamp.organisations.api import Organisation
from bluelamp.servicedesk.api import ticket_create
from bluelamp.servicedesk.incidents.services import incident_entry_add, major_incident_declare
from conftest import make_org, make_person
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-horse-battery-9"


def test_major_incident_page(page, settings):
    settings.AXES_ENABLED = False
    national = Organisation.objects.create(slug="national", name="National body", kind="national_body")
    kent = make_org("kent", "Kent Police")
    bob = make_person(kent, "bob@kent.police.uk", first="Bob", last="Officer", password=PASSWORD)
    adam = make_person(
        national,
        "adam@national.example",
        first="Adam",
        last="Adviser",
        roles=["cc_adviser"],
        password=PASSWORD,
    )
    lead = make_person(national, "leo@national.example", first="Leo", last="Lead", roles=["lead_engineer"])
    ticket = ticket_create(
        actor=bob,
        type="incident",
        subject="Nobody can sign in",
        description="500",
        impact="whole_service",
        urgency="work_stopped",
    )
    incident = major_incident_declare(actor=lead, ticket=ticket, summary="Sign-in down for all forces")
    incident_entry_add(actor=adam, incident=incident, kind="action", text="Restarted the web tier")

    page.goto("/accounts/login/")
    page.fill("input[name=login]", "adam@national.example")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").first.click()
    page.wait_for_selector("text=Hello,")
    page.goto(f"/service-desk/major-incidents/{incident.uuid}/")
    assert "Restarted the web tier" in page.content()
    assert_accessible(page, "major incident page")
    page.click("button:has-text('Add entry')")
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page, "major incident page with errors")
    page.goto("/service-desk/major-incidents/")
    assert_accessible(page, "open major incidents")
