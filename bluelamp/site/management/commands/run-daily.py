from django.core.management.base import BaseCommand

from bluelamp.learning.api import DAILY_TASKS as LEARNING_TASKS
from bluelamp.organisations.api import DAILY_TASKS as ORGANISATION_TASKS
from bluelamp.people.api import discard_stale_import_files
from bluelamp.servicedesk.api import DAILY_TASKS as SERVICE_DESK_TASKS

DAILY = [*ORGANISATION_TASKS, discard_stale_import_files, *LEARNING_TASKS, *SERVICE_DESK_TASKS]


class Command(BaseCommand):
    help = "Enqueue the daily background tasks (licence reminders, expiry, stale upload clean-up, closing resolved tickets). Run from cron once a day."

    def handle(self, *args, **options):
        for daily in DAILY:
            result = daily.enqueue()
            self.stdout.write(f"enqueued {daily.name} ({result.id})")
