"""Sign-in limits count failures, never successes, and hold across processes in production.

A police station signs in from one NAT address: at shift change forty officers sign in within a
minute, and none of them may be turned away. Wrong passwords are limited per account and per
address; in production the counters (and the TOTP codes already used) live in Redis, shared by
every process.
"""

import uuid

import pytest
from django.core.cache import cache

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
