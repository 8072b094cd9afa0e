"""Shared test fixtures. Data is built through the project's own services.

The cast (after healthchecks): Alice administers Kent, Bob is a Kent officer she manages, Charlie
administers Essex and is the outsider who must be refused anything of Kent's.
"""

import datetime as dt
import os
from zoneinfo import ZoneInfo

os.environ.setdefault("BLUELAMP_TESTING", "1")

import pytest  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

# CI runs the same generated examples every time (a red build is never luck); a developer's run
# draws new ones, which is how a generator finds what nobody thought of.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

# Shared fixtures from helper modules: a real SMTP server (`smtp`, down until started; `smtp_inbox`);
# the browser tests' one Playwright and headless chromium (`browser`, `page`), for tests/browser/
# and the domains' own browser tests alike.
pytest_plugins = ["bluelamp.notifications.tests.smtp", "tests.browser.fixtures"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def national(db):
    from bluelamp.organisations.api import Organisation

    return Organisation.objects.create(slug="national", name="National body", kind="national_body")


def make_org(slug: str, name: str, *, licences=("PL-P-101", "PL-P-200"), host_name=None):
    from bluelamp.organisations.services import licence_create, organisation_create

    org = organisation_create(actor=None, slug=slug, name=name, kind="home_office_force", host_name=host_name)
    for n, licence_type in enumerate(licences):
        licence_create(
            actor=None,
            organisation=org,
            type=licence_type,
            reference=f"{slug.upper()}-{n}",
            starts_on=dt.date(2020, 1, 1),
            ends_on=dt.date(2099, 12, 31),
        )
    return org


def make_person(
    org,
    email,
    *,
    first="Test",
    last="Person",
    unit=None,
    staff_number="",
    roles=(),
    password="correct horse battery staple",
    line_manager=None,
):
    from bluelamp.organisations.api import role_grant
    from bluelamp.people.services import person_create

    person = person_create(
        actor=None,
        organisation=org,
        email=email,
        first_name=first,
        last_name=last,
        unit=unit,
        staff_number=staff_number,
        line_manager=line_manager,
        check_access=False,
    )
    person.set_password(password)
    person.save(update_fields=["password"])
    # As after a password reset by e-mail: the person has shown they own the address.
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=person, email=person.email, defaults={"verified": True, "primary": True}
    )
    for role in roles:
        role_grant(
            actor=None,
            person=person,
            role=role,
            organisation=None if org.is_national_body else org,
            as_operator=True,
        )
    return person


@pytest.fixture
def kent(db):
    return make_org("kent", "Kent Police", host_name="kent.learn.example")


@pytest.fixture
def essex(db):
    return make_org("essex", "Essex Police")


@pytest.fixture
def alice(kent):
    return make_person(
        kent,
        "alice@kent.police.uk",
        first="Alice",
        last="Admin",
        staff_number="K1",
        roles=["organisation_admin"],
    )


@pytest.fixture
def bob(kent, alice):
    return make_person(
        kent, "bob@kent.police.uk", first="Bob", last="Officer", staff_number="K2", line_manager=alice
    )


@pytest.fixture
def charlie(essex):
    return make_person(
        essex,
        "charlie@essex.police.uk",
        first="Charlie",
        last="Outsider",
        staff_number="E1",
        roles=["organisation_admin"],
    )


@pytest.fixture
def platform_admin(national):
    return make_person(
        national, "pat@national.example", first="Pat", last="Platform", roles=["platform_admin"]
    )


def force_sign_in(client, person, *, mfa=True, at=None):
    """`client.force_login`, plus the record allauth keeps of how the session signed in: a
    password just now, and (mfa=True) the second factor. Administrators' sessions without the
    second factor are signed out by AdminMfaMiddleware, and some actions (minting an API token)
    want a recent sign-in."""
    import time

    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY

    client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    when = time.time() if at is None else at
    records = [{"method": "password", "at": when, "email": person.email}]
    if mfa:
        records.append({"method": "mfa", "at": when, "type": "totp"})
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session["account_authentication_methods_user"] = str(person.pk)  # whose records they are
    session.save()
    return client


