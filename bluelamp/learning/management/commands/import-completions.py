"""bluelamp import-completions FILE --org SLUG [--apply]

Checks a CSV of historical completions (learner records from before Bluelamp) and, with --apply,
writes them all in one transaction. Without --apply nothing changes: the report says what would
be added and which rows are skipped as duplicates. Exit 0 when the file is valid (and applied,
with --apply); exit 1 with the per-row report on stderr when it is not, or with the reason when
the file cannot be read or the import cannot finish (no traceback unless --traceback), having
written nothing.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bluelamp.core.csvfiles import UnreadableFile, check_size
from bluelamp.learning.records import MAX_HISTORY_BYTES, HistoryImportError, import_history
from bluelamp.organisations.api import Organisation


class Command(BaseCommand):
    help = "Import historical course completions into people's learner records from a CSV file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file with a header row")
        parser.add_argument("--org", required=True, help="organisation slug, e.g. kent")
        parser.add_argument(
            "--apply", action="store_true", help="write the completions (default: check only)"
        )

    def handle(self, *args, file, org, apply, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"No organisation with slug “{org}”. See `bluelamp list-organisations`.")
        try:
            check_size(path.stat().st_size, limit=MAX_HISTORY_BYTES)
            data = path.read_bytes()
        except (UnreadableFile, OSError) as exc:
            self._fail(
                path, str(exc) if isinstance(exc, UnreadableFile) else f"The file cannot be read: {exc}."
            )
        try:
            result = import_history(
                actor=None,
                organisation=organisation,
                data=data,
                file_name=path.name,
                apply=apply,
                check_access=False,
            )
        except KeyboardInterrupt:
            self._fail(path, "The import was stopped before it finished.")
        except HistoryImportError as exc:
            if options.get("traceback"):
                raise
            cause = exc.__cause__
            self._fail(
                path,
                f"The import stopped before it finished ({type(cause).__name__}: {cause}). "
                "Run the command again with --traceback for the details.",
            )
        if result.failure:
            self._fail(path, result.failure)
        if not result.ok:
            self.stderr.write(f"{path.name}: {len(result.errors)} error(s); nothing was written.")
            for error in result.errors:
                self.stderr.write(f"  {error}")
            raise SystemExit(1)
        line = f"rows: {result.rows}, completions added: {result.created}, skipped as duplicates: {len(result.duplicates)}"
        if apply:
            self.stdout.write(f"Applied — {line}")
        else:
            self.stdout.write(
                f"Checked, nothing changed. Would apply — {line}. Run again with --apply to write them."
            )
        for duplicate in result.duplicates:
            self.stdout.write(f"  {duplicate}")

    def _fail(self, path: Path, reason: str):
        self.stderr.write(f"{path.name}: nothing was written. {reason}")
        raise SystemExit(1)
