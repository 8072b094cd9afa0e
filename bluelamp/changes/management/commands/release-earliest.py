"""bluelamp release-earliest --type minor|significant|major|infrastructure --notice-on YYYY-MM-DD

Prints one line, the first day a release of that type may go live when its notice is sent on
that day:

    earliest: 2027-01-11

computed by the same code the release pages use (bluelamp/changes/notice.py): England & Wales
working days, bank holidays and the extra closures recorded in the database included; the notice
day itself never counts; infrastructure (and training-programme) changes get 3 calendar months,
moved to the next working day. Bad input exits non-zero with a message saying what is accepted.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from bluelamp.changes.notice import ReleaseType, earliest_release_day
from bluelamp.workingtime.api import FIRST_YEAR, LAST_YEAR

# The command line's names (hyphens), each a kind of release.
_TYPES = {value.replace("_", "-"): value for value in ReleaseType.values}


def _day(value: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(
            f"--notice-on {value!r} is not a date. Give the day the notice is sent as YYYY-MM-DD, "
            "e.g. 2027-01-04."
        ) from None
    # The latest rule reaches 3 months on: stay inside the years the calendar covers.
    if not FIRST_YEAR <= day.year < LAST_YEAR:
        raise CommandError(f"--notice-on {value!r} is outside the years {FIRST_YEAR}–{LAST_YEAR - 1}.")
    return day


class Command(BaseCommand):
    help = "Print the earliest day a release of this type may go live, its notice sent on that day."

    def add_arguments(self, parser):
        parser.add_argument(
            "--type",
            required=True,
            type=str.lower,
            choices=list(_TYPES),
            help="minor (5 working days), significant (15), major (30), infrastructure or "
            "training-programme (3 months)",
        )
        parser.add_argument("--notice-on", required=True, help="the day the notice is sent, YYYY-MM-DD")

    def handle(self, *args, type, notice_on, **options):
        earliest = earliest_release_day(_TYPES[type], _day(notice_on))
        self.stdout.write(f"earliest: {earliest.isoformat()}")
