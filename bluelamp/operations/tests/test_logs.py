"""Structured logs: JSON lines that parse, carry the request id (also into the tasks a request
enqueued, run by a separate worker), and never a secret."""

import io
import json
import logging

import pytest
from django.core.management import call_command
from django.test import Client
from django_tasks import task

from bluelamp.core.middleware import RequestContextMiddleware
from bluelamp.operations import logs


class _Lines(logging.Handler):
    """Lines as the production handler writes them (settings.LOGGING's filters and formatter)."""

    def __init__(self):
        super().__init__()
        self.addFilter(logs.RequestContextFilter())
        self.addFilter(logs.RedactSecretsFilter())
        self.setFormatter(logs.JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))

    def parsed(self) -> list[dict]:
        return [json.loads(line) for line in self.lines]


@pytest.fixture
def lines():
    handler = _Lines()
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


@task()
def log_from_a_task(note: str) -> None:
    logging.getLogger("bluelamp.tests.task").info("task says %s", note)


def _in_a_request(call, request_id="req-42"):
    """Run `call` as a view would, inside RequestContextMiddleware, with the proxy's X-Request-ID."""
    from django.test import RequestFactory

    def view(request):
        call()
        from django.http import HttpResponse

        return HttpResponse()

    RequestContextMiddleware(view)(RequestFactory().get("/", headers={"X-Request-ID": request_id}))


@pytest.mark.django_db
def test_each_request_is_one_json_line_with_its_id(settings, lines):
    settings.LOG_REQUESTS = True
    response = Client().get("/health/live?token=s3cr3t", headers={"X-Request-ID": "proxy-id-1"})
    assert response["X-Request-ID"] == "proxy-id-1"
    [line] = [line for line in lines.parsed() if line["logger"] == "bluelamp.requests"]
    assert line["request_id"] == "proxy-id-1"
    assert line["path"] == "/health/live"  # never the query string, which may carry a token
    assert line["status"] == 200
    assert isinstance(line["duration"], float) and line["duration"] >= 0
    assert line["level"] == "INFO" and line["message"] == "GET /health/live 200"
    assert line["time"].endswith("+00:00")
    assert "s3cr3t" not in "\n".join(lines.lines)


@pytest.mark.django_db
def test_a_request_without_an_id_gets_one(settings, lines):
    settings.LOG_REQUESTS = True
    response = Client().get("/health/live")
    [line] = [line for line in lines.parsed() if line["logger"] == "bluelamp.requests"]
    assert len(line["request_id"]) == 32 and response["X-Request-ID"] == line["request_id"]


@pytest.mark.django_db
def test_a_request_id_a_client_made_up_badly_is_replaced_by_one_of_ours(settings, lines):
    settings.LOG_REQUESTS = True
    bad = "<script>" + "x" * 300
    response = Client().get("/health/live", headers={"X-Request-ID": bad})
    echoed = response["X-Request-ID"]
    assert echoed != bad and len(echoed) == 32 and echoed.isalnum()


@pytest.mark.django_db(transaction=True)
def test_a_task_logs_the_id_of_the_request_that_enqueued_it(settings, lines):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _in_a_request(lambda: log_from_a_task.enqueue("hello"), request_id="req-42")
    # The worker runs it later, in no request.
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO(), stderr=io.StringIO())
    [line] = [line for line in lines.parsed() if line["logger"] == "bluelamp.tests.task"]
    assert line["message"] == "task says hello"
    assert line["request_id"] == "req-42"
    assert line["task_id"]
    # After the task, the worker's own lines carry no request id.
    logging.getLogger("bluelamp.tests.after").info("idle")
    assert lines.parsed()[-1]["request_id"] == ""


def test_a_task_run_at_once_logs_its_request_id_too(lines):
    # Tests and the quick start run tasks at once (ImmediateBackend), inside the request.
    _in_a_request(lambda: log_from_a_task.enqueue("now"), request_id="req-7")
    [line] = [line for line in lines.parsed() if line["logger"] == "bluelamp.tests.task"]
    assert line["request_id"] == "req-7"


def test_secrets_in_extra_fields_are_redacted(lines):
    logging.getLogger("bluelamp.tests.secrets").warning(
        "signing in %(who)s with %(password)s",
        {"who": "bob@example.org", "password": "hunter2"},
        extra={
            "password": "hunter2",
            "api_token": "tok-123",
            "Authorization": "Bearer abc",
            "request_body": {"email": "bob@example.org", "password1": "hunter2", "nested": [{"secret": "s"}]},
            "course": "Safeguarding",
        },
    )
    text = "\n".join(lines.lines)
    for secret in ("hunter2", "tok-123", "Bearer abc", '"s"'):
        assert secret not in text
    [line] = lines.parsed()
    assert line["password"] == "[redacted]" and line["api_token"] == "[redacted]"
    assert line["request_body"] == {
        "email": "bob@example.org",
        "password1": "[redacted]",
        "nested": [{"secret": "[redacted]"}],
    }
    assert line["course"] == "Safeguarding"
    assert line["message"] == "signing in bob@example.org with [redacted]"


def test_exceptions_are_kept_in_the_line(lines):
    try:
        raise ValueError("broken")
    except ValueError:
        logging.getLogger("bluelamp.tests.error").exception("it broke")
    [line] = lines.parsed()
    assert "ValueError: broken" in line["exception"] and line["level"] == "ERROR"


def test_error_reports_are_tagged_with_the_request_id(monkeypatch):
    import sentry_sdk

    started = {}
    monkeypatch.setattr(sentry_sdk, "init", lambda **options: started.update(options))
    logs.error_reporting_start(dsn="https://key@errors.example/1", environment="production")
    assert started["send_default_pii"] is False
    events = []
    _in_a_request(lambda: events.append(started["before_send"]({"message": "boom"}, {})), request_id="req-9")
    assert events == [{"message": "boom", "tags": {"request_id": "req-9"}}]


@pytest.mark.django_db
def test_djangos_own_line_for_an_error_answer_has_the_request_id(settings, lines, monkeypatch):
    from health_check import checks
    from health_check.exceptions import ServiceUnavailable

    def broken(self):
        raise ServiceUnavailable("down")

    monkeypatch.setattr(checks.Database, "run", broken)
    Client().get("/health/ready", headers={"X-Request-ID": "req-503"})
    [line] = [line for line in lines.parsed() if line["logger"] == "django.request"]
    assert line["status"] == 503 and line["path"] == "/health/ready"
    assert line["request_id"] == "req-503"
