"""Starting an HR import from the page: the check of an uploaded file, and the apply of a
checked one, each as a pending ImportRun that the `process_import` task takes up after commit.

Both check who acts (people.import over the organisation) and are atomic; the apply claims the
checked file, so of two clicks (or two tabs) only one starts an apply and the other is given it.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from bluelamp.organisations.api import Organisation, Perm, access_for
from bluelamp.people.models import ImportRun


def _require_importer(actor, organisation: Organisation) -> None:
    if actor is None or not access_for(actor, Perm.PEOPLE_IMPORT).covers_organisation(organisation.pk):
        raise PermissionDenied(f"You cannot import people into {organisation.name}.")


def _process(run: ImportRun) -> None:
    """Queue the run's task once the run is written. Outside the claim's transaction: the
    immediate backend (tests) runs the task at once, and the apply writes its progress through
    a second connection, which must see the run; with the database backend the task row is
    written in the caller's transaction, if any, and runs only after it commits."""
    from bluelamp.people.tasks import process_import

    process_import.enqueue(run.pk)


def import_check_start(*, actor, organisation: Organisation, upload, at=None) -> ImportRun:
    """Store an uploaded HR file and queue its check (a dry run)."""
    _require_importer(actor, organisation)
    stored = default_storage.save(f"people-imports/{uuid.uuid4().hex}.csv", ContentFile(upload.read()))
    try:
        run = ImportRun.objects.create(
            organisation=organisation,
            started_by=actor,
            file_name=upload.name[:255],
            stored_file=stored,
            dry_run=True,
            outcome=ImportRun.Outcome.PENDING,
            started_at=at or timezone.now(),
            phase="Waiting",
        )
    except BaseException:
        default_storage.delete(stored)  # nothing half-written
        raise
    _process(run)
    return run


def import_apply_start(*, actor, checked: ImportRun, at=None) -> ImportRun | None:
    """Queue the apply of a checked file without errors. Returns the apply's run — the one this
    call started, or the one an earlier click started — or None when the file cannot be applied
    (it had errors, or was never checked)."""
    _require_importer(actor, checked.organisation)
    run = None
    if checked.outcome == ImportRun.Outcome.VALID and checked.stored_file:
        with transaction.atomic():
            # Claim the checked file: of two clicks (or two tabs) only one finds it still there.
            # The other waits here until this commits, then follows the apply it started.
            claimed = (
                ImportRun.objects.filter(pk=checked.pk, stored_file=checked.stored_file.name)
                .exclude(stored_file="")
                .update(stored_file="")
            )
            if claimed:
                run = ImportRun.objects.create(
                    organisation=checked.organisation,
                    started_by=actor,
                    file_name=checked.file_name,
                    stored_file=checked.stored_file.name,
                    dry_run=False,
                    outcome=ImportRun.Outcome.PENDING,
                    started_at=at or timezone.now(),
                    checked_run=checked,
                    phase="Waiting",
                )
    if run is not None:
        _process(run)
        return run
    return ImportRun.objects.filter(checked_run=checked).order_by("-started_at").first()
