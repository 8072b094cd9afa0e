"""What production operations keep in the database: the task workers' heartbeats."""

from django.db import models


class WorkerHeartbeat(models.Model):
    """A running `bluelamp worker` process, as it last said it was alive (bluelamp/operations/
    workers.py). Each worker refreshes its row every WORKER_HEARTBEAT_SECONDS and deletes it when it
    stops gracefully; a row not refreshed for WORKER_LOST_AFTER_SECONDS is a worker lost (killed,
    out of memory, its machine gone), and the task it was running is put back in the queue.

    Personal data: none (a process's id, host name and times).
    """

    worker_id = models.CharField(
        max_length=64, unique=True, help_text="The id the worker claims tasks with (DBTaskResult.worker_ids)."
    )
    host = models.CharField(max_length=255, help_text="The machine's host name.")
    pid = models.PositiveIntegerField(help_text="The worker's process id on that machine.")
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True, help_text="When the worker last said it was alive.")

    class Meta:
        ordering = ["started_at"]

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}, pid {self.pid})"
