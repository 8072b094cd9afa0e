"""Bulk import of people from an HR file (CSV), upserting by organisation + staff number.

The whole file is validated before anything is written. With errors, nothing is applied and the
report names the row, column, value and reason for each. A dry run reports what would change
(people created, updated, unchanged, marked leavers; units created). Applying is one transaction;
re-running the same file changes nothing. People missing from the file are left as they are:
leavers are marked by status=leaver, never deleted.

Designed for the whole workforce in one file (236,000 rows): existing people are read once into
memory, rows are diffed in Python, and writes are batched (on PostgreSQL, COPY for new people and
UPDATE ... FROM (VALUES ...) for changes; bulk INSERT and UPDATE elsewhere), and new units are
placed in the tree in bulk, so the cost is a few hundred queries, not one per row or per unit.
Figures and how to reproduce them: docs/performance.md.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from bluelamp.core.csvfiles import UnreadableFile
from bluelamp.organisations.api import Organisation, Perm, access_for
from bluelamp.people.importing._parse import _decode, _parse
from bluelamp.people.importing._plan import _plan
from bluelamp.people.importing._progress import RunProgress
from bluelamp.people.importing._start import import_apply_start, import_check_start
from bluelamp.people.importing._types import (
    ACCEPTED_COLUMNS,
    MAX_STORED_ERRORS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    ImportResult,
    Progress,
    RowError,
)
from bluelamp.people.importing._write import _apply
from bluelamp.people.models import ImportRun

__all__ = [
    "ACCEPTED_COLUMNS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "ImportResult",
    "RowError",
    "import_apply_start",
    "import_check_start",
    "import_run_fail",
    "run_import",
    "stopped_reason",
]

logger = logging.getLogger(__name__)


def run_import(
    *,
    actor,
    organisation: Organisation,
    data: bytes,
    file_name: str,
    dry_run: bool,
    progress: Progress | None = None,
    check_access: bool = True,
    stored_file: str = "",
    run: ImportRun | None = None,
) -> ImportResult:
    """Validate `data` and (unless dry_run) apply it. Always records an ImportRun.

    `run`: a pending ImportRun (made when the file was uploaded) to record the outcome on,
    instead of a new one; its progress fields are updated as the import goes.

    A file that cannot be read as a whole (too large, UTF-16, not text, a quote never closed)
    ends the run as failed, with `result.failure` saying why and what is accepted. Any other
    exception also ends it as failed (nothing applied: the apply is one transaction, and the
    outcome is recorded in it), and is raised again for the caller to report.
    `progress` must not use the database connection of the import: on PostgreSQL it can be
    called in the middle of a COPY.
    """
    if check_access and not access_for(actor, Perm.PEOPLE_IMPORT).covers_organisation(organisation.pk):
        raise PermissionDenied("You cannot import people into that organisation.")
    started = run.started_at if run is not None else timezone.now()
    own_progress = RunProgress(run) if progress is None and run is not None else None
    progress = progress or own_progress or (lambda phase, done, total: None)
    result = ImportResult()

    def record() -> ImportRun:
        return _record_run(
            run,
            result,
            organisation=organisation,
            actor=actor,
            file_name=file_name,
            dry_run=dry_run,
            started=started,
            stored_file=stored_file,
        )

    try:
        try:
            rows = _parse(_decode(data), result)
        except UnreadableFile as exc:
            result.failure, rows = str(exc), []
        result.rows = len(rows)
        progress("Checking", 0, len(rows))
        plan = _plan(organisation, rows, result, progress) if rows else None
        if result.ok and not dry_run and plan is not None:
            # The outcome is written with the changes: a run says "applied" only if they are.
            with transaction.atomic():
                _apply(actor, organisation, plan, result, progress)
                result.applied = True
                result.run = record()
        else:
            result.run = record()
    except BaseException as exc:
        result.applied = False
        result.failure = stopped_reason(exc, dry_run=dry_run)
        try:
            if not connection.in_atomic_block:
                connection.close_if_unusable_or_obsolete()  # a lost connection: start afresh
            result.run = record()
        except Exception:
            logger.warning("Could not record the failure of an import into %s", organisation, exc_info=True)
        raise
    finally:
        if own_progress is not None:
            own_progress.close()
    return result


def stopped_reason(exc: BaseException, *, dry_run: bool) -> str:
    """Why an import stopped before it finished, for the person who started it."""
    again = "Upload the file again." if dry_run else "Apply the checked file again."
    if isinstance(exc, KeyboardInterrupt | SystemExit):
        return f"The import was stopped before it finished (the background worker was shut down). Nothing has been changed. {again}"
    return (
        f"The import stopped before it finished because of a problem on our side ({type(exc).__name__}). "
        f"Nothing has been changed. {again} If it happens again, tell your administrator: the "
        "details are in the background worker's log."
    )


def import_run_fail(run: ImportRun, reason: str) -> bool:
    """End a pending run as failed with `reason`; False if it had already ended."""
    return bool(
        ImportRun.objects.filter(pk=run.pk, outcome=ImportRun.Outcome.PENDING).update(
            outcome=ImportRun.Outcome.FAILED, failure_reason=reason, finished_at=timezone.now(), phase=""
        )
    )


def _record_run(
    run: ImportRun | None,
    result: ImportResult,
    *,
    organisation: Organisation,
    actor,
    file_name: str,
    dry_run: bool,
    started,
    stored_file: str,
) -> ImportRun:
    if result.failure:
        outcome = ImportRun.Outcome.FAILED
    elif not result.ok:
        outcome = ImportRun.Outcome.REJECTED
    else:
        outcome = ImportRun.Outcome.VALID if dry_run else ImportRun.Outcome.APPLIED
    fields = {
        "organisation": organisation,
        "started_by": actor if getattr(actor, "pk", None) else None,
        "file_name": file_name[:255],
        "stored_file": stored_file,
        "dry_run": dry_run,
        "outcome": outcome,
        "failure_reason": result.failure,
        "started_at": started,
        "finished_at": timezone.now(),
        "rows": result.rows,
        "summary": result.summary(),
        "errors": [e.as_dict() for e in result.errors[:MAX_STORED_ERRORS]],
        "error_count": len(result.errors),
        "new_units": result.new_units,
        "phase": "",
    }
    if run is None:
        return ImportRun.objects.create(**fields)
    for name, value in fields.items():
        setattr(run, name, value)
    run.save()
    return run
