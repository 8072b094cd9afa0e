"""Public lookups are rate-limited per client address: the licence check and checking a
certificate's code, as pages and in the API; over the limit, 429 with Retry-After and words
that say when to try again. (Off for the rest of the suite, where every request has one address.)"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def _limits_on(settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMIT_PUBLIC_LOOKUPS = "3/m"
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize(
    "url",
    [
        "/licence-check/?organisation=kent&type=PL-P-101",
        "/certificates/verify/ZZZZ-ZZZZ-ZZZZ",
    ],
)
def test_pages_say_when_to_try_again(client, kent, url):
    for _ in range(3):
        assert client.get(url).status_code in (200, 404)
    response = client.get(url)
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert "Wait 60 seconds, then try again" in response.content.decode()
    # Another address is not held back.
    assert client.get(url, REMOTE_ADDR="10.0.0.9").status_code in (200, 404)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/licence-check/?organisation=kent&type=PL-P-101",
        "/api/v1/certificates/verify/ZZZZ-ZZZZ-ZZZZ",
    ],
)
def test_the_api_answers_429_in_json(client, kent, url):
    for _ in range(3):
        assert client.get(url).status_code in (200, 404)
    response = client.get(url)
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert "wait 60 seconds" in response.json()["detail"]


def test_the_licence_check_and_certificate_checks_count_apart(client, kent):
    for _ in range(3):
        client.get("/licence-check/?organisation=kent&type=PL-P-101")
    assert client.get("/certificates/verify/ZZZZ-ZZZZ-ZZZZ").status_code == 404


def _client_address_settings(**env) -> list:
    script = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps([getattr(settings, name, None) for name in"
        " ('RATELIMIT_IP_META_KEY', 'ALLAUTH_TRUSTED_CLIENT_IP_HEADER', 'AXES_CLIENT_IP_CALLABLE')]))"
    )
    base = {k: v for k, v in os.environ.items() if k != "RATELIMIT_IP_META_KEY"}
    base.update({"DJANGO_SETTINGS_MODULE": "config.settings", **env})
    out = subprocess.run(
        [sys.executable, "-c", script], env=base, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_behind_a_proxy_sign_in_limits_and_lockout_read_the_same_header():
    """Set RATELIMIT_IP_META_KEY once: allauth's limits and django-axes' lockout follow it
    (bluelamp/people/tests/test_sign_in_limits.py shows them counting the client, not the proxy)."""
    assert _client_address_settings() == [None, None, None]
    assert _client_address_settings(RATELIMIT_IP_META_KEY="HTTP_X_REAL_IP") == [
        "HTTP_X_REAL_IP",
        "X-REAL-IP",
        "bluelamp.core.ratelimits.client_address",
    ]
