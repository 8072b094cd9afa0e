"""Health of a running Bluelamp, for load balancers and orchestrators (/health/live, /health/ready).

The checks are django-health-check's (database, cache, storage) and two of ours written as its
`HealthCheck` subclasses: the task queue's lag (django-tasks' database backend) and the e-mail
queue's (notifications' OutgoingEmail). The library's own view shapes its JSON as one string per
check; ours answers each part's status and a message, and 503 only when a part a deployment cannot
serve without (HEALTH_REQUIRED_PARTS: by default database, cache and storage) is down. A slow queue
is reported, never a reason to take every app server out of the load balancer.

Messages are public: they say what is wrong in our words, never a library's exception text (which
may name hosts or credentials); the details go to the log.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence

from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings
from django.db.models import Min
from django.utils import timezone
from health_check import checks
from health_check.base import HealthCheck, HealthCheckResult
from health_check.exceptions import ServiceUnavailable, ServiceWarning

__all__ = [
    "EmailQueue",
    "PartReport",
    "QueueFigures",
    "TaskQueue",
    "email_queue_figures",
    "readiness",
    "register",
    "task_queue_figures",
    "workers_alive",
]

OK, WARNING, DOWN = "ok", "warning", "down"


# --- what the queues hold (read by the metrics too) ---------------------------------------------


@dataclasses.dataclass(frozen=True)
class QueueFigures:
    """How many items wait to be worked on now, and for how long the oldest of them has waited
    (seconds; 0 when none waits)."""

    waiting: int
    oldest_age: float


def _age(since: dt.datetime | None, at: dt.datetime) -> float:
    return max(0.0, (at - since).total_seconds()) if since else 0.0


def task_queue_figures(*, at: dt.datetime | None = None) -> QueueFigures:
    """Tasks READY to run in the database backend's queue. A task becomes due when it is enqueued,
    or at its `run_after`; the lag is counted from then, so a task scheduled for tomorrow is not
    late today."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    at = at or timezone.now()
    ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    unscheduled = ready.filter(run_after=get_date_max(), enqueued_at__lte=at)
    scheduled = ready.filter(run_after__lte=at)
    oldest = [
        unscheduled.aggregate(oldest=Min("enqueued_at"))["oldest"],
        scheduled.aggregate(oldest=Min("run_after"))["oldest"],
    ]
    since = min((when for when in oldest if when), default=None)
    return QueueFigures(waiting=unscheduled.count() + scheduled.count(), oldest_age=_age(since, at))


def workers_alive(*, at: dt.datetime | None = None) -> int:
    """`bluelamp worker` processes seen within WORKER_LOST_AFTER_SECONDS (their heartbeats,
    bluelamp/operations/workers.py). Workers started with django-tasks-db's own `db_worker` beat
    no heartbeat and are not counted."""
    from bluelamp.operations.models import WorkerHeartbeat

    at = at or timezone.now()
    cutoff = at - dt.timedelta(seconds=settings.WORKER_LOST_AFTER_SECONDS)
    return WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).count()


def email_queue_figures(*, at: dt.datetime | None = None) -> QueueFigures:
    """E-mails waiting to be sent whose (next) attempt is due. The lag is counted from when it fell
    due: a message held back after a refused attempt is not late until its retry time passes."""
    from bluelamp.notifications.api import OutgoingEmail

    at = at or timezone.now()
    due = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED, next_attempt_at__lte=at)
    return QueueFigures(
        waiting=due.count(), oldest_age=_age(due.aggregate(oldest=Min("next_attempt_at"))["oldest"], at)
    )


# --- checks -------------------------------------------------------------------------------------


@dataclasses.dataclass
class _Described(HealthCheck):
    """A check that also says what it found when all is well (e.g. how many tasks wait)."""

    message: str = dataclasses.field(default="", init=False, repr=False, compare=False)


def _lag_check(figures: QueueFigures, *, what: str, limit: float, before: str = "") -> str:
    described = f"{before}{figures.waiting} {what} waiting" + (
        f", the oldest for {figures.oldest_age:.0f} s" if figures.waiting else ""
    )
    if figures.oldest_age > limit:
        raise ServiceUnavailable(f"{described}, more than the {limit:.0f} s allowed")
    return described


