"""bluelamp load-requirements FILE --org SLUG

Loads mandatory-training requirements from a JSON or YAML file (bluelamp/compliance/loading.py
describes the format; `--help` shows an example), creating or updating each by its code. Prints
"created CODE", "updated CODE" or "unchanged CODE" for each. Exit 0 when loaded; exit 1 with an
error line per problem on stderr (the item's number and code, the field, what is accepted) when
the file is wrong, having written nothing.
"""

from argparse import RawDescriptionHelpFormatter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bluelamp.compliance.loading import FORMAT, LoadRefused, load_requirements
from bluelamp.organisations.api import Organisation

# A requirements file is a few kilobytes per requirement; anything far larger is the wrong file.
MAX_BYTES = 5 * 1024 * 1024


class Command(BaseCommand):
    help = "Load mandatory-training requirements from a JSON or YAML file (create or update by code)."

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        parser.epilog = "The file, in YAML (JSON of the same shape is read too):\n\n" + FORMAT
        return parser

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON (.json) or YAML (.yaml, .yml) file")
        parser.add_argument(
            "--org", required=True, help="organisation slug, e.g. kent; national for the national body's"
        )

    def handle(self, *args, file, org, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"No organisation with slug “{org}”. See `bluelamp list-organisations`.")
        try:
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(
                    f"{path.name} is {path.stat().st_size:,} bytes: a requirements file may be at most "
                    f"{MAX_BYTES:,}."
                )
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"The file cannot be read: {exc}.") from None
        try:
            loaded = load_requirements(owner=organisation, data=data, file_name=path.name)
        except LoadRefused as refused:
            for problem in refused.problems:
                self.stderr.write(f"  {problem}")
            self.stderr.write(f"{path.name}: {len(refused.problems)} error(s); nothing was written.")
            raise SystemExit(1) from None
        for each in loaded:
            self.stdout.write(f"{each.action} {each.requirement.code}")
