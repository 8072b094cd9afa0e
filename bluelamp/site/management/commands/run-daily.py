from django.core.management.base import BaseCommand

from bluelamp.core.plugins import jobs


class Command(BaseCommand):
    help = "Enqueue the daily background tasks (licence reminders, expiry, stale upload clean-up, closing resolved tickets). Run from cron once a day."

    def handle(self, *args, **options):
        # Each domain registers its own (bluelamp/<domain>/plugins.py).
        for daily in jobs("daily"):
            result = daily.enqueue()
            self.stdout.write(f"enqueued {daily.name} ({result.id})")
