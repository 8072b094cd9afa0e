"""Prometheus metrics: what django-prometheus counts of every request (by view, method and status,
and their latencies), and Bluelamp's own figures.

Ours are of two kinds. Counters kept by the process: SCORM commits, counted by a middleware from
the commit endpoint's answers (learning tells no listener of commits, and operations does not
reach into learning); and tasks a `bluelamp worker` put back in the queue because their worker was
lost (bluelamp/operations/workers.py: seen in a scrape when the worker shares the app server's
PROMETHEUS_MULTIPROC_DIR, and always in its log). And gauges read from the database when Prometheus scrapes, so that every
app server reports the same truth and nothing is lost when a process restarts: the task queue's
depth and lag, the task workers alive, the e-mail queue's, and the e-mails sent and refused (OutgoingEmail's states;
sent ones are kept `OutgoingEmail.RETENTION_DAYS`, so "sent" is within that window).

Several processes (gunicorn workers): set PROMETHEUS_MULTIPROC_DIR (docs/operations.md) and the
counters of every worker are summed from the files there; the gauges read from the database are
added once per scrape.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count
from prometheus_client import REGISTRY, CollectorRegistry, Counter, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bluelamp.operations.health import email_queue_figures, task_queue_figures, workers_alive

__all__ = [
    "SCORM_COMMITS",
    "TASKS_REQUEUED",
    "ScormCommitMiddleware",
    "exposition",
    "register",
    "token_matches",
]

SCORM_COMMITS = Counter(
    "bluelamp_scorm_commits",
    "SCORM runtime commits answered, by outcome (accepted: 200; refused: any other answer).",
    ["outcome"],
)

TASKS_REQUEUED = Counter(
    "bluelamp_tasks_requeued",
    "Tasks put back in the queue because the worker running them was lost (killed, out of memory).",
)

_SCORM_COMMIT_VIEW = "learning:sco_commit"


class ScormCommitMiddleware:
    """Counts the SCORM runtime's commits as they are answered (by the view's name, so a change of
    address does not lose the count)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name == _SCORM_COMMIT_VIEW and request.method == "POST":
            SCORM_COMMITS.labels(outcome="accepted" if response.status_code == 200 else "refused").inc()
        return response


class DatabaseFigures(Collector):
    """Gauges read from the database at scrape time."""

    def collect(self) -> Iterator[Metric]:
        from bluelamp.notifications.api import OutgoingEmail

        tasks = task_queue_figures()
        yield GaugeMetricFamily(
            "bluelamp_task_queue_depth", "Tasks due to run now and not yet started.", value=tasks.waiting
        )
        yield GaugeMetricFamily(
            "bluelamp_task_queue_lag_seconds",
            "How long the oldest task due has waited (0 when none waits).",
            value=tasks.oldest_age,
        )
        yield GaugeMetricFamily(
            "bluelamp_task_workers",
            "`bluelamp worker` processes alive (heartbeat within WORKER_LOST_AFTER_SECONDS).",
            value=workers_alive(),
        )
        emails = email_queue_figures()
        yield GaugeMetricFamily(
            "bluelamp_email_queue_depth", "E-mails due to be sent and not yet sent.", value=emails.waiting
        )
        yield GaugeMetricFamily(
            "bluelamp_email_queue_lag_seconds",
            "How long the oldest e-mail due has waited (0 when none waits).",
            value=emails.oldest_age,
        )
        by_status = dict(
            OutgoingEmail.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
        )
        yield GaugeMetricFamily(
            "bluelamp_emails_sent",
            f"E-mails sent, of those kept (sent ones are kept {OutgoingEmail.RETENTION_DAYS} days).",
            value=by_status.get(OutgoingEmail.Status.SENT, 0),
        )
        yield GaugeMetricFamily(
            "bluelamp_emails_failed",
            "E-mails the mail server refused for good.",
            value=by_status.get(OutgoingEmail.Status.REFUSED, 0),
        )


class _Process(Collector):
    """This process's own registry (django-prometheus's metrics and our counters), as one
    collector of the registry a scrape is answered from."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def exposition() -> bytes:
    """The metrics in Prometheus' text format: every worker's when PROMETHEUS_MULTIPROC_DIR is
    set, else this process's; and the database's figures."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_Process())
    registry.register(DatabaseFigures())
    return generate_latest(registry)


def token_matches(authorization: str) -> bool:
    """Does an Authorization header carry METRICS_TOKEN as a bearer token? Compared in constant
    time; False whenever no token is configured."""
    expected = settings.METRICS_TOKEN
    scheme, _, given = authorization.partition(" ")
    if not expected or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


def register() -> None:
    """Metrics add no jobs: the counters live in this module, the gauges are read at scrape."""
