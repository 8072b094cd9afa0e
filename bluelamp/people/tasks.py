"""Background tasks for people (Django's Tasks API)."""

import datetime as dt

from django_tasks import task

from bluelamp.people.importing import run_import
from bluelamp.people.models import ImportRun
from bluelamp.people.services import import_files_discard


@task()
def discard_stale_import_files() -> int:
    """Uploaded HR files checked but never applied are deleted after 7 days."""
    return import_files_discard(older_than=dt.timedelta(days=7))


@task()
def process_import(run_id: int) -> str:
    """Check (dry run) or apply an uploaded HR file recorded as a pending ImportRun.

    The person's access was checked when they uploaded or approved it; it is checked again
    here, as they may have lost it in between.
    """
    run = ImportRun.objects.select_related("organisation", "started_by", "checked_run").get(pk=run_id)
    if run.outcome != ImportRun.Outcome.PENDING:
        return run.outcome  # already processed (a task delivered twice)
    with run.stored_file.open("rb") as handle:
        data = handle.read()
    result = run_import(
        actor=run.started_by,
        organisation=run.organisation,
        data=data,
        file_name=run.file_name,
        dry_run=run.dry_run,
        stored_file=run.stored_file.name,
        run=run,
        check_access=run.started_by is not None,
    )
    if not result.ok or not run.dry_run:
        # Rejected: a corrected file must be uploaded anyway. Applied: no longer needed.
        import_files_discard(runs=[r for r in (run, run.checked_run) if r is not None])
    return result.run.outcome
