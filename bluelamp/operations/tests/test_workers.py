"""`bluelamp worker`: heartbeats, and the tasks of a lost worker put back in the queue (fixed
clocks), once however many workers look at the same time; the command end to end with the
database backend; the workers alive in /health/ready and in the metrics."""

import datetime as dt
import io
import logging
import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from bluelamp.operations import health, metrics, workers
from bluelamp.operations.models import WorkerHeartbeat

AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


def _running(*, worker_ids: list[str], started_at: dt.datetime | None) -> DBTaskResult:
    return DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="bluelamp.operations.tests.test_workers.wait_a_little",
        backend_name="default",
        status=TaskResultStatus.RUNNING,
        run_after=get_date_max(),
        started_at=started_at,
        worker_ids=worker_ids,
    )


def _seen(worker_id: str, at: dt.datetime) -> None:
    workers.heartbeat_beat(worker_id=worker_id, started_at=at - dt.timedelta(hours=1), at=at)


def _statuses() -> dict[str, str]:
    return {str(pk): status for pk, status in DBTaskResult.objects.values_list("pk", "status")}


@pytest.mark.django_db
def test_a_task_whose_worker_is_not_seen_any_more_is_put_back(settings, caplog):
    settings.WORKER_LOST_AFTER_SECONDS = 60
    _seen("alive", AT - dt.timedelta(seconds=5))
    _seen("killed", AT - dt.timedelta(seconds=61))
    fresh = _running(
        worker_ids=["alive"], started_at=AT - dt.timedelta(hours=2)
    )  # a long task, still beating
    stale = _running(worker_ids=["alive", "killed"], started_at=AT - dt.timedelta(seconds=30))
    # No heartbeat row (a db_worker, or a row already forgotten): judged by when it started.
    old_orphan = _running(worker_ids=["db-worker"], started_at=AT - 2 * MINUTE)
    new_orphan = _running(worker_ids=["db-worker"], started_at=AT - dt.timedelta(seconds=10))
    before = metrics.TASKS_REQUEUED._value.get()

    with caplog.at_level(logging.WARNING, logger="bluelamp.operations.worker"):
        lost = workers.tasks_requeue_lost(at=AT)

    assert sorted(lost, key=lambda t: t.worker_id) == [
        workers.LostTask(task_id=str(old_orphan.pk), worker_id="db-worker"),
        workers.LostTask(task_id=str(stale.pk), worker_id="killed"),
    ]
    stale.refresh_from_db()
    assert stale.status == TaskResultStatus.READY and stale.started_at is None
    assert stale.worker_ids == ["alive", "killed"]  # its history is kept
    assert _statuses()[str(fresh.pk)] == _statuses()[str(new_orphan.pk)] == TaskResultStatus.RUNNING
    # The lost worker's heartbeat is forgotten; the living one's kept.
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["alive"]
    # Logged with the task and the worker; counted.
    lines = [r for r in caplog.records if r.name == "bluelamp.operations.worker"]
    assert {(r.lost_task_id, r.lost_worker_id) for r in lines} == {  # type: ignore[attr-defined]
        (str(stale.pk), "killed"),
        (str(old_orphan.pk), "db-worker"),
    }
    assert f"Task {stale.pk} put back in the queue: its worker killed was lost" in caplog.text
    assert metrics.TASKS_REQUEUED._value.get() - before == 2

    # Looking again changes nothing: they are READY now, for a worker to claim.
    assert workers.tasks_requeue_lost(at=AT) == []
    assert DBTaskResult.objects.ready().count() == 2


@pytest.mark.django_db
def test_the_limit_is_the_setting_or_the_callers(settings):
    settings.WORKER_LOST_AFTER_SECONDS = 300
    _seen("slow", AT - 2 * MINUTE)
    job = _running(worker_ids=["slow"], started_at=AT - 2 * MINUTE)
    assert workers.tasks_requeue_lost(at=AT) == []
    assert workers.tasks_requeue_lost(at=AT, lost_after=90) == [
        workers.LostTask(task_id=str(job.pk), worker_id="slow")
    ]


@pytest.mark.django_db
def test_finished_and_waiting_tasks_are_left_alone(settings):
    settings.WORKER_LOST_AFTER_SECONDS = 60
    for status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED, TaskResultStatus.READY):
        job = _running(worker_ids=["gone"], started_at=AT - dt.timedelta(hours=1))
        DBTaskResult.objects.filter(pk=job.pk).update(status=status)
    assert workers.tasks_requeue_lost(at=AT) == []
    assert sorted(_statuses().values()) == ["FAILED", "READY", "SUCCESSFUL"]


