"""Public lookups are rate-limited per client address: the licence check and checking a
certificate's code, as pages and in the API; over the limit, 429 with Retry-After and words
that say when to try again. (Off for the rest of the suite, where every request has one address.)"""

import pytest
from django.core.cache import cache


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
