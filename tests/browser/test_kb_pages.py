"""Help pages, the suggestions on the support page, and the desk's problem page in a real
browser, checked with axe (WCAG 2.2 AA)."""

import pytest

from bluelamp.organisations.api import Organisation
from bluelamp.servicedesk.kb.services import article_create
from bluelamp.servicedesk.problems.services import problem_create, problem_mark_known_error
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


def test_help_and_problem_pages(page, settings):
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
    article = article_create(
        actor=adviser,
        title="Resetting your password",
        summary="How to get back into your account.",
        body="Use the link on the sign-in page.\n\n## If that fails\n\n- Check your junk mail\n- Call us",
        publish=True,
    )
    ticket = ticket_create(actor=bob, type="incident", subject="Videos black", description="Chrome")
    problem = problem_create(
        actor=adviser, title="Videos fail in Chrome", description="d", from_ticket=ticket
    )
    problem_mark_known_error(actor=adviser, problem=problem, workaround="Use Firefox.", audience="public")

    page.goto("/service-desk/help/")
    assert_accessible(page, "help pages")
    page.fill("#id_q", "password")
    page.click("button:has-text('Search')")
    page.wait_for_selector("text=1 result")
    assert_accessible(page, "help search results")
    page.click(f"a[href='/service-desk/help/{article.slug}/']")
    page.wait_for_selector("h2:has-text('If that fails')")
    assert_accessible(page, "help article")

    # Suggestions appear while a member of the public types the subject (htmx).
    page.goto("/service-desk/support/")
    page.fill("#id_subject", "forgot my password")
    page.wait_for_selector("#kb-suggestions >> text=Resetting your password")
    assert_accessible(page, "support page with suggestions")

    sign_in(page, "adam@national.example")
    page.goto(f"/service-desk/problems/{problem.reference}/")
    page.wait_for_selector(f"text={ticket.reference}")
    assert_accessible(page, "problem page")
    page.goto("/service-desk/problems/")
    assert_accessible(page, "problem list")
    page.goto("/service-desk/kb/")
    assert_accessible(page, "knowledge base list")
    page.goto(f"/service-desk/kb/{article.slug}/")
    assert_accessible(page, "staff article page")
