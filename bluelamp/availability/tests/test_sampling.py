"""The minute sample: each part's state from the health checks and the pages' from a probe, the
service's verdict, once per minute however often it runs, and a late run telling only that the
queue was behind. `bluelamp run-minutely` enqueues it."""

import datetime as dt
import http.server
import threading
from contextlib import contextmanager

import pytest
from django.core.management import call_command

from bluelamp.availability.models import HealthSample
from bluelamp.availability.sampling import probe_web, record_sample, take_health_sample
from bluelamp.availability.tests.helpers import AT
from bluelamp.operations.api import PartReport

pytestmark = pytest.mark.django_db


def reports(**states):
    names = ("database", "cache", "storage", "task_queue", "email")
    return [
        PartReport(
            name=name,
            status=states.get(name, "ok"),
            required=name in ("database", "cache", "storage"),
            message="ok" if states.get(name, "ok") == "ok" else f"{name} is not working",
        )
        for name in names
    ]


def test_every_part_is_recorded_with_the_services_verdict():
    sample = record_sample(minute=AT, at=AT + dt.timedelta(seconds=5), reports=reports(), web=("ok", "ok"))
    assert (sample.overall, sample.web, sample.database, sample.email) == ("ok", "ok", "ok", "ok")
    assert sample.notes == {}


@pytest.mark.parametrize(
    ("states", "web", "overall"),
    [
        ({"database": "down"}, "ok", "down"),  # a part the service cannot run without
        ({}, "down", "down"),  # the pages do not answer
        ({"email": "down"}, "ok", "warning"),  # a slow queue: degraded, still available
        ({"task_queue": "warning"}, "ok", "warning"),
        ({}, "off", "ok"),  # the pages not monitored: the parts decide
    ],
)
def test_the_services_verdict(states, web, overall):
    sample = record_sample(minute=AT, at=AT, reports=reports(**states), web=(web, "why"))
    assert sample.overall == overall
    for name in states:
        assert sample.notes[name] == f"{name} is not working"


def test_one_sample_per_minute():
    assert record_sample(minute=AT + dt.timedelta(seconds=40), at=AT, reports=reports(), web=("ok", "ok"))
    assert (
        record_sample(minute=AT, at=AT + dt.timedelta(seconds=50), reports=reports(), web=("ok", "ok"))
        is None
    )
    assert HealthSample.objects.get().minute == AT


def test_a_late_sample_says_only_that_the_queue_was_behind():
    sample = record_sample(minute=AT, at=AT + dt.timedelta(minutes=7), reports=reports(), web=("ok", "ok"))
    assert sample.task_queue == "down" and "420 s late" in sample.notes["task_queue"]
    assert {sample.web, sample.database, sample.email} == {"unknown"}
    assert sample.overall == "unknown"


def test_the_task_files_its_sample_under_the_minute_it_was_enqueued(monkeypatch):
    monkeypatch.setattr("bluelamp.availability.sampling.probe_web", lambda: ("ok", "ok"))
    result = take_health_sample.enqueue()
    sample = HealthSample.objects.get()
    assert sample.minute == result.enqueued_at.replace(second=0, microsecond=0)
    # The real health checks ran: the test database, cache and storage answer.
    assert (sample.database, sample.cache, sample.storage) == ("ok", "ok", "ok")
    assert sample.overall in ("ok", "warning")


def test_run_minutely_enqueues_the_sample(monkeypatch, capsys):
    monkeypatch.setattr(
        "bluelamp.availability.sampling.probe_web", lambda: ("down", "the pages answered 502")
    )
    call_command("run-minutely")
    assert "take_health_sample" in capsys.readouterr().out
    sample = HealthSample.objects.get()
    assert (sample.web, sample.overall, sample.notes["web"]) == ("down", "down", "the pages answered 502")


@contextmanager
def serving(status: int):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802  # http.server's name
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b"the process answers\n")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/health/live"
    finally:
        server.shutdown()
        server.server_close()


def test_the_probe_asks_the_pages_over_http():
    with serving(200) as url:
        assert probe_web(url) == ("ok", "ok")
    with serving(503) as url:
        assert probe_web(url) == ("down", "the pages answered 503")
    with serving(200) as url:
        pass  # the server is gone: nothing answers
    state, message = probe_web(url)
    assert state == "down" and "did not answer" in message
    assert probe_web("")[0] == "off"