@pytest.mark.django_db(transaction=True)
def test_two_recoverers_at_once_put_each_task_back_once(settings):
    """The second looks while the first holds the lost tasks: it skips them (SKIP LOCKED) instead
    of waiting, and puts back none; the first puts back each, once."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT ... FOR UPDATE SKIP LOCKED): PostgreSQL, as in production and CI")
    settings.WORKER_LOST_AFTER_SECONDS = 60
    _seen("killed", AT - 5 * MINUTE)
    jobs = [_running(worker_ids=["killed"], started_at=AT - 5 * MINUTE) for _ in range(5)]
    second: list[workers.LostTask] = []
    asked: list[bool] = []

    def second_recoverer() -> None:
        try:
            second.extend(workers.tasks_requeue_lost(at=AT))
        finally:
            connections.close_all()

    def meanwhile(execute, sql, params, many, context):
        # The first has locked the RUNNING rows and now reads the heartbeats: the second looks.
        if "operations_workerheartbeat" in sql and not asked:
            asked.append(True)
            other = threading.Thread(target=second_recoverer)
            other.start()
            other.join(timeout=20)
            assert not other.is_alive(), "the second recoverer waited for the first's locks"
        return execute(sql, params, many, context)

    with connection.execute_wrapper(meanwhile):
        first = workers.tasks_requeue_lost(at=AT)

    assert asked and second == []
    assert sorted(t.task_id for t in first) == sorted(str(j.pk) for j in jobs)
    assert set(_statuses().values()) == {TaskResultStatus.READY}


@pytest.mark.django_db(transaction=True)
def test_many_recoverers_racing_put_each_task_back_once(settings):
    if connection.vendor != "postgresql":
        pytest.skip("threads on one database: PostgreSQL, as in production and CI")
    settings.WORKER_LOST_AFTER_SECONDS = 60
    jobs = [_running(worker_ids=[f"gone-{n}"], started_at=AT - 5 * MINUTE) for n in range(20)]
    start = threading.Barrier(4)
    found: list[workers.LostTask] = []

    def recover() -> None:
        try:
            start.wait()
            found.extend(workers.tasks_requeue_lost(at=AT))
        finally:
            connections.close_all()

    racers = [threading.Thread(target=recover) for _ in range(4)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(timeout=30)
    assert sorted(t.task_id for t in found) == sorted(str(j.pk) for j in jobs)  # none twice
    assert set(_statuses().values()) == {TaskResultStatus.READY}


@pytest.mark.django_db
def test_heartbeats_are_refreshed_and_ended():
    workers.heartbeat_beat(worker_id="w1", started_at=AT, at=AT)
    workers.heartbeat_beat(worker_id="w1", started_at=AT, at=AT + MINUTE)
    beat = WorkerHeartbeat.objects.get()
    assert (beat.worker_id, beat.started_at, beat.seen_at) == ("w1", AT, AT + MINUTE)
    assert beat.host and beat.pid
    workers.heartbeat_end(worker_id="w1")
    assert not WorkerHeartbeat.objects.exists()


@pytest.mark.django_db
def test_a_recoverer_keeps_its_own_heartbeat(settings):
    settings.WORKER_LOST_AFTER_SECONDS = 60
    _seen("me", AT - 5 * MINUTE)  # e.g. the database was away for a while
    _seen("other", AT - 5 * MINUTE)
    workers.tasks_requeue_lost(at=AT, keep="me")
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["me"]


def test_worker_ids_fit_the_column_and_differ():
    ids = {workers.worker_id_new() for _ in range(20)}
    assert len(ids) == 20
    assert all(0 < len(worker_id) <= workers.WORKER_ID_MAX for worker_id in ids)


# --- health and metrics ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_ready_says_how_many_workers_are_alive(settings):
    settings.WORKER_LOST_AFTER_SECONDS = 60
    _seen("a", AT - dt.timedelta(seconds=3))
    _seen("b", AT - dt.timedelta(seconds=20))
    _seen("gone", AT - 2 * MINUTE)
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="bluelamp.x.y",
        backend_name="default",
        status=TaskResultStatus.READY,
        run_after=get_date_max(),
    )
    DBTaskResult.objects.update(enqueued_at=AT - dt.timedelta(seconds=2))
    assert health.workers_alive(at=AT) == 2
    reports = {report.name: report for report in health.readiness(at=AT)}
    assert reports["task_queue"].message == "2 workers; 1 tasks waiting, the oldest for 2 s"

    WorkerHeartbeat.objects.filter(worker_id="b").delete()
    reports = {report.name: report for report in health.readiness(at=AT)}
    assert reports["task_queue"].message == "1 worker; 1 tasks waiting, the oldest for 2 s"
    assert reports["task_queue"].status == "ok"


@pytest.mark.django_db
def test_the_metrics_count_the_workers_alive(client, settings):
    settings.METRICS_TOKEN = "t0ken-for-the-worker-tests"
    _seen("a", AT)  # seen "now" for a clock fixed in 2026: the scrape reads the real clock
    WorkerHeartbeat.objects.update(seen_at=dt.datetime.now(dt.UTC))
    response = client.get("/metrics", headers={"Authorization": "Bearer t0ken-for-the-worker-tests"})
    body = response.content.decode()
    assert "bluelamp_task_workers 1.0" in body
    assert "bluelamp_tasks_requeued_total" in body


# --- the command -----------------------------------------------------------------------------------


@task()
def wait_a_little(seconds: float) -> dict:
    """Sleeps; says whether this worker's heartbeat moved on meanwhile (from its own thread)."""
    before = set(WorkerHeartbeat.objects.values_list("seen_at", flat=True))
    time.sleep(seconds)
    after = set(WorkerHeartbeat.objects.values_list("seen_at", flat=True))
    return {"workers": len(after), "beat_meanwhile": after != before}


