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

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from bluelamp.organisations.api import Organisation, Perm, access_for
from bluelamp.people.importing._parse import _decode, _parse
from bluelamp.people.importing._plan import _plan
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
    "run_import",
]


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
    """
    if check_access and not access_for(actor, Perm.PEOPLE_IMPORT).covers_organisation(organisation.pk):
        raise PermissionDenied("You cannot import people into that organisation.")
    started = run.started_at if run is not None else timezone.now()
    if progress is None and run is not None:
        progress = _run_progress(run)
    progress = progress or (lambda phase, done, total: None)
    result = ImportResult()
    try:
        text = _decode(data)
    except ValidationError as exc:
        result.errors.append(RowError(1, "", "", exc.messages[0]))
        text = ""
    rows = _parse(text, result) if text else []
    result.rows = len(rows)
    progress("Checking", 0, len(rows))
    plan = _plan(organisation, rows, result, progress) if rows else None
    if result.ok and not dry_run and plan is not None:
        _apply(actor, organisation, plan, result, progress)
        result.applied = True
    outcome = (
        ImportRun.Outcome.REJECTED
        if not result.ok
        else ImportRun.Outcome.VALID
        if dry_run
        else ImportRun.Outcome.APPLIED
    )
    fields = {
        "organisation": organisation,
        "started_by": actor if getattr(actor, "pk", None) else None,
        "file_name": file_name[:255],
        "stored_file": stored_file,
        "dry_run": dry_run,
        "outcome": outcome,
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
        run = ImportRun.objects.create(**fields)
    else:
        for name, value in fields.items():
            setattr(run, name, value)
        run.save()
    result.run = run
    return result


def _run_progress(run: ImportRun) -> Progress:
    """Record progress on the run at most every 2 % (each update is one small UPDATE)."""
    last = {"phase": None, "done": -1}

    def progress(phase: str, done: int, total: int) -> None:
        step = max(total // 50, 1)
        if phase == last["phase"] and done - last["done"] < step and done != total:
            return
        last.update(phase=phase, done=done)
        ImportRun.objects.filter(pk=run.pk).update(phase=phase, progress_done=done, progress_total=total)

    return progress
