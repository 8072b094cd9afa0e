"""Signing in: GOV.UK pages without JavaScript, no sign-up, strong passwords, lockout, and MFA for
administrators. Everything goes through the real allauth and axes views with the test client
(which runs no JavaScript), so each page is shown to work as a plain HTML form.
"""

import logging
import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from axes.models import AccessAttempt
from django.core.cache import cache

from bluelamp.people.models import Person

PASSWORD = "correct horse battery staple"  # make_person's default
WRONG = "Tr0ub4dor&3-not-it"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # allauth counts failed sign-ins per IP in the cache; every test client is 127.0.0.1.
    cache.clear()
    yield
    cache.clear()


def verified(person) -> Person:
    """The person has confirmed their address (as after their first reset link or sign-in)."""
    EmailAddress.objects.update_or_create(
        user=person, email=person.email, defaults={"verified": True, "primary": True}
    )
    return person


def unconfirmed(person) -> Person:
    """Fresh from the HR import: nobody has yet shown they own the address."""
    EmailAddress.objects.filter(user=person).delete()
    return person


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"login": email, "password": password}, **extra)


def signed_in_as(client):
    return Person.objects.filter(pk=client.session.get("_auth_user_id")).first()


# --- the pages ------------------------------------------------------------------------------


def test_sign_in_page_is_a_govuk_form_with_labels_and_autocomplete(client, kent):
    html = client.get("/accounts/login/").content.decode()
    assert '<h1 class="govuk-heading-l">Sign in</h1>' in html
    assert re.search(r'<form method="post" action="/accounts/login/"[^>]*novalidate>', html)
    assert re.search(r'<label class="govuk-label" for="id_login">\s*E-mail address\s*</label>', html)
    assert re.search(r'<input[^>]+id="id_login"[^>]+type="email"[^>]+autocomplete="email"', html)
    assert '<label class="govuk-label" for="id_password">' in html
    assert 'data-module="govuk-password-input"' in html
    assert re.search(
        r'<input[^>]+id="id_password"[^>]+type="password"[^>]+autocomplete="current-password"', html
    )
    assert 'class="govuk-checkboxes__input" id="id_remember"' in html
    assert re.search(r'<button type="submit"[^>]*class="govuk-button"', html)
    assert 'href="/accounts/password/reset/"' in html
    assert "placeholder" not in html  # labels, not placeholders
    assert "Sign in with your" not in html  # no organisation, no single sign-on


