"""Every sign-in page in a real browser, checked with axe (WCAG 2.2 AA): the sign-in form with
and without errors and with single sign-on, password reset, lockout, MFA set-up and codes,
sign-out, the closed sign-up page, and the single sign-on settings page.
"""

import re
import time

import pytest
from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from bluelamp.organisations.services import single_sign_on_save
from conftest import make_org, make_person
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Correct-horse-battery-9"


def totp_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))


def submit(page):
    page.locator("main form button[type=submit]").first.click()


def test_sign_in_pages_are_accessible(page, mailoutbox):
    kent = make_org("kent", "Kent Police", host_name="kent.learn.example")
    make_person(kent, "bob@kent.police.uk", first="Bob", last="Officer", password=PASSWORD)

    page.goto("/accounts/login/")
    assert_accessible(page, "sign-in")
    page.fill("#id_login", "bob@kent.police.uk")
    page.fill("#id_password", "not the password at all")
    submit(page)
    page.wait_for_selector(".govuk-error-summary")
    assert page.title().startswith("Error:")
    assert_accessible(page, "sign-in with an error")
    # The summary's link takes you to the field.
    page.click(".govuk-error-summary a")
    assert page.evaluate("document.activeElement.id") == "id_login"

    for _ in range(4):
        page.fill("#id_password", "not the password at all")
        submit(page)
    page.wait_for_selector("text=Signing in is locked for now")
    assert_accessible(page, "locked out")

    page.goto("/accounts/password/reset/")
    assert_accessible(page, "password reset")
    page.fill("#id_email", "bob@kent.police.uk")
    submit(page)
    page.wait_for_selector("text=Check your e-mail")
    assert_accessible(page, "password reset sent")
    link = re.search(r"http://[^/]+(/accounts/password/reset/key/\S+/)", mailoutbox[-1].body).group(1)
    page.goto(link)
    page.wait_for_selector("text=Choose a new password")
    assert_accessible(page, "choose a new password")
    page.fill("#id_password1", "short")
    page.fill("#id_password2", "short")
    submit(page)
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page, "choose a new password with errors")

    page.goto("/accounts/signup/")
    assert_accessible(page, "sign-up closed")

    single_sign_on_save(
        actor=None,
        organisation=kent,
        server_url="https://login.microsoftonline.com/kent/v2.0",
        client_id="bluelamp-kent",
        client_secret="not-a-real-secret",
        allowed_email_domains="kent.police.uk",
    )
    page.goto("/accounts/login/?org=kent")
    page.wait_for_selector("text=Sign in with your Kent Police account")
    assert_accessible(page, "sign-in with single sign-on")


def test_administrator_pages_are_accessible(page, settings):
    kent = make_org("kent", "Kent Police", host_name="kent.learn.example")
    make_person(
        kent,
        "alice@kent.police.uk",
        first="Alice",
        last="Admin",
        roles=["organisation_admin"],
        password=PASSWORD,
    )
    page.goto("/accounts/login/?org=kent")
    page.fill("#id_login", "alice@kent.police.uk")
    page.fill("#id_password", PASSWORD)
    submit(page)
    # Sent to set up TOTP; allauth asks for the password again first.
    page.wait_for_selector("text=Confirm it is you")
    assert_accessible(page, "confirm it is you")
    page.fill("#id_password", PASSWORD)
    submit(page)
    page.wait_for_selector("text=Set up your authenticator app")
    assert_accessible(page, "set up authenticator app")
    secret = page.input_value("#authenticator_secret")
    page.fill("#id_code", totp_now(secret))
    submit(page)
    page.wait_for_selector("#recovery_codes")
    assert_accessible(page, "recovery codes")

    page.goto("/accounts/2fa/")
    assert_accessible(page, "two-factor overview")
    page.goto("/organisations/kent/single-sign-on/")
    assert_accessible(page, "single sign-on settings")
    page.fill("#id_server_url", "http://not-https.example")
    page.fill("#id_client_id", "bluelamp-kent")
    page.fill("#id_client_secret", "secret")
    page.fill("#id_allowed_email_domains", "kent.police.uk")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page, "single sign-on settings with errors")

    page.goto("/accounts/logout/")
    assert_accessible(page, "sign out")
    submit(page)
    page.goto("/accounts/login/")
    page.fill("#id_login", "alice@kent.police.uk")
    page.fill("#id_password", PASSWORD)
    submit(page)
    page.wait_for_selector("text=Enter your security code")
    assert_accessible(page, "enter your security code")
