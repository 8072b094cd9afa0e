"""bluelamp compliance-report --org SLUG [--as-of YYYY-MM-DD] [--requirement CODE]

Writes CSV to standard output: `staff_number,requirement,status,due_date,expires` (ISO dates,
empty when none), one row per active person of the organisation per requirement that applies to
them, as the completions on record have it on the day `--as-of` (default today, Europe/London):
a force may look ahead ("who will be overdue at the end of the month?") or back. Rows are written
as they are computed, a few thousand people at a time. An unknown organisation, requirement or a
date that is not one: a message on stderr and exit 1.
"""

import datetime as dt
import os
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bluelamp.compliance.models import Requirement
from bluelamp.compliance.report import HEADER, compliance_rows
from bluelamp.core.exports import csv_write
from bluelamp.organisations.api import Organisation


class Command(BaseCommand):
    help = "Write each active person's standing on each requirement that applies to them, as CSV."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="organisation slug, e.g. kent")
        parser.add_argument("--as-of", dest="as_of", help="the day to report on, YYYY-MM-DD (default: today)")
        parser.add_argument("--requirement", help="only this requirement (its code)")

    def handle(self, *args, org, as_of, requirement, **options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"No organisation with slug “{org}”. See `bluelamp list-organisations`.")
        on = self._day(as_of) if as_of else timezone.localdate()
        chosen = self._requirement(organisation, requirement) if requirement else None
        rows = (row.as_csv() for row in compliance_rows(organisation=organisation, on=on, requirement=chosen))
        try:
            csv_write(self.stdout, header=HEADER, rows=rows)
            self.stdout.flush()
        except BrokenPipeError:
            # The reader stopped early (`| head`): not a failure. Python would complain again
            # when it flushes standard output at exit, so point it at nothing first.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

    def _day(self, value: str) -> dt.date:
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise CommandError(
                f"--as-of “{value}” is not a date: give it as YYYY-MM-DD, e.g. 2026-03-31."
            ) from None

    def _requirement(self, organisation: Organisation, code: str) -> Requirement:
        """The organisation's own requirement of that code, or else the national body's."""
        owners = Requirement.objects.filter(code__iexact=code.strip())
        found = (
            owners.filter(owner=organisation).first()
            or owners.filter(owner__kind=Organisation.Kind.NATIONAL_BODY).first()
        )
        if found is None:
            codes = sorted(
                Requirement.objects.filter(owner=organisation).values_list("code", flat=True)
            ) + sorted(
                Requirement.objects.filter(owner__kind=Organisation.Kind.NATIONAL_BODY)
                .exclude(owner=organisation)
                .values_list("code", flat=True)
            )
            listed = f" Codes: {', '.join(codes[:30])}{' …' if len(codes) > 30 else ''}." if codes else ""
            raise CommandError(
                f"No requirement “{code}” of {organisation.name} or of the national body.{listed}"
            )
        return found
