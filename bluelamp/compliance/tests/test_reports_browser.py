"""The compliance dashboards in a real browser, checked with axe (WCAG 2.2 AA): the organisation's
figures with the trend chart, a unit with its people by name, and the forecast with its chart."""

import datetime as dt

import pytest

from bluelamp.compliance.sweeps import month_end_keep
from bluelamp.compliance.tests import test_reports
from conftest import with_mfa
from tests.browser.fixtures import assert_accessible, sign_in

# The hand-built Kent of the dashboards' tests. The browser and its `page` come from the plugin
# every browser test shares (tests/browser/fixtures.py, registered by the root conftest.py): never
# import those here, or a second Playwright would start beside the first.
world, national_world = test_reports.world, test_reports.national_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dashboards_are_accessible(page, world, settings):
    settings.AXES_ENABLED = False
    month_end_keep(on=dt.date(2026, 1, 31))
    month_end_keep(on=dt.date(2026, 2, 28))
    secret = with_mfa(world.alice)
    sign_in(page, "alice@kent.police.uk", "correct horse battery staple", totp_secret=secret)

    page.goto("/compliance/")
    page.wait_for_selector("text=Mandatory training: Kent Police")
    assert page.locator("svg[role=img]").count() == 1
    assert_accessible(page, "the organisation's dashboard")

    page.click("#units-table >> text=North")
    page.wait_for_selector("h1:has-text('Mandatory training: North')")
    page.select_option("#id_status", "overdue")
    page.check("#id_below")
    page.click("button:has-text('Apply')")
    page.wait_for_selector("#people-table >> text=Olly Kent")
    assert page.locator("#people-table tbody tr").count() == 2
    assert_accessible(page, "a unit's dashboard, filtered")

    page.click("text=What falls due in the next 12 months")
    page.wait_for_selector("h1:has-text('Falling due: North')")
    page.fill("#id_from", "2026-03")
    page.click("button:has-text('Show')")
    page.wait_for_selector("text=People falling due each month from March 2026")
    assert page.locator("svg[role=img]").count() == 1
    assert_accessible(page, "the forecast")
    # The by-month table fits the page; the wide ones scroll in their own region.
    widths = page.evaluate(
        "Array.from(document.querySelectorAll('.bl-table-scroll')).map(e => e.scrollWidth - e.clientWidth)"
    )
    assert widths[0] == 0


def test_the_national_view_and_a_line_managers_team_are_accessible(
    page, national_world, platform_admin, settings
):
    settings.AXES_ENABLED = False
    w = national_world
    month_end_keep(on=dt.date(2026, 2, 28))
    secret = with_mfa(platform_admin)
    sign_in(page, "pat@national.example", "correct horse battery staple", totp_secret=secret)
    page.goto("/compliance/national/")
    page.wait_for_selector("h1:has-text('Mandatory training: every force')")
    assert page.locator("#forces-table tbody tr").count() == 3  # Essex, Kent, all forces
    assert_accessible(page, "the national view")
    page.click("#forces-table >> text=Kent Police")
    page.wait_for_selector("h1:has-text('Mandatory training: Kent Police')")
    assert page.locator("#people-table").count() == 0  # Kent shares figures only
    page.context.clear_cookies()

    w.cara.line_manager = w.olly
    w.cara.save(update_fields=["line_manager"])
    sign_in(page, "olly@kent.police.uk", "correct horse battery staple")
    page.goto("/compliance/")
    page.wait_for_selector("#people-table >> text=Cara Kent")
    assert_accessible(page, "a line manager's team")
