from django.core.management.base import BaseCommand

from bluelamp.organisations.api import DAILY_TASKS as ORGANISATION_TASKS
from bluelamp.people.api import discard_stale_import_files

DAILY = [*ORGANISATION_TASKS, discard_stale_import_files]


class Command(BaseCommand):
    help = "Enqueue the daily background tasks (licence reminders, expiry). Run from cron once a day."

    def handle(self, *args, **options):
        for daily in DAILY:
            result = daily.enqueue()
            self.stdout.write(f"enqueued {daily.name} ({result.id})")
