"""Task workers that a kill does not cost a task: heartbeats, and putting back what a lost worker
was running (`bluelamp worker`; docs/operations.md, "Task workers").

django-tasks-db's worker claims a task by marking it RUNNING with its id (DBTaskResult.worker_ids)
and marks it done when the task returns. A worker killed in between (SIGKILL, out of memory, its
machine gone) leaves it RUNNING for ever. So each `bluelamp worker` says it is alive: a background
thread refreshes its WorkerHeartbeat row every WORKER_HEARTBEAT_SECONDS, while tasks run, and the
row is deleted when it stops gracefully. On each beat it also looks for tasks whose worker is lost:
RUNNING, and their last worker not seen for WORKER_LOST_AFTER_SECONDS (or, with no heartbeat row
at all, started longer ago than that: a worker that never beat, e.g. a `db_worker`). Those are put
back to READY, and some worker runs them again.

Every worker does it, and several may at once: the rows are locked with SKIP LOCKED (one worker
takes each) and updated only while still RUNNING since the same start, so none is put back twice.
A task therefore runs at least once, and may run twice: which of Bluelamp's tasks that is safe
for is in docs/operations.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import socket
import threading
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from bluelamp.operations.metrics import TASKS_REQUEUED
from bluelamp.operations.models import WorkerHeartbeat

__all__ = [
    "HeartbeatWorker",
    "LostTask",
    "heartbeat_beat",
    "heartbeat_end",
    "tasks_requeue_lost",
    "worker_id_new",
]

logger = logging.getLogger("bluelamp.operations.worker")

# DBTaskResult.worker_ids' entries, and WorkerHeartbeat.worker_id.
WORKER_ID_MAX = 64


def worker_id_new() -> str:
    """An id that says where the worker runs (host and process) and is still unique when a
    container's host name and process id repeat: "web-3-1234-x7Kq9aZp"."""
    suffix = f"-{os.getpid()}-{get_random_string(8)}"
    return socket.gethostname()[: WORKER_ID_MAX - len(suffix)] + suffix


def _lost_after(seconds: float | None) -> dt.timedelta:
    return dt.timedelta(seconds=settings.WORKER_LOST_AFTER_SECONDS if seconds is None else seconds)


# --- heartbeats ----------------------------------------------------------------------------------


def heartbeat_beat(*, worker_id: str, started_at: dt.datetime, at: dt.datetime | None = None) -> None:
    """Say that worker `worker_id` (this process) is alive now."""
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "seen_at": at or timezone.now(),
        },
    )


def heartbeat_end(*, worker_id: str) -> None:
    """The worker stops gracefully: it is not lost, and no longer counted."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


# --- recovery ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class LostTask:
    """A task put back in the queue: its id, and the worker that had claimed it."""

    task_id: str
    worker_id: str


def tasks_requeue_lost(
    *, at: dt.datetime | None = None, lost_after: float | None = None, keep: str = ""
) -> list[LostTask]:
    """Put back to READY (started_at cleared) every RUNNING task whose worker is lost, and forget
    heartbeats of workers lost (but `keep`'s, the caller's own). Returns the tasks put back.

    A worker is lost when its heartbeat is older than `lost_after` seconds (default
    WORKER_LOST_AFTER_SECONDS); a task whose worker has no heartbeat row when it started longer ago
    than that. Safe to run in several processes at once: each task is put back by one of them."""
    at = at or timezone.now()
    cutoff = at - _lost_after(lost_after)
    lost: list[LostTask] = []
    with transaction.atomic():
        # Few rows are RUNNING (one per worker); another recoverer's rows are skipped, not waited for.
        running = list(
            DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
            .select_for_update(skip_locked=True)
            .only("id", "worker_ids", "started_at")
        )
        last_ids = {_last_worker(task) for task in running}
        seen = dict(
            WorkerHeartbeat.objects.filter(worker_id__in=last_ids).values_list("worker_id", "seen_at")
        )
        for task in running:
            worker_id = _last_worker(task)
            since = seen.get(worker_id, task.started_at)
            if since is not None and since >= cutoff:
                continue
            # Still RUNNING since the same claim (SQLite takes no row locks: this is what stops a
            # second recoverer there).
            put_back = DBTaskResult.objects.filter(
                pk=task.pk, status=TaskResultStatus.RUNNING, started_at=task.started_at
            ).update(status=TaskResultStatus.READY, started_at=None)
            if put_back:
                lost.append(LostTask(task_id=str(task.pk), worker_id=worker_id))
        WorkerHeartbeat.objects.filter(seen_at__lt=cutoff).exclude(worker_id=keep).delete()
    for found in lost:
        logger.warning(
            "Task %s put back in the queue: its worker %s was lost (not seen for %s s)",
            found.task_id,
            found.worker_id or "(none)",
            int(_lost_after(lost_after).total_seconds()),
            extra={"lost_task_id": found.task_id, "lost_worker_id": found.worker_id},
        )
        TASKS_REQUEUED.inc()
    return lost


def _last_worker(task: DBTaskResult) -> str:
    ids = task.worker_ids or []
    return str(ids[-1]) if ids else ""


# --- the worker ----------------------------------------------------------------------------------


class HeartbeatWorker(Worker):
    """django-tasks-db's worker (claiming and running tasks unchanged), which beats and recovers
    from a thread of its own while it runs, and ends its heartbeat when it stops gracefully."""

    def __init__(self, *, heartbeat_seconds: float, lost_after_seconds: float, **options: Any) -> None:
        super().__init__(**options)
        self.heartbeat_seconds = heartbeat_seconds
        self.lost_after_seconds = lost_after_seconds
        self.started_at = timezone.now()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def beat(self) -> None:
        """One heartbeat, then one look for lost workers' tasks. A failure (the database away) is
        logged and tried again at the next beat: the worker goes on."""
        try:
            close_old_connections()
            heartbeat_beat(worker_id=self.worker_id, started_at=self.started_at)
            tasks_requeue_lost(lost_after=self.lost_after_seconds, keep=self.worker_id)
        except Exception:
            logger.exception("Worker %s: the heartbeat could not be recorded", self.worker_id)

    def _beat_until_stopped(self) -> None:
        try:
            while not self._stopping.wait(self.heartbeat_seconds):
                self.beat()
        finally:
            connections.close_all()  # this thread's own connection

    def run(self) -> None:
        self.started_at = timezone.now()
        # The first beat before the first claim: a task is never claimed by a worker nobody has seen.
        self.beat()
        self._thread = threading.Thread(
            target=self._beat_until_stopped, name=f"heartbeat-{self.worker_id}", daemon=True
        )
        self._thread.start()
        try:
            super().run()
        finally:
            self._stopping.set()
            self._thread.join(timeout=max(self.heartbeat_seconds, 5.0))
            try:
                close_old_connections()
                heartbeat_end(worker_id=self.worker_id)
            except Exception:
                # Not fatal: the row goes stale and the other workers forget it.
                logger.exception("Worker %s: the heartbeat could not be removed", self.worker_id)
            logger.info("Worker %s stopped", self.worker_id)
