"""bluelamp import-people FILE --org SLUG [--dry-run]

Exit 0 when applied (or, with --dry-run, when the file is valid); exit 1 with the per-row report
on stderr when it is not, having applied nothing.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

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
            tasks: dict[str, int] = {}

            def progress(phase: str, done: int, total: int) -> None:
                if phase not in tasks:
                    tasks[phase] = bar.add_task(phase, total=total)
                bar.update(tasks[phase], completed=done, total=total)

            result = run_import(
                actor=None,
                organisation=organisation,
                data=path.read_bytes(),
                file_name=path.name,
                dry_run=dry_run,
                progress=progress,
                check_access=False,
            )
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
