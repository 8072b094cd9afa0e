"""/health/live and /health/ready: what a load balancer sees when all is well, when a part is
down, and when a queue falls behind."""

import datetime as dt

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult
from health_check import checks
from health_check.exceptions import ServiceUnavailable

from bluelamp.notifications.api import OutgoingEmail
from bluelamp.operations import health

AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _queries_during(call):
    seen = []

    def count(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        result = call()
    return result, seen


@pytest.mark.django_db
def test_live_answers_without_touching_the_database(client):
    response, queries = _queries_during(lambda: client.get("/health/live"))
    assert response.status_code == 200
    assert response.content == b"the process answers\n"
    assert queries == []
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_ready_reports_every_part(client):
    response = client.get("/health/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["parts"]) == {"database", "cache", "storage", "task_queue", "email"}
    assert body["parts"]["database"] == {"status": "ok", "required": True, "message": "ok"}
    assert body["parts"]["task_queue"]["message"] == "0 tasks waiting"
    assert body["parts"]["email"]["required"] is False


@pytest.mark.django_db
def test_ready_is_503_when_the_cache_is_down(client, monkeypatch):
    async def broken(self):
        raise ServiceUnavailable("Connection Error to redis://:hunter2@10.0.0.7:6379")

    monkeypatch.setattr(checks.Cache, "run", broken)
    response = client.get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["parts"]["cache"]["status"] == "down"
    # The library's own text may name hosts and passwords: never shown.
    assert "hunter2" not in response.content.decode() and "10.0.0.7" not in response.content.decode()
    assert body["parts"]["cache"]["message"].startswith("the cache does not store")
    assert body["parts"]["database"]["status"] == "ok"


@pytest.mark.django_db
def test_ready_is_503_when_the_database_is_down(client, monkeypatch):
    def broken(self):
        raise ServiceUnavailable("connection refused")

    monkeypatch.setattr(checks.Database, "run", broken)
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["parts"]["database"]["status"] == "down"


@pytest.mark.django_db
def test_a_slow_task_queue_is_reported_without_taking_the_server_out(settings):
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import get_date_max

    settings.HEALTH_TASK_LAG_SECONDS = 300
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="bluelamp.x.y",
        backend_name="default",
        status=TaskResultStatus.READY,
        run_after=get_date_max(),
    )
    DBTaskResult.objects.update(enqueued_at=AT - dt.timedelta(seconds=400))
    # One scheduled for later is not late.
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="bluelamp.x.z",
        backend_name="default",
        status=TaskResultStatus.READY,
        run_after=AT + dt.timedelta(hours=1),
    )
    assert health.task_queue_figures(at=AT) == health.QueueFigures(waiting=1, oldest_age=400.0)

    reports = {report.name: report for report in health.readiness(at=AT)}
    assert reports["task_queue"].status == "down"
    assert (
        reports["task_queue"].message == "1 tasks waiting, the oldest for 400 s, more than the 300 s allowed"
    )
    assert health.overall(reports.values()) == "degraded"
    # Unless the deployment says it cannot serve without its workers.
    assert health.overall(health.readiness(at=AT, required=["task_queue"])) == "down"


@pytest.mark.django_db
def test_the_email_queue_counts_from_when_each_message_fell_due():
    OutgoingEmail.objects.create(
        from_email="a@example.org",
        to=["b@example.org"],
        subject="Due",
        text_body=".",
        next_attempt_at=AT - dt.timedelta(seconds=1000),
    )
    OutgoingEmail.objects.create(
        from_email="a@example.org",
        to=["b@example.org"],
        subject="Retry later",
        text_body=".",
        next_attempt_at=AT + dt.timedelta(minutes=5),
    )
    OutgoingEmail.objects.create(
        from_email="a@example.org",
        to=["b@example.org"],
        subject="Sent",
        text_body=".",
        status=OutgoingEmail.Status.SENT,
        next_attempt_at=AT - dt.timedelta(days=1),
    )
    assert health.email_queue_figures(at=AT) == health.QueueFigures(waiting=1, oldest_age=1000.0)
    email = {report.name: report for report in health.readiness(at=AT)}["email"]
    assert email.status == "down" and email.required is False
