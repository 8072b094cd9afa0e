"""Background tasks for people (Django's Tasks API)."""

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django_tasks import task

from bluelamp.core.csvfiles import UnreadableFile, check_size
from bluelamp.people.importing import import_run_fail, run_import, stopped_reason
from bluelamp.people.models import ImportRun
from bluelamp.people.services import import_files_discard

logger = logging.getLogger(__name__)


@task()
def discard_stale_import_files() -> int:
    """Uploaded HR files checked but never applied are deleted after 7 days."""
    return import_files_discard(older_than=dt.timedelta(days=7))


@task()
def process_import(run_id: int) -> str:
    """Check (dry run) or apply an uploaded HR file recorded as a pending ImportRun.

    The person's access was checked when they uploaded or approved it; it is checked again
    here, as they may have lost it in between. Every way this can end leaves the run finished:
    valid, applied, rejected (row errors) or failed with a reason for the person to act on.

    Stopping the worker (SIGTERM or SIGINT) lets the import finish, as the worker finishes any
    task; a second signal stops it at once: the apply's transaction is rolled back and the run
    ends as failed, so nothing is half-written.
    """
    # Claim the run: a task delivered twice, or run by two workers, processes it once.
    claimed = ImportRun.objects.filter(pk=run_id, outcome=ImportRun.Outcome.PENDING, phase="Waiting").update(
        phase="Reading"
    )
    run = ImportRun.objects.select_related("organisation", "started_by", "checked_run").get(pk=run_id)
    if not claimed:
        return run.outcome  # already processed, or being processed
    try:
        run_import(
            actor=run.started_by,
            organisation=run.organisation,
            data=_read_stored_file(run),
            file_name=run.file_name,
            dry_run=run.dry_run,
            stored_file=run.stored_file.name or "",  # read above, so it has a name
            run=run,
            check_access=run.started_by is not None,
        )
    except UnreadableFile as exc:
        import_run_fail(run, str(exc))
    except PermissionDenied:
        import_run_fail(
            run,
            f"You can no longer import people into {run.organisation.name}, so nothing has been "
            "changed. Ask an organisation administrator for the role, or to import the file.",
        )
    except BaseException as exc:
        # run_import has recorded the failure (this records it if the import never started); the
        # worker records the task as failed, with the traceback for the administrator.
        logger.exception("HR import run %s failed", run.uuid)
        try:
            import_run_fail(run, stopped_reason(exc, dry_run=run.dry_run))
            _tidy_files(run)
        except Exception:
            logger.warning("HR import run %s: could not record the failure", run.uuid, exc_info=True)
        raise
    _tidy_files(run)
    return run.outcome


_GONE = "The uploaded file is no longer kept (files are deleted 7 days after upload). Upload it again."


def _read_stored_file(run: ImportRun) -> bytes:
    if not run.stored_file:
        raise UnreadableFile(_GONE)
    try:
        check_size(run.stored_file.size, limit=settings.PEOPLE_IMPORT_MAX_BYTES)
        with run.stored_file.open("rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise UnreadableFile(_GONE) from None


def _tidy_files(run: ImportRun) -> None:
    """Uploaded files hold personal data: keep one only while it may still be applied."""
    run.refresh_from_db()
    if run.outcome == ImportRun.Outcome.VALID:
        return  # checked: waits for "Apply" (at most 7 days)
    if run.outcome == ImportRun.Outcome.FAILED and not run.dry_run and run.checked_run is not None:
        # The apply failed and changed nothing: the checked file may be applied again.
        ImportRun.objects.filter(pk=run.checked_run.pk, stored_file="").update(
            stored_file=run.stored_file.name
        )
        ImportRun.objects.filter(pk=run.pk).update(stored_file="")
        return
    # Rejected or failed: a corrected file must be uploaded anyway. Applied: no longer needed.
    import_files_discard(runs=[r for r in (run, run.checked_run) if r is not None])
