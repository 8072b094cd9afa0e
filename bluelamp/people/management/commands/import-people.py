"""bluelamp import-people FILE --org SLUG [--dry-run]

Exit 0 when applied (or, with --dry-run, when the file is valid); exit 1 with the per-row report
on stderr when it is not, or with the reason when the file cannot be read or the import cannot
finish (no traceback unless --traceback), having applied nothing.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from bluelamp.core.csvfiles import UnreadableFile, check_size
from bluelamp.organisations.api import Organisation
from bluelamp.people.importing import run_import


class Command(BaseCommand):
    help = "Import people from an HR CSV file into an organisation (upsert by staff number)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file with a header row")
        parser.add_argument("--org", required=True, help="organisation slug, e.g. kent")
        parser.add_argument("--dry-run", action="store_true", help="check and report; change nothing")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, file, org, dry_run, no_progress, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"No organisation with slug “{org}”. See `bluelamp list-organisations`.")
        try:
            check_size(path.stat().st_size, limit=settings.PEOPLE_IMPORT_MAX_BYTES)
            data = path.read_bytes()
        except (UnreadableFile, OSError) as exc:
            self._fail(
                path, str(exc) if isinstance(exc, UnreadableFile) else f"The file cannot be read: {exc}."
            )
        try:
            result = self._import(path, data, organisation, dry_run, no_progress)
        except KeyboardInterrupt:
            self._fail(path, "The import was stopped before it finished.")
        except Exception as exc:
            if options.get("traceback"):
                raise
            self._fail(
                path,
                f"The import stopped before it finished ({type(exc).__name__}: {exc}). "
                "Run the command again with --traceback for the details.",
            )
        if result.failure:
            self._fail(path, result.failure)
        summary = result.summary()
        line = ", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in summary.items())
        if not result.ok:
            self.stderr.write(f"{path.name}: {len(result.errors)} error(s); nothing was applied.")
            for error in result.errors:
                self.stderr.write(f"  {error}")
            raise SystemExit(1)
        if dry_run:
            self.stdout.write(f"Dry run, nothing changed. Would apply — {line}")
            for unit in result.new_units:
                self.stdout.write(f"  new unit: {unit}")
        else:
            self.stdout.write(f"Applied — {line}")

    def _fail(self, path: Path, reason: str):
        self.stderr.write(f"{path.name}: nothing was applied. {reason}")
        raise SystemExit(1)

    def _import(self, path: Path, data: bytes, organisation, dry_run: bool, no_progress: bool):
        err = Console(stderr=True)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            disable=no_progress or not err.is_terminal,
            transient=True,
        ) as bar:
            tasks: dict[str, TaskID] = {}

            def progress(phase: str, done: int, total: int) -> None:
                if phase not in tasks:
                    tasks[phase] = bar.add_task(phase, total=total)
                bar.update(tasks[phase], completed=done, total=total)

            return run_import(
                actor=None,
                organisation=organisation,
                data=data,
                file_name=path.name,
                dry_run=dry_run,
                progress=progress,
                check_access=False,
            )
