from django.core.management.base import BaseCommand

from bluelamp.servicedesk.api import FREQUENT_TASKS as SERVICE_DESK_TASKS

FREQUENT = [*SERVICE_DESK_TASKS]


class Command(BaseCommand):
    help = "Enqueue the frequent background tasks (SLA warnings and breaches). Run from cron every 5 minutes."

    def handle(self, *args, **options):
        for frequent in FREQUENT:
            result = frequent.enqueue()
            self.stdout.write(f"enqueued {frequent.name} ({result.id})")
