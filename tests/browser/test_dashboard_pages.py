"""The team leader's dashboard in a real browser, checked with axe (WCAG 2.2 AA)."""

import datetime as dt

import pytest

from bluelamp.organisations.api import Organisation
from bluelamp.servicedesk.models import Category
from bluelamp.servicedesk.reporting import selectors as kpis
from bluelamp.servicedesk.tickets.services import contact_log, ticket_create, ticket_reply
from conftest import make_org, make_person, with_mfa
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-horse-battery-9"


def test_dashboard_is_accessible(page, settings):
    settings.AXES_ENABLED = False
    national = Organisation.objects.create(slug="national", name="National body", kind="national_body")
    kent = make_org("kent", "Kent Police")
    bob = make_person(kent, "bob@kent.police.uk", first="Bob", last="Officer", password=PASSWORD)
    adam = make_person(national, "adam@national.example", first="Adam", last="Adviser", roles=["cc_adviser"])
    tess = make_person(
        national,
        "tess@national.example",
        first="Tess",
        last="Leader",
        roles=["cc_team_leader"],
        password=PASSWORD,
    )
    secret = with_mfa(tess)
    category = Category.objects.create(name="Signing in")
    monday = kpis.last_complete_week()
    at = dt.datetime.combine(monday, dt.time(9), tzinfo=kpis.LONDON)
    ticket = ticket_create(
        actor=bob, type="incident", subject="Locked out", description="x", category=category, at=at
    )
    ticket_reply(actor=adam, ticket=ticket, body="Hi", at=at + dt.timedelta(hours=1))
    contact_log(actor=adam, caller_name="Bob", outcome="Spoke", ticket=ticket, at=at + dt.timedelta(hours=2))
    ticket_create(
        actor=bob,
        type="incident",
        subject="Slow",
        description="x",
        impact="small_group",
        urgency="work_stopped",
    )

    sign_in(page, "tess@national.example", PASSWORD, totp_secret=secret)
    page.goto("/service-desk/dashboard/")
    page.wait_for_selector("text=KPIs for the week of")
    assert page.locator("svg[role=img]").count() == 2
    assert_accessible(page, "service desk dashboard")
    page.select_option("#id_week", (monday - dt.timedelta(weeks=1)).isoformat())
    page.click("button:has-text('Show week')")
    page.wait_for_selector(f"text=KPIs for the week of {(monday - dt.timedelta(weeks=1)):%-d %B %Y}")
    assert_accessible(page, "dashboard, an earlier week")
