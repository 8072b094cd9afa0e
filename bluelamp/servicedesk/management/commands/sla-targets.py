"""bluelamp sla-targets --priority P1|P2|P3|P4 --logged-at ISO8601

Prints exactly two lines, as aware Europe/London times:

    response: 2026-12-29T09:00:00+00:00
    resolution: 2027-01-04T08:00:00+00:00      (or "resolution: none" for P4, planned work)

computed by the service desk's own working-time module, extra closures from the database
included. A --logged-at without an offset is Europe/London wall time. Bad input exits non-zero
with a message saying what is accepted.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from bluelamp.servicedesk.sla import Priority, sla_targets
from bluelamp.workingtime.api import FIRST_YEAR, LAST_YEAR, LONDON

_ACCEPTED = (
    "an ISO 8601 date and time such as 2026-12-24T16:30, 2026-12-24T16:30:00+00:00 or "
    "2026-12-24T16:30:00Z (without an offset it is Europe/London time)"
)


def _logged_at(value: str) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(f"--logged-at {value!r} is not a date and time. Give {_ACCEPTED}.") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=LONDON)
    if not FIRST_YEAR <= when.year <= LAST_YEAR:
        raise CommandError(f"--logged-at {value!r} is outside the years {FIRST_YEAR}–{LAST_YEAR}.")
    return when


class Command(BaseCommand):
    help = "Print the response and resolution due times of a ticket of this priority logged then."

    def add_arguments(self, parser):
        parser.add_argument(
            "--priority",
            required=True,
            type=str.upper,
            choices=Priority.values,
            help="P1, P2, P3 or P4",
        )
        parser.add_argument("--logged-at", required=True, help=_ACCEPTED)

    def handle(self, *args, priority, logged_at, **options):
        targets = sla_targets(priority, _logged_at(logged_at))
        resolution = targets.resolution_due
        self.stdout.write(f"response: {targets.response_due.astimezone(LONDON).isoformat()}")
        self.stdout.write(
            f"resolution: {resolution.astimezone(LONDON).isoformat() if resolution else 'none'}"
        )