@dataclasses.dataclass
class TaskQueue(_Described):
    """The task workers keep up: the oldest task due has waited no longer than `limit` seconds
    (HEALTH_TASK_LAG_SECONDS). Down means no worker runs, or too few. The message starts with the
    workers alive ("2 workers; 3 tasks waiting, ...") when any `bluelamp worker` beats."""

    limit: float = 300.0
    at: dt.datetime | None = dataclasses.field(default=None, repr=False)

    async def run(self) -> None:
        figures = await sync_to_async(task_queue_figures)(at=self.at)
        alive = await sync_to_async(workers_alive)(at=self.at)
        # No heartbeat is no proof that no worker runs (db_worker beats none): then nothing is said.
        workers = f"{alive} worker{'' if alive == 1 else 's'}; " if alive else ""
        self.message = _lag_check(figures, what="tasks", limit=self.limit, before=workers)


@dataclasses.dataclass
class EmailQueue(_Described):
    """E-mails go out: the oldest e-mail due has waited no longer than `limit` seconds
    (HEALTH_EMAIL_LAG_SECONDS). Down means the mail server refuses or the sender does not run."""

    limit: float = 900.0
    at: dt.datetime | None = dataclasses.field(default=None, repr=False)

    async def run(self) -> None:
        figures = await sync_to_async(email_queue_figures)(at=self.at)
        self.message = _lag_check(figures, what="e-mails", limit=self.limit)


# The library runs synchronous checks in a thread pool; these run in the request's own thread
# (sync_to_async is thread-sensitive), so they use its database connection and leave none open
# behind them.
@dataclasses.dataclass
class _Database(checks.Database):
    async def run(self) -> None:
        await sync_to_async(super().run)()


@dataclasses.dataclass
class _Storage(checks.Storage):
    async def run(self) -> None:
        await sync_to_async(super().run)()


# --- the report -----------------------------------------------------------------------------------

_LIBRARY_MESSAGES = {
    "database": "the database does not answer",
    "cache": "the cache does not store and return a value",
    "storage": "files cannot be saved, read and deleted",
}


@dataclasses.dataclass(frozen=True)
class PartReport:
    name: str
    status: str  # ok, warning or down
    required: bool
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"status": self.status, "required": self.required, "message": self.message}


def _parts(at: dt.datetime | None) -> dict[str, HealthCheck]:
    return {
        "database": _Database(),
        "cache": checks.Cache(),
        "storage": _Storage(),
        "task_queue": TaskQueue(limit=settings.HEALTH_TASK_LAG_SECONDS, at=at),
        "email": EmailQueue(limit=settings.HEALTH_EMAIL_LAG_SECONDS, at=at),
    }


async def _run(parts: Sequence[HealthCheck]) -> list[HealthCheckResult]:
    # One after another: each is quick, and they share the request's thread (above).
    return [await part.get_result() for part in parts]


def _report(name: str, result: HealthCheckResult, required: bool) -> PartReport:
    error = result.error
    status = OK if error is None else WARNING if isinstance(error, ServiceWarning) else DOWN
    if error is None:
        message = getattr(result.check, "message", "") or "ok"
    elif isinstance(result.check, _Described):
        message = error.message
    else:
        message = _LIBRARY_MESSAGES.get(name, "not working") + " (details in the log)"
    return PartReport(name=name, status=status, required=required, message=message)


def readiness(*, at: dt.datetime | None = None, required: Iterable[str] | None = None) -> list[PartReport]:
    """Check every part now (`at` fixes the clock of the queue checks, for tests)."""
    required = set(settings.HEALTH_REQUIRED_PARTS if required is None else required)
    parts = _parts(at)
    results = async_to_sync(_run)(list(parts.values()))
    return [_report(name, result, name in required) for name, result in zip(parts, results, strict=True)]


def overall(reports: Iterable[PartReport]) -> str:
    """down when a required part is down; degraded when any other part is not ok; else ok."""
    reports = list(reports)
    if any(report.required and report.status == DOWN for report in reports):
        return DOWN
    return OK if all(report.status == OK for report in reports) else "degraded"


def register() -> None:
    """Health adds no jobs: its checks are asked for by /health/ready."""
