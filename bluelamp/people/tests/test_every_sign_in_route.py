"""No way into the site with a password alone for anyone who must use two factors.

The sweep that found Django admin's own login form taking a platform administrator's password
alone and giving a full-site session: here every route the project exposes is offered that
password (under every field name a login form might use), and none may leave a signed-in session
behind. allauth's sign-in must then ask for the code; a session that somehow got in without one
is signed out before it can do anything.
"""

import re
from urllib.parse import unquote

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver

from bluelamp.people.tests.test_sign_in import totp_code
from conftest import force_sign_in, with_mfa

PASSWORD = "correct horse battery staple"  # make_person's default


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _routes(resolver=None, prefix=""):
    """Every URL of the project as (path, name), with no path parameters filled in."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern).lstrip("^").rstrip("$")
        if isinstance(entry, URLResolver):
            yield from _routes(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.name or ""


def _concrete(route: str) -> bool:
    return not re.search(r"[<(\[\\?*+]", route)


def sign_in_routes() -> list[str]:
    """The routes whose name or path says they sign someone in."""
    found = set()
    for route, name in _routes():
        text = f"{route} {name}".lower()
        if any(word in text for word in ("login", "signin", "sign-in", "authenticate")):
            found.add(route)
    return sorted(found)


def test_the_list_of_sign_in_routes_is_what_we_expect():
    routes = sign_in_routes()
    # If this fails, a new way to sign in was added: make sure it goes through allauth and MFA.
    assert "django-admin/login/" in routes
    assert "accounts/login/" in routes
    assert "accounts/2fa/authenticate/" in routes


def _signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def _credential_payloads(email):
    return [
        {"login": email, "password": PASSWORD},
        {"username": email, "password": PASSWORD},
        {"email": email, "password": PASSWORD},
        {"username": email, "password": PASSWORD, "next": "/"},
    ]


@pytest.fixture
def admin_with_totp(platform_admin):
    EmailAddress.objects.update_or_create(
        user=platform_admin, email=platform_admin.email, defaults={"verified": True, "primary": True}
    )
    platform_admin.totp_secret = with_mfa(platform_admin)
    return platform_admin


def test_no_route_signs_an_administrator_in_with_a_password_alone(client, admin_with_totp):
    concrete = [route for route, _ in _routes() if _concrete(route)]
    assert len(concrete) > 50  # the sweep really covers the site
    tried = set(concrete) | {r for r in sign_in_routes() if _concrete(r)}
    for route in sorted(tried):
        for payload in _credential_payloads(admin_with_totp.email):
            client.post("/" + route, payload)
            assert _signed_in_user_id(client) is None, f"/{route} signed in with a password alone"
            client.cookies.clear()
            cache.clear()  # allauth's failure counters: every POST above counts as one


def test_django_admin_login_sends_people_to_the_sites_sign_in(client, admin_with_totp):
    response = client.get("/django-admin/login/?next=/django-admin/")
    assert response.status_code == 302
    assert unquote(response["Location"]).startswith("/accounts/login/?next=/django-admin/")
    response = client.post("/django-admin/login/", {"username": admin_with_totp.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert _signed_in_user_id(client) is None
    # Not signed in: the site, its API and the token page all refuse.
    assert client.get("/people/")["Location"].startswith("/accounts/login/")
    assert client.get("/api/v1/people/").status_code in (401, 403)
    assert client.get("/api/tokens/")["Location"].startswith("/accounts/login/")


def test_the_sites_sign_in_asks_for_the_code_then_opens_django_admin(client, admin_with_totp):
    response = client.post(
        "/accounts/login/?next=/django-admin/", {"login": admin_with_totp.email, "password": PASSWORD}
    )
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert _signed_in_user_id(client) is None
    done = client.post("/accounts/2fa/authenticate/", {"code": totp_code(admin_with_totp.totp_secret)})
    assert done["Location"] == "/django-admin/"
    assert client.get("/django-admin/").status_code == 200


def test_a_session_that_skipped_the_second_factor_is_signed_out(client, admin_with_totp):
    """Defence in depth: whatever route a session got in by, an administrator's session that
    did not pass the second factor is signed out before it can use a page or the API."""
    force_sign_in(client, admin_with_totp, mfa=False)
    response = client.get("/people/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/people/"
    assert _signed_in_user_id(client) is None

    force_sign_in(client, admin_with_totp, mfa=False)
    response = client.get("/api/v1/people/")
    assert response.status_code == 403 and "two-factor" in response.json()["detail"]
    assert _signed_in_user_id(client) is None

    force_sign_in(client, admin_with_totp, mfa=False)
    assert client.get("/django-admin/")["Location"].startswith("/accounts/login/")
    assert _signed_in_user_id(client) is None

    force_sign_in(client, admin_with_totp, mfa=True)
    assert client.get("/people/").status_code == 200


def test_learners_sessions_are_not_asked_for_a_second_factor(client, bob):
    force_sign_in(client, bob, mfa=False)
    assert client.get("/learning/").status_code == 200
