"""`bluelamp worker`: run background tasks, as django-tasks-db's `db_worker` does, with a heartbeat
so that a task whose worker is killed is run again by another (bluelamp/operations/workers.py;
docs/operations.md, "Task workers")."""

import signal
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django_tasks_db.management.commands.db_worker import (
    valid_backend_name,
    valid_interval,
    valid_max_tasks,
    validate_worker_id,
)

from bluelamp.operations.workers import HeartbeatWorker, worker_id_new

_SIGNALS = [signal.SIGINT, signal.SIGTERM] + ([signal.SIGQUIT] if hasattr(signal, "SIGQUIT") else [])


class Command(BaseCommand):
    help = (
        "Run background tasks from the database queue. Several may run at once, on any machines; "
        "a task whose worker is lost (killed, out of memory) is run again by another. SIGTERM or "
        "Ctrl+C finishes the current task, then stops; a second one stops at once."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        # db_worker's options that matter in production, checked by its own validators.
        parser.add_argument(
            "--queue-name",
            default=DEFAULT_TASK_QUEUE_NAME,
            help="the queues to run, comma-separated; '*' for all (default: %(default)s)",
        )
        parser.add_argument(
            "--exclude-queues", default="", help="queues not to run, comma-separated (with --queue-name='*')"
        )
        parser.add_argument(
            "--interval",
            type=valid_interval,
            default=1.0,
            help="seconds to wait before looking again when the queue is empty (default: %(default)s)",
        )
        parser.add_argument("--batch", action="store_true", help="run the tasks waiting, then stop")
        parser.add_argument(
            "--max-tasks", type=valid_max_tasks, default=None, help="stop after running this many tasks"
        )
        parser.add_argument(
            "--worker-id",
            type=validate_worker_id,
            default=None,
            help="this worker's id, unique among all workers (default: host name, process id and a random part)",
        )
        parser.add_argument(
            "--no-startup-delay",
            action="store_false",
            dest="startup_delay",
            help="start at once (by default a random delay under a second, so that many workers "
            "started together do not all ask at once)",
        )
        parser.add_argument(
            "--backend",
            type=valid_backend_name,
            default=DEFAULT_TASK_BACKEND_ALIAS,
            dest="backend_name",
            help="the task backend to run (a database backend; default: %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        heartbeat = float(settings.WORKER_HEARTBEAT_SECONDS)
        lost_after = float(settings.WORKER_LOST_AFTER_SECONDS)
        if heartbeat <= 0:
            raise CommandError(f"WORKER_HEARTBEAT_SECONDS must be more than 0, not {heartbeat:g}")
        if lost_after <= heartbeat:
            raise CommandError(
                f"WORKER_LOST_AFTER_SECONDS ({lost_after:g}) must be more than WORKER_HEARTBEAT_SECONDS "
                f"({heartbeat:g}), or a living worker would be taken for lost: several times it, e.g. "
                f"{heartbeat * 6:g}"
            )
        queue_names = [name.strip() for name in options["queue_name"].split(",") if name.strip()]
        excluded = [name.strip() for name in options["exclude_queues"].split(",") if name.strip()]
        if not queue_names:
            raise CommandError("--queue-name: give a queue's name, several comma-separated, or '*'")
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name='*'")
        worker = HeartbeatWorker(
            queue_names=queue_names,
            excluded_queue_names=excluded,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"] or worker_id_new(),
            heartbeat_seconds=heartbeat,
            lost_after_seconds=lost_after,
        )
        # The worker's own handlers while it runs; the caller's back afterwards (call_command).
        previous = {number: signal.getsignal(number) for number in _SIGNALS}
        worker.configure_signals()
        try:
            worker.run()
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
