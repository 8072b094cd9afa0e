"""/metrics: refused to everyone but the bearer of METRICS_TOKEN; served to it with django-prometheus's
request metrics and Bluelamp's own."""

import datetime as dt
import logging

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bluelamp.notifications.api import OutgoingEmail
from bluelamp.operations import metrics

TOKEN = "m3trics-t0ken-for-the-tests"


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def _families(response) -> dict[str, object]:
    return {family.name: family for family in text_string_to_metric_families(response.content.decode())}


@pytest.mark.django_db
def test_without_a_token_configured_metrics_do_not_exist(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong", f"Token {TOKEN}", f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", "Bearer é"],
)
def test_metrics_are_refused_without_the_right_token(client, token, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"bluelamp_" not in response.content


@pytest.mark.django_db
def test_metrics_are_served_with_the_token_and_name_ours(client, token, caplog):
    OutgoingEmail.objects.create(from_email="a@example.org", to=["b@example.org"], subject="s", text_body=".")
    OutgoingEmail.objects.create(
        from_email="a@example.org",
        to=["b@example.org"],
        subject="s",
        text_body=".",
        status=OutgoingEmail.Status.REFUSED,
        next_attempt_at=dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC),
    )
    client.get("/health/live")  # a request for django-prometheus to count
    with caplog.at_level(logging.DEBUG):
        response = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    families = _families(response)
    for name in (
        "bluelamp_task_queue_depth",
        "bluelamp_task_queue_lag_seconds",
        "bluelamp_email_queue_depth",
        "bluelamp_email_queue_lag_seconds",
        "bluelamp_emails_sent",
        "bluelamp_emails_failed",
        "bluelamp_scorm_commits",
        "django_http_requests_latency_seconds_by_view_method",
    ):
        assert name in families, name
    assert families["bluelamp_emails_failed"].samples[0].value == 1
    assert families["bluelamp_emails_sent"].samples[0].value == 0
    assert families["bluelamp_email_queue_depth"].samples[0].value == 1
    assert TOKEN not in caplog.text


def test_scorm_commits_are_counted_by_outcome(rf):
    from django.http import HttpResponse
    from django.urls import ResolverMatch

    def before(outcome):
        return metrics.SCORM_COMMITS.labels(outcome=outcome)._value.get()

    accepted, refused = before("accepted"), before("refused")
    for status in (200, 200, 409):
        request = rf.post("/learning/scorm/sessions/x/commit/")
        request.resolver_match = ResolverMatch(
            lambda r: None, (), {}, url_name="sco_commit", app_names=["learning"], namespaces=["learning"]
        )
        metrics.ScormCommitMiddleware(lambda r, status=status: HttpResponse(status=status))(request)
    # Another view's answers are not commits.
    other = rf.post("/learning/")
    other.resolver_match = ResolverMatch(lambda r: None, (), {}, url_name="home", namespaces=["learning"])
    metrics.ScormCommitMiddleware(lambda r: HttpResponse())(other)
    assert before("accepted") - accepted == 2
    assert before("refused") - refused == 1


def test_the_token_is_compared_whole():
    from django.test import override_settings

    with override_settings(METRICS_TOKEN=TOKEN):
        assert metrics.token_matches(f"Bearer {TOKEN}")
        assert metrics.token_matches(f"bearer {TOKEN}")
        assert not metrics.token_matches(f"Bearer {TOKEN} extra")
        assert not metrics.token_matches("")
    with override_settings(METRICS_TOKEN=""):
        assert not metrics.token_matches("Bearer ")


_IN_A_WORKER = """
import os, sys, django
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
django.setup()
from bluelamp.operations import metrics
if sys.argv[1] == "commit":
    metrics.SCORM_COMMITS.labels(outcome="accepted").inc()
else:
    from django.test.runner import DiscoverRunner
    from django.test.utils import setup_test_environment
    setup_test_environment()
    runner = DiscoverRunner(verbosity=0)
    databases = runner.setup_databases()
    sys.stdout.write(metrics.exposition().decode())
    runner.teardown_databases(databases)
"""


def test_in_multiprocess_mode_a_scrape_sums_every_worker(tmp_path):
    """As under gunicorn with PROMETHEUS_MULTIPROC_DIR: two workers count a commit each, and a
    third process answers the scrape with both (and the database's gauges once)."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "BLUELAMP_TESTING": "1",
        "DATABASE_URL": "sqlite:///:memory:",
    }

    def worker(*args):
        return subprocess.run(
            [sys.executable, "-c", _IN_A_WORKER, *args], env=env, capture_output=True, text=True, check=True
        ).stdout

    worker("commit")
    worker("commit")
    families = {family.name: family for family in text_string_to_metric_families(worker("scrape"))}
    [accepted] = [s for s in families["bluelamp_scorm_commits"].samples if s.name.endswith("_total")]
    assert accepted.labels == {"outcome": "accepted"} and accepted.value == 2
    assert [s.value for s in families["bluelamp_task_queue_depth"].samples] == [0]
