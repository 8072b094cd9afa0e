"""bluelamp export-questions --org SLUG --bank NAME --format gift|moodle-xml [--skip-unwritable]

Writes the organisation's question bank to stdout, every question (hidden ones too) with its
category, tags and ID number, as the system. Importing the output into a new bank gives the same
questions.

GIFT cannot hold ordering or select-missing-words questions: exporting a bank that has some to
GIFT fails (exit 1) naming them, unless --skip-unwritable is given, when the others are written
and those left out are named on stderr. Moodle XML holds every type.
"""

from django.core.management.base import BaseCommand, CommandError

from bluelamp.assessment.banks.files import FORMATS, Unwritable, write_questions
from bluelamp.assessment.banks.models import Bank
from bluelamp.assessment.banks.services import questions_export
from bluelamp.organisations.api import Organisation


class Command(BaseCommand):
    help = "Write an organisation's question bank to stdout as GIFT or Moodle XML."

    def add_arguments(self, parser):
        parser.add_argument(
            "--org", required=True, help="organisation slug, e.g. kent; national for the national body"
        )
        parser.add_argument("--bank", required=True, help="the bank's name")
        parser.add_argument("--format", required=True, choices=FORMATS, help="the file format to write")
        parser.add_argument(
            "--skip-unwritable",
            action="store_true",
            help="GIFT only: leave out the questions GIFT cannot hold (ordering, select missing words), "
            "naming them on stderr, instead of failing",
        )

    def handle(self, *args, org, bank, format, skip_unwritable, **options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"No organisation with slug “{org}”. See `bluelamp list-organisations`.")
        found = Bank.objects.filter(owner=organisation, name__iexact=bank.strip()).first()
        if found is None:
            names = list(
                Bank.objects.filter(owner=organisation).order_by("name").values_list("name", flat=True)
            )
            known = f" Its banks: {', '.join(names)}." if names else " It has no question banks."
            raise CommandError(f"{organisation.name} has no question bank called “{bank}”.{known}")
        try:
            written = write_questions(questions_export(found), fmt=format, skip_unwritable=skip_unwritable)
        except Unwritable as unwritable:
            raise CommandError(f"{unwritable} (--skip-unwritable leaves them out.)") from None
        except ValueError as error:
            raise CommandError(str(error)) from None
        self._write(written.data)
        for question in written.left_out:
            self.stderr.write(f"Left out “{question.name}” ({question.type}): GIFT cannot hold it.")

    def _write(self, data: bytes) -> None:
        # The bytes as they are (UTF-8) where stdout is a real file, whatever the locale's encoding.
        out = getattr(self.stdout, "_out", self.stdout)
        buffer = getattr(out, "buffer", None)
        if buffer is not None:
            out.flush()
            buffer.write(data)
            buffer.flush()
        else:
            out.write(data.decode("utf-8"))
