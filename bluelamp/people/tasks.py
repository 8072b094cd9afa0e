"""Background tasks for people (Django's Tasks API)."""

import datetime as dt

from django_tasks import task

from bluelamp.people.services import import_files_discard


@task()
def discard_stale_import_files() -> int:
    """Uploaded HR files checked but never applied are deleted after 7 days."""
    return import_files_discard(older_than=dt.timedelta(days=7))
