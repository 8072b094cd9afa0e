"""bluelamp import-questions FILE --org SLUG --bank NAME [--format gift|moodle-xml]

Imports a GIFT or Moodle XML file into the organisation's question bank of that name (made if it
is missing), as the system. The format is guessed from the file's extension when not given
(.gift and .txt: GIFT; .xml: Moodle XML).

Exit 0 when every question was imported: stdout has one line per question type with its count
(`multichoice: 12`), in the order of formats/questions.py's QUESTION_TYPES, and a last line
`total: N` (the questions in the file); what was new and what was already in the bank goes to
stderr. Importing the same file again into the same bank makes no new questions.

Exit 1, having written nothing (not even the bank), when the file has problems: each on stderr
with the question's number, name and line and what is wrong, and each question of an unsupported
type listed. An unknown organisation, a file that cannot be read or is not UTF-8 text: a message
on stderr and exit 1.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from bluelamp.assessment.banks.files import (
    FORMATS,
    MAX_BYTES,
    FormatUnknown,
    format_of,
    read_questions,
    report_lines,
)
from bluelamp.assessment.banks.models import Bank
from bluelamp.assessment.banks.services import bank_create, questions_import
from bluelamp.assessment.formats.questions import QUESTION_TYPES
from bluelamp.organisations.api import Organisation


class Command(BaseCommand):
    help = (
        "Import a GIFT or Moodle XML file of questions into an organisation's question bank (made if "
        "missing). Nothing is written when the file has problems; importing it again adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the file: .gift or .txt (GIFT), .xml (Moodle XML)")
        parser.add_argument(
            "--org", required=True, help="organisation slug, e.g. kent; national for the national body"
        )
        parser.add_argument(
            "--bank", required=True, help="the bank's name (made if the organisation has none of that name)"
        )
        parser.add_argument(
            "--format", choices=FORMATS, default="", help="the file's format, when its extension does not say"
        )

    def handle(self, *args, file, org, bank, format, **options):
        path = Path(file)
        try:
            fmt = format_of(path.name, format)
        except FormatUnknown as unknown:
            raise CommandError(str(unknown)) from None
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"No organisation with slug “{org}”. See `bluelamp list-organisations`.")
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(
                    f"{path.name} is {path.stat().st_size:,} bytes: a question file may be at most {MAX_BYTES:,}."
                )
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path.name} cannot be read: {error.strerror or error}.") from None

        result = read_questions(data, fmt=fmt)
        if not result.ok:
            lines = report_lines(result)
            for line in lines:
                self.stderr.write(f"  {line}")
            problems, unsupported = len(result.problems), len(result.unsupported)
            parts = []
            if problems:
                parts.append(f"{problems} problem{'s' if problems != 1 else ''}")
            if unsupported:
                parts.append(f"{unsupported} question{'s' if unsupported != 1 else ''} of unsupported types")
            self.stderr.write(f"{path.name}: {' and '.join(parts)}; nothing was written.")
            raise SystemExit(1)

        name = bank.strip()
        try:
            with transaction.atomic():
                found = Bank.objects.filter(owner=organisation, name__iexact=name).first()
                target = found or bank_create(actor=None, owner=organisation, name=name)
                outcome = questions_import(actor=None, bank=target, result=result, source=path.name)
        except ValidationError as error:
            for message in error.messages:
                self.stderr.write(f"  {message}")
            self.stderr.write(f"{path.name}: nothing was written.")
            raise SystemExit(1) from None

        for qtype in QUESTION_TYPES:
            if outcome.by_type[qtype]:
                self.stdout.write(f"{qtype}: {outcome.by_type[qtype]}")
        self.stdout.write(f"total: {outcome.total}")
        self.stderr.write(
            f"{'Made the bank' if found is None else 'Into the bank'} “{target.name}” of {organisation.name}: "
            f"{outcome.created} new, {outcome.unchanged} already in the bank, {outcome.updated} updated "
            "(a new version of a question with the same ID number)."
        )