def test_sign_up_is_never_offered(client, kent):
    html = client.get("/accounts/login/").content.decode()
    assert "/accounts/signup/" not in html and "sign up" not in html.lower()
    closed = client.get("/accounts/signup/")
    assert "You cannot create an account here" in closed.content.decode()
    client.post(
        "/accounts/signup/", {"email": "new@kent.police.uk", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert not Person.objects.filter(email="new@kent.police.uk").exists()


def test_wrong_password_gives_an_error_summary_linked_to_the_field(client, bob):
    verified(bob)
    response = sign_in(client, bob.email, WRONG)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Sign in" in html
    assert 'class="govuk-error-summary"' in html
    assert re.search(r'<a href="#id_login">[^<]*not correct', html)
    assert WRONG not in html  # a typed password is never sent back
    assert 'value="bob@kent.police.uk"' in html  # the address is kept
    assert signed_in_as(client) is None


def test_empty_sign_in_says_what_to_enter(client, kent):
    html = client.post("/accounts/login/", {"login": "", "password": ""}).content.decode()
    assert re.search(r'<a href="#id_login">\s*Enter your e-mail address\s*</a>', html)
    assert re.search(r'<a href="#id_password">\s*Enter your password\s*</a>', html)
    assert 'id="id_password-error"' in html and "govuk-form-group--error" in html
    html = client.post("/accounts/login/", {"login": "bob at kent", "password": "x"}).content.decode()
    assert "Enter an e-mail address in the correct format" in html


def test_person_signs_in_with_email_and_password(client, bob):
    verified(bob)
    response = sign_in(client, "BOB@kent.police.uk")
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_as(client) == bob
    assert client.get("/").status_code == 200


def test_first_sign_in_with_an_unconfirmed_address_asks_to_confirm_it(
    client, bob, mailoutbox, django_capture_on_commit_callbacks
):
    unconfirmed(bob)
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail is delivered after commit
        response = sign_in(client, bob.email)
    assert response["Location"] == "/accounts/confirm-email/"
    page = client.get(response["Location"]).content.decode()
    assert "Confirm your e-mail address" in page and "govuk-heading-l" in page
    link = re.search(r"http://testserver(/accounts/confirm-email/[^\s]+/)", mailoutbox[-1].body).group(1)
    confirm = client.get(link).content.decode()
    assert "Confirm that bob@kent.police.uk is your e-mail address" in confirm
    assert re.search(r'<button type="submit"[^>]*class="govuk-button">Confirm</button>', confirm)
    client.post(link)
    assert EmailAddress.objects.get(user=bob).verified


def test_password_reset_journey_requires_a_strong_password(
    client, bob, mailoutbox, django_capture_on_commit_callbacks
):
    unconfirmed(bob)
    page = client.get("/accounts/password/reset/").content.decode()
    assert re.search(r'<input[^>]+id="id_email"[^>]+autocomplete="email"', page)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "bob@kent.police.uk"})
    assert response["Location"] == "/accounts/password/reset/done/"
    assert "Check your e-mail" in client.get(response["Location"]).content.decode()

    link = re.search(r"http://testserver(/accounts/password/reset/key/[^\s]+/)", mailoutbox[-1].body).group(1)
    form_url = client.get(link)["Location"]  # allauth swaps the key for a session-held one
    page = client.get(form_url).content.decode()
    assert "Choose a new password" in page
    assert len(re.findall(r'<input[^>]+type="password"[^>]+autocomplete="new-password"', page)) == 2
    assert "at least 12 characters" in page  # the rules are shown as the hint

    weak = client.post(form_url, {"password1": "Kent2026!", "password2": "Kent2026!"})
    html = weak.content.decode()
    assert 'class="govuk-error-summary"' in html and 'href="#id_password1"' in html
    assert "This password is too short. It must contain at least 12 characters." in html
    assert "Kent2026!" not in html

    new_password = "a long and unusual passphrase 17"
    done = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert done["Location"] == "/accounts/password/reset/key/done/"
    # The link proved the mailbox is Bob's: no second e-mail to confirm the address.
    assert EmailAddress.objects.get(user=bob, email=bob.email).verified
    assert sign_in(client, bob.email, new_password)["Location"] == "/"
    assert signed_in_as(client) == bob


def test_sign_out_asks_for_confirmation_in_a_form(client, bob, signed_in):
    client = signed_in(bob)
    html = client.get("/accounts/logout/").content.decode()
    assert "Are you sure you want to sign out" in html
    assert re.search(r'<form method="post" action="/accounts/logout/"', html)
    client.post("/accounts/logout/")
    assert signed_in_as(client) is None


# --- lockout ----------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_sign_in_with_a_page_that_says_what_to_do(client, bob, alice):
    verified(bob)
    verified(alice)
    for _ in range(4):
        assert sign_in(client, bob.email, WRONG).status_code == 200
    locked = sign_in(client, bob.email, WRONG)
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Signing in is locked for now" in html and "govuk-heading-l" in html
    assert "5 times" in html and "30 minutes" in html
    assert re.search(r"You can try again after <strong>\d\d:\d\d</strong>", html)
    assert 'href="/accounts/password/reset/"' in html
    assert bob.email not in html and WRONG not in html

    # Locked means locked: the right password does not get in either, and it says so again.
    again = sign_in(client, bob.email)
    assert again.status_code == 429 and signed_in_as(client) is None
    # The lock is on Bob's account from this address, not on everyone here.
    assert sign_in(client, alice.email).status_code == 302


def test_a_new_password_from_a_reset_link_ends_the_lockout(
    client, bob, mailoutbox, django_capture_on_commit_callbacks
):
    for _ in range(5):
        sign_in(client, bob.email, WRONG)
    assert sign_in(client, bob.email).status_code == 429
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": bob.email})
    link = re.search(r"http://testserver(/accounts/password/reset/key/[^\s]+/)", mailoutbox[-1].body).group(1)
    form_url = client.get(link)["Location"]
    new_password = "another long passphrase 2026"
    client.post(form_url, {"password1": new_password, "password2": new_password})
    assert sign_in(client, bob.email, new_password)["Location"] == "/"


