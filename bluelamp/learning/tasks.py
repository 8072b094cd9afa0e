"""Background tasks for learning (Django's Tasks API)."""

from django_tasks import task

from bluelamp.learning.records import history_files_discard


@task()
def discard_stale_history_files() -> int:
    """History files checked but never applied are deleted after 7 days."""
    return history_files_discard()


DAILY = [discard_stale_history_files]