def with_mfa(person):
    """Give `person` a TOTP authenticator, as administrators must have, and return the secret."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).delete()
    secret = generate_totp_secret()
    TOTP.activate(person, secret)
    return secret


@pytest.fixture
def signed_in(client):
    """Sign `person` in (with MFA set up when they need it) and return the client."""

    def sign_in(person, *, mfa=True):
        if mfa:
            from bluelamp.organisations.api import requires_mfa

            if requires_mfa(person):
                with_mfa(person)
        force_sign_in(client, person, mfa=mfa)
        return client

    return sign_in


def page_body(response) -> bytes:
    """A page's HTML without its per-request CSRF token and CSP nonce, so that two responses can
    be compared ("refused" must look exactly like "missing")."""
    import re

    body = re.sub(
        rb'name="csrfmiddlewaretoken" value="[^"]*"', b'name="csrfmiddlewaretoken"', response.content
    )
    return re.sub(rb' nonce="[^"]*"', b' nonce=""', body)


# --- time and the working-time calendars ---------------------------------------------------------

LONDON = ZoneInfo("Europe/London")


def london(year, month, day, hour=0, minute=0, second=0, microsecond=0) -> dt.datetime:
    """An aware Europe/London wall-clock time."""
    return dt.datetime(year, month, day, hour, minute, second, microsecond, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _fresh_calendars():
    """The working-time calendars cache the extra closures; a test's rollback sends no signal, so
    the cache is forgotten around every test, lest one test's closure leak into the next."""
    from bluelamp.workingtime.api import forget_calendars

    forget_calendars()
    yield
    forget_calendars()


@pytest.fixture(autouse=True)
def _fresh_organisation_cache():
    """Organisations, licences, role assignments, signed-in people, catalogue and My learning pages are cached
    across requests (organisations/cache.py, people/signed_in.py, learning/catalogue.py, learning/mine.py); a test's
    rollback sends no signal, so each test starts with nothing cached."""
    from bluelamp.compliance.counts_cache import forget_all as forget_cached_counts
    from bluelamp.core.sharedcache import forget_local_copies
    from bluelamp.learning.catalogue import forget_all as forget_cached_catalogue
    from bluelamp.learning.mine import forget_all as forget_cached_my_learning
    from bluelamp.organisations.api import forget_cached_organisations
    from bluelamp.people.api import forget_cached_people
    from bluelamp.site.context_processors import forget_all as forget_drawn_navigation

    forget_cached_organisations()
    forget_cached_people()
    forget_cached_catalogue()
    forget_cached_my_learning()
    forget_cached_counts()
    forget_drawn_navigation()
    forget_local_copies()
    yield


@pytest.fixture(scope="session")
def calendar():
    """England & Wales bank holidays only: no extra closures, no database."""
    from bluelamp.workingtime.api import Calendar

    return Calendar()


# --- the national service's people (the desk, and who keeps the national calendar) ---------------


@pytest.fixture
def service_manager(national):
    """An IT service manager: a service-desk lead."""
    return make_person(
        national, "ivy@national.example", first="Ivy", last="Manager", roles=["it_service_manager"]
    )


@pytest.fixture
def adviser(national):
    """A contact-centre adviser (first line)."""
    return make_person(national, "adam@national.example", first="Adam", last="Adviser", roles=["cc_adviser"])


def post_in_tabs_at_once(client, url: str, tabs: int = 2) -> list[str]:
    """POST `url` from `tabs` browser tabs of `client`'s session at the same instant (threads
    released together; PostgreSQL, transactional tests) and return where each was redirected."""
    import threading

    from django.db import connection
    from django.test import Client

    clients = [Client() for _ in range(tabs)]
    for tab in clients:
        tab.cookies = client.cookies
    start = threading.Barrier(tabs)
    locations: list[str] = []

    def press(tab):
        try:
            start.wait()
            locations.append(tab.post(url)["Location"])
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(tab,)) for tab in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return locations
