"""Sign-in limits count failures, never successes, and hold across processes in production;
password reset e-mails are limited per e-mail address and per client address.

A police station signs in from one NAT address: at shift change forty officers sign in within a
minute, and none of them may be turned away. Wrong passwords are limited per account and per
address; in production the counters (and the TOTP codes already used) live in Redis, shared by
every process. Behind a reverse proxy, every limit counts the client's address from the header the
proxy sets (RATELIMIT_IP_META_KEY), never the proxy's.
"""

import uuid

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import override_settings

from bluelamp.people.tests.test_sign_in import WRONG, sign_in, signed_in_as, totp_code, verified
from conftest import make_person, with_mfa


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_a_shift_change_behind_one_address_is_not_turned_away(client, kent, settings):
    settings.AXES_ENABLED = False  # allauth's own limits are what is measured here
    officers = [
        verified(make_person(kent, f"officer{n}@kent.police.uk", staff_number=f"S{n}")) for n in range(8)
    ]
    for n in range(45):
        officer = officers[n % len(officers)]
        response = sign_in(client, officer.email)
        assert response.status_code == 302, f"sign-in {n + 1} was refused ({response.status_code})"
        assert signed_in_as(client) == officer
        client.post("/accounts/logout/")


def test_wrong_passwords_are_still_limited_per_account(client, bob, settings):
    settings.AXES_ENABLED = False
    verified(bob)
    for _ in range(10):
        assert sign_in(client, bob.email, WRONG).status_code == 200  # the form again, with the error
    limited = "Too many failed login attempts"
    assert limited in sign_in(client, bob.email, WRONG).content.decode()
    assert limited in sign_in(client, bob.email).content.decode()  # even the right one, for a while
    assert signed_in_as(client) is None


def _redis_or_skip():
    import redis

    connection = redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.RedisError:
        pytest.skip("Redis is not running on 127.0.0.1:6379 (CI starts it)")
    return connection


@pytest.fixture
def shared_cache(settings):
    """Production's cache: Redis, under a prefix of this test's own."""
    connection = _redis_or_skip()
    prefix = f"bluelamp-test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": prefix,
        }
    }
    yield connection, prefix
    for key in connection.scan_iter(f"{prefix}:*"):
        connection.delete(key)


def test_limits_and_used_codes_are_held_where_every_process_sees_them(client, alice, shared_cache, settings):
    """Another process is another Redis connection: what one process counted, all see."""
    connection, prefix = shared_cache
    settings.AXES_ENABLED = False
    verified(alice)
    secret = with_mfa(alice)
    for _ in range(3):
        sign_in(client, alice.email, WRONG)
    keys = [key.decode() for key in connection.scan_iter(f"{prefix}:*")]
    assert any("login_failed" in key for key in keys), keys

    assert sign_in(client, alice.email)["Location"] == "/accounts/2fa/authenticate/"
    code = totp_code(secret)
    assert client.post("/accounts/2fa/authenticate/", {"code": code})["Location"] == "/"
    assert any(
        key.startswith(f"{prefix}:") and "totp" in key
        for key in (k.decode() for k in connection.scan_iter(f"{prefix}:*"))
    )
    # The same code again, as if in another web process a moment later: refused.
    client.post("/accounts/logout/")
    assert sign_in(client, alice.email)["Location"] == "/accounts/2fa/authenticate/"
    replay = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert replay.status_code == 200 and signed_in_as(client) is None


RESET = "/accounts/password/reset/"


def test_password_reset_emails_are_limited_per_email_address(client, kent, bob):
    """allauth's reset_password limit: 5 a minute for one address asked for; then 429, with a
    page that says what to do instead."""
    limit = 5
    assert django_settings.ACCOUNT_RATE_LIMITS["reset_password"] == f"20/m/ip,{limit}/m/key"
    verified(bob)
    for n in range(limit):
        assert client.post(RESET, {"email": bob.email}).status_code == 302, f"request {n + 1}"
    limited = client.post(RESET, {"email": bob.email.upper()})  # the same address, however written
    assert limited.status_code == 429
    html = limited.content.decode()
    assert "Too many requests" in html and "Wait a few minutes, then try again" in html
    assert "the link in the first e-mail still works" in html
    # Someone else at the same client address is not held back by Bob's limit.
    alice = verified(make_person(kent, "alice.reset@kent.police.uk", staff_number="R1"))
    assert client.post(RESET, {"email": alice.email}).status_code == 302


def test_password_reset_emails_are_limited_per_client_address(client, kent):
    """20 a minute from one address, whichever e-mail addresses are asked for."""
    for n in range(20):
        response = client.post(RESET, {"email": f"someone{n}@kent.police.uk"})
        assert response.status_code == 302, f"request {n + 1}"
    assert client.post(RESET, {"email": "someone.else@kent.police.uk"}).status_code == 429
    assert (
        client.post(RESET, {"email": "someone.else@kent.police.uk"}, REMOTE_ADDR="10.1.2.3").status_code
        == 302
    )


@override_settings(
    RATELIMIT_IP_META_KEY="HTTP_X_REAL_IP",
    ALLAUTH_TRUSTED_CLIENT_IP_HEADER="X-Real-IP",
    AXES_CLIENT_IP_CALLABLE="bluelamp.core.ratelimits.client_address",
)
def test_behind_a_proxy_every_limit_counts_the_client_not_the_proxy(client, kent):
    """As production is configured with RATELIMIT_IP_META_KEY=HTTP_X_REAL_IP (config/settings.py
    derives the other two): two clients behind one proxy have a budget each."""
    from allauth.account.adapter import get_adapter
    from axes.helpers import get_client_ip_address
    from django.test import RequestFactory

    from bluelamp.core.ratelimits import client_address

    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="203.0.113.7")
    assert get_adapter().get_client_ip(request) == "203.0.113.7"
    assert get_client_ip_address(request) == "203.0.113.7" == client_address(request)
    # A header that is not an address is not taken for one.
    forged = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="1.2.3.4, 5.6.7.8")
    assert client_address(forged) == "10.0.0.1"

    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for n in range(20):
        client.post(RESET, {"email": f"someone{n}@kent.police.uk"}, HTTP_X_REAL_IP="203.0.113.7", **proxy)
    assert (
        client.post(RESET, {"email": "x@kent.police.uk"}, HTTP_X_REAL_IP="203.0.113.7", **proxy).status_code
        == 429
    )
    assert (
        client.post(RESET, {"email": "x@kent.police.uk"}, HTTP_X_REAL_IP="203.0.113.8", **proxy).status_code
        == 302
    )
