"""The foundation issue's "done when", as a person does it in a browser:

sign in as a force admin (with TOTP), import people from a CSV with errors and see them, fix and
apply it, grant a role, see it in the audit log and the admin-privileges report, and check a
licence on the public page. Every page visited is checked with axe (WCAG 2.2 AA).
"""

import time

import pytest
from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from bluelamp.people.models import Person
from conftest import make_org, make_person, with_mfa
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = (
    "staff_number,email,first_name,last_name,unit,rank,job_role,line_manager_staff_number,start_date,status\n"
)
BAD = HEADER + (
    "5001,jo.bloggs@kent.police.uk,Jo,Bloggs,East Division/Canterbury/Response Team 2,Sergeant,Response sergeant,,2015-04-01,active\n"
    "5002,not-an-email,Sam,Smith,East Division/Canterbury/Response Team 2,Police Constable,Response officer,5001,2021-13-45,active\n"
)
GOOD = BAD.replace("not-an-email", "sam.smith@kent.police.uk").replace("2021-13-45", "2021-09-06")


def totp_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))


def test_force_admin_journey(page, settings):
    settings.AXES_ENABLED = False
    kent = make_org("kent", "Kent Police", host_name="kent.learn.example")
    make_org("essex", "Essex Police")
    admin = make_person(
        kent,
        "kent.admin@kent.police.uk",
        first="Alice",
        last="Admin",
        staff_number="KA1",
        roles=["organisation_admin"],
        password="Correct-horse-battery-9",
    )
    secret = with_mfa(admin)

    # Sign in with password, then the two-factor code.
    page.goto("/accounts/login/?org=kent")
    assert "Kent Police" in page.locator("header").inner_text()
    assert_accessible(page, "sign-in")
    page.fill("input[name=login]", "kent.admin@kent.police.uk")
    page.fill("input[name=password]", "Correct-horse-battery-9")
    page.locator("main button[type=submit], main input[type=submit]").first.click()
    page.wait_for_selector("input[name=code]")
    assert_accessible(page, "two-factor code")
    page.fill("input[name=code]", totp_now(secret))
    page.locator("main button[type=submit], main input[type=submit]").first.click()
    page.wait_for_selector("text=Hello, Alice")
    assert_accessible(page, "home")

    # Import with errors: they are listed and nothing changes.
    page.click("nav >> text=Import")
    assert_accessible(page, "import")
    page.set_input_files(
        "input[type=file]", files=[{"name": "kent-hr.csv", "mimeType": "text/csv", "buffer": BAD.encode()}]
    )
    page.click("button:has-text('Check file')")
    page.wait_for_selector("text=Nothing has been changed")
    errors = page.locator("#errors").inner_text()
    assert "not-an-email" in errors and "2021-13-45" in errors and "YYYY-MM-DD" in errors
    assert_accessible(page, "import errors")
    assert not Person.objects.filter(staff_number="5001").exists()

    # Fix, check, apply.
    page.click("text=Upload a corrected file")
    page.set_input_files(
        "input[type=file]", files=[{"name": "kent-hr.csv", "mimeType": "text/csv", "buffer": GOOD.encode()}]
    )
    page.click("button:has-text('Check file')")
    page.wait_for_selector("text=Check the changes before applying them")
    assert "East Division/Canterbury/Response Team 2" in page.content()
    page.click("button:has-text('Apply these changes')")
    page.wait_for_selector("text=Import applied")
    assert Person.objects.get(staff_number="5002").line_manager.staff_number == "5001"

    # Find the sergeant and make her training administrator for her unit's division.
    page.click("nav >> text=People")
    page.fill("input[name=q]", "Bloggs")
    page.click("button:has-text('Search')")
    # The unfiltered list shows her too: wait for the search's page, lest the click land on the
    # list just as the search replaces it.
    page.wait_for_url("**/people/?q=Bloggs*")
    page.click("a:has-text('Bloggs, Jo')")
    page.wait_for_selector("select[name=role]")
    assert_accessible(page, "person profile")
    page.select_option("select[name=role]", "training_admin")
    page.select_option("select[name=where]", label="East Division")
    page.fill("input[name=reason]", "Runs division training")
    page.click("button:has-text('Grant role')")
    page.wait_for_selector("text=now holds Training administrator")

    # The audit log and the admin-privileges report show it.
    page.click("nav >> text=Audit log")
    page.fill("input[name=action]", "role.grant")
    page.click("button:has-text('Apply filters')")
    assert "Jo Bloggs" in page.locator("main table").inner_text()
    assert_accessible(page, "audit log")
    page.click("nav >> text=Roles")
    report = page.locator("#admin-privileges").inner_text()
    assert "Jo Bloggs" in report and "Training administrator" in report and "East Division" in report
    assert_accessible(page, "roles")

    # Sign out, then check a licence on the public page.
    page.click("header button:has-text('Sign out')")
    page.goto("/licence-check/")
    page.select_option("select[name=organisation]", label="Kent Police")
    page.check("input[value='PL-P-200']")
    page.click("button:has-text('Check licence')")
    assert (
        "Kent Police holds a PL-P-200 Digital Content Access Licence" in page.locator("#answer").inner_text()
    )
    assert_accessible(page, "licence check")