def test_passwords_never_reach_the_logs_or_the_lockout_records(
    client, bob, caplog, mailoutbox, django_capture_on_commit_callbacks
):
    verified(bob)
    caplog.set_level(logging.DEBUG)
    for _ in range(6):
        sign_in(client, bob.email, WRONG)
    stored = [str(vars(a)) for a in AccessAttempt.objects.all()]
    assert stored and all(WRONG not in row for row in stored)
    assert all("********" in row for row in stored if "password" in row)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": bob.email})
    link = re.search(r"http://testserver(/accounts/password/reset/key/[^\s]+/)", mailoutbox[-1].body).group(1)
    form_url = client.get(link)["Location"]
    new_password = "a secret nobody should log 99"
    client.post(form_url, {"password1": "short", "password2": "short"})
    client.post(form_url, {"password1": new_password, "password2": new_password})
    sign_in(client, bob.email, new_password)

    logged = caplog.text + " ".join(str(r.args) for r in caplog.records)
    assert "Locking out" in logged  # the lockout itself is logged...
    for secret in (WRONG, new_password, "short", PASSWORD):
        assert secret not in logged  # ...but never what was typed


# --- MFA for administrators -------------------------------------------------------------------


# Transactional: allauth announces the new authenticator on commit, inside the request, and the
# session then counts as having passed the second factor (an administrator's session without it is
# signed out). In a test wrapped in one transaction that moment never comes.
@pytest.mark.django_db(transaction=True)
def test_administrator_without_totp_is_sent_to_set_it_up_then_asked_for_codes(client, alice):
    verified(alice)
    assert sign_in(client, alice.email)["Location"] == "/"
    setup = "/accounts/2fa/totp/activate/"
    for page in ["/", "/people/", "/organisations/kent/", "/organisations/roles/"]:
        response = client.get(page)
        assert response.status_code == 302 and response["Location"] == f"{setup}?next={page}", page
    # What they need to get there, or out, stays open.
    assert client.get("/accounts/logout/").status_code == 200
    assert client.get("/accounts/password/change/").status_code == 200

    # allauth asks for the password again before anyone changes how they sign in.
    confirm = client.get(setup)
    assert confirm["Location"].startswith("/accounts/reauthenticate/")
    html = client.get(confirm["Location"]).content.decode()
    assert "Confirm it is you" in html and 'autocomplete="current-password"' in html
    assert client.post(confirm["Location"], {"password": PASSWORD})["Location"] == setup

    page = client.get(setup).content.decode()
    assert "Set up your authenticator app" in page
    assert re.search(r'<img src="data:image/svg\+xml[^"]*" alt="QR code', page)
    secret = re.search(r'id="authenticator_secret" type="text" value="([A-Z2-7]+)"', page).group(1)
    assert re.search(r'<input[^>]+id="id_code"[^>]+autocomplete="one-time-code"', page)

    wrong = client.post(setup, {"code": "000000"}).content.decode()
    assert 'class="govuk-error-summary"' in wrong and 'href="#id_code"' in wrong
    assert not Authenticator.objects.filter(user=alice, type=Authenticator.Type.TOTP).exists()

    activated = client.post(setup, {"code": totp_code(secret)})
    assert Authenticator.objects.filter(user=alice, type=Authenticator.Type.TOTP).exists()
    # Recovery codes come with it, shown once in a GOV.UK textarea.
    assert activated["Location"] == "/accounts/2fa/recovery-codes/"
    codes = client.get(activated["Location"]).content.decode()
    assert re.search(r'<textarea class="govuk-textarea[^"]*" id="recovery_codes"', codes)
    assert '<label class="govuk-label" for="recovery_codes">' in codes
    assert client.get("/").status_code == 200  # no longer sent to set-up
    assert 'class="govuk-summary-card"' in client.get("/accounts/2fa/").content.decode()

    # From now on, signing in asks for a code from the app.
    client.post("/accounts/logout/")
    response = sign_in(client, alice.email)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert signed_in_as(client) is None
    page = client.get(response["Location"]).content.decode()
    assert "Enter your security code" in page
    assert re.search(r'<input[^>]+id="id_code"[^>]+autocomplete="one-time-code"', page)
    rejected = client.post("/accounts/2fa/authenticate/", {"code": "123456"})
    assert 'href="#id_code"' in rejected.content.decode() and signed_in_as(client) is None
    done = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert done["Location"] == "/" and signed_in_as(client) == alice


def test_learner_is_not_forced_to_set_up_mfa(client, bob):
    verified(bob)
    sign_in(client, bob.email)
    assert client.get("/").status_code == 200
    assert client.get("/people/me/", follow=True).status_code == 200
