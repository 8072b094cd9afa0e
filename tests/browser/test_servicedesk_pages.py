"""The service desk's pages in a real browser, checked with axe (WCAG 2.2 AA)."""

import datetime as dt

import pytest
from django.utils import timezone

from bluelamp.organisations.api import Organisation
from bluelamp.workingtime.api import ExtraClosure, is_working_day
from conftest import make_person, with_mfa
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-horse-battery-9"


def test_extra_closures_page(page, settings):
    settings.AXES_ENABLED = False
    national = Organisation.objects.create(slug="national", name="National body", kind="national_body")
    manager = make_person(
        national,
        "ivy@national.example",
        first="Ivy",
        last="Manager",
        roles=["it_service_manager"],
        password=PASSWORD,
    )
    secret = with_mfa(manager)
    # The shared helper waits out the last seconds of a TOTP step (a code read then could reach
    # the server in the next step, which refuses it): this test failed that way once in CI.
    sign_in(page, "ivy@national.example", PASSWORD, totp_secret=secret)
    page.wait_for_selector("text=Hello, Ivy")

    page.goto("/service-desk/closures/")
    page.wait_for_selector("text=No extra closures.")
    assert_accessible(page, "extra closures, none yet")

    page.fill("#id_date", "not a date")
    page.click("button:has-text('Add closure')")
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page, "extra closures with errors")

    day = timezone.localdate() + dt.timedelta(days=30)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    page.fill("#id_date", day.isoformat())
    page.fill("#id_reason", "National IT shutdown")
    page.click("button:has-text('Add closure')")
    page.wait_for_selector("td:has-text('National IT shutdown')")
    assert_accessible(page, "extra closures, one added")
    assert ExtraClosure.objects.get().date == day

    page.click("button:has-text('Remove')")
    page.wait_for_selector("text=No extra closures.")
    assert not ExtraClosure.objects.exists()
