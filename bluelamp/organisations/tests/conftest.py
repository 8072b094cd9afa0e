"""Fixtures for single sign-on tests (a real OpenID Connect provider in the live server) and, for
the tests of organisations' API, the API tests' cast (bluelamp/restapi/tests/fixtures.py)."""

import itertools
import re
from dataclasses import dataclass, field

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bluelamp.restapi.tests.fixtures import api_as, essex_world, kent_world  # noqa: F401 - the API tests' cast

_accounts = itertools.count(1)


@dataclass
class IdentityProvider:
    """django-oauth-toolkit serving OpenID Connect at `issuer`, with helpers to drive it."""

    issuer: str
    bluelamp_url: str
    national: object
    applications: dict = field(default_factory=dict)

    def register(self, organisation, *, client_id: str, client_secret: str):
        """An application registration at the provider for Bluelamp, as a force's IT would make."""
        from oauth2_provider.models import Application

        callback = f"{self.bluelamp_url}/accounts/oidc/sso-{organisation.slug}/login/callback/"
        app = Application.objects.create(
            name=f"Bluelamp ({organisation.name})",
            client_id=client_id,
            client_secret=client_secret,  # hashed on save; the plain value is what Bluelamp holds
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=callback,
            skip_authorization=True,  # a force's IdP does not ask its staff to consent
            algorithm=Application.RS256_ALGORITHM,
        )
        self.applications[organisation.slug] = app
        return app

    def account(self, *, email: str, given_name: str = "Test", family_name: str = "Person"):
        """A person's account at the provider: what it will assert when they sign in there."""
        from bluelamp.organisations.tests import oidc_idp
        from conftest import make_person

        n = next(_accounts)
        holder = make_person(self.national, f"idp-account-{n}@idp.invalid", first="IdP", last=f"Account {n}")
        oidc_idp.DIRECTORY[holder.pk] = {
            "email": email,
            "email_verified": True,
            "given_name": given_name,
            "family_name": family_name,
            "name": f"{given_name} {family_name}",
        }
        return holder

    def browser(self, account) -> requests.Session:
        """A browser already signed in at the provider as `account` (and not at Bluelamp)."""
        from django.test import Client

        client = Client()
        client.force_login(account, backend="django.contrib.auth.backends.ModelBackend")
        session = requests.Session()
        session.cookies.set("sessionid", client.cookies["sessionid"].value, domain="127.0.0.1", path="/")
        return session


def bluelamp_cookie(session: requests.Session, name: str) -> str | None:
    """A cookie Bluelamp (localhost) set, not one of the provider's (127.0.0.1)."""
    for cookie in session.cookies:
        if cookie.name == name and cookie.domain != "127.0.0.1":
            return cookie.value
    return None


def sign_in_with_sso(session: requests.Session, bluelamp_url: str, organisation_slug: str):
    """Press "Sign in with your … account" on the sign-in page and follow the redirects.

    Returns the sign-in page and every response on the way (Bluelamp → provider → Bluelamp).
    """
    page = session.get(f"{bluelamp_url}/accounts/login/?org={organisation_slug}", timeout=10)
    match = re.search(r'<form method="post" action="(/accounts/oidc/[^"]+)">', page.text)
    assert match, "the sign-in page offers no single sign-on"
    return page, start_sso(session, bluelamp_url + match.group(1), bluelamp_url)


def start_sso(session: requests.Session, login_url: str, bluelamp_url: str, *, process: str = "login"):
    """POST to allauth's login URL for a provider, then follow every redirect."""
    response = session.post(
        login_url,
        data={"csrfmiddlewaretoken": bluelamp_cookie(session, "csrftoken"), "process": process},
        allow_redirects=False,
        timeout=10,
    )
    hops = [response]
    while response.is_redirect and len(hops) < 10:
        location = response.headers["Location"]
        if location.startswith("/"):
            location = bluelamp_url + location
        response = session.get(location, allow_redirects=False, timeout=10)
        hops.append(response)
    return hops


@pytest.fixture
def identity_provider(settings, live_server, transactional_db, national):
    """django-oauth-toolkit as an OpenID Connect provider, in this test only.

    oauth2_provider is installed, its tables created and its URLs mounted (under /o/) for the
    test, then all removed again, so the rest of the suite runs without it.
    """
    from django.apps import apps
    from django.db import connection

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "oauth2_provider"]
    settings.OAUTH2_PROVIDER = {
        "OIDC_ENABLED": True,
        "OIDC_RSA_PRIVATE_KEY": pem,
        "PKCE_REQUIRED": True,
        "SCOPES": {"openid": "OpenID Connect", "profile": "Your name", "email": "Your e-mail address"},
        "OAUTH2_VALIDATOR_CLASS": "bluelamp.organisations.tests.oidc_idp.DirectoryValidator",
    }
    settings.ROOT_URLCONF = "bluelamp.organisations.tests.oidc_idp"
    models = list(apps.get_app_config("oauth2_provider").get_models())
    with connection.schema_editor() as editor:
        for model in models:
            editor.create_model(model)
    bluelamp_url = live_server.url  # http://localhost:port
    issuer = bluelamp_url.replace("//localhost:", "//127.0.0.1:") + "/o"
    try:
        yield IdentityProvider(issuer=issuer, bluelamp_url=bluelamp_url, national=national)
    finally:
        from bluelamp.organisations.tests import oidc_idp

        oidc_idp.DIRECTORY.clear()
        with connection.schema_editor() as editor:
            for model in reversed(models):
                editor.delete_model(model)