@pytest.fixture
def database_queue(settings):
    """Tasks go to the database queue, as in production (the suite runs them at once)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _worker(*args: str) -> str:
    out = io.StringIO()
    call_command("worker", "--batch", "--no-startup-delay", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_tasks_beats_meanwhile_and_ends_its_heartbeat(settings, database_queue):
    settings.WORKER_HEARTBEAT_SECONDS = 0.1
    result = wait_a_little.enqueue(0.6)
    _worker("--worker-id", "test-worker-1")
    done = DBTaskResult.objects.get(pk=result.id)
    assert done.status == TaskResultStatus.SUCCESSFUL, done.traceback
    assert done.worker_ids == ["test-worker-1"]
    assert done.return_value == {"workers": 1, "beat_meanwhile": True}
    assert not WorkerHeartbeat.objects.exists()  # a graceful stop is not a lost worker


@pytest.mark.django_db(transaction=True)
def test_a_new_worker_runs_what_a_killed_one_left_running(settings, database_queue):
    settings.WORKER_LOST_AFTER_SECONDS = 60
    result = wait_a_little.enqueue(0)
    # Claimed by a worker that was then killed two minutes ago: no heartbeat since.
    long_ago = dt.datetime.now(dt.UTC) - 2 * MINUTE
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=long_ago, worker_ids=["killed-worker"]
    )
    WorkerHeartbeat.objects.create(
        worker_id="killed-worker", host="gone", pid=1, started_at=long_ago, seen_at=long_ago
    )
    _worker("--worker-id", "rescuer")
    done = DBTaskResult.objects.get(pk=result.id)
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert done.worker_ids == ["killed-worker", "rescuer"]
    assert not WorkerHeartbeat.objects.exists()


@pytest.mark.django_db
def test_the_worker_keeps_going_when_a_heartbeat_fails(settings, monkeypatch, caplog):
    worker = workers.HeartbeatWorker(
        queue_names=["default"],
        excluded_queue_names=[],
        interval=1,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="w-db-away",
        heartbeat_seconds=10,
        lost_after_seconds=60,
    )

    def database_away(**kwargs):
        raise ConnectionError("the database went away")

    monkeypatch.setattr(workers, "heartbeat_beat", database_away)
    with caplog.at_level(logging.ERROR, logger="bluelamp.operations.worker"):
        worker.beat()
    assert "w-db-away: the heartbeat could not be recorded" in caplog.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("heartbeat", "lost_after", "message"),
    [
        (0, 60, "WORKER_HEARTBEAT_SECONDS must be more than 0, not 0"),
        (10, 10, "WORKER_LOST_AFTER_SECONDS (10) must be more than WORKER_HEARTBEAT_SECONDS (10)"),
    ],
)
def test_the_worker_refuses_settings_that_would_lose_living_workers(
    settings, database_queue, heartbeat, lost_after, message
):
    settings.WORKER_HEARTBEAT_SECONDS, settings.WORKER_LOST_AFTER_SECONDS = heartbeat, lost_after
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _worker()


@pytest.mark.django_db
def test_excluded_queues_need_every_queue(database_queue):
    with pytest.raises(CommandError, match="--exclude-queues can only be used with --queue-name='\\*'"):
        _worker("--exclude-queues", "slow")
