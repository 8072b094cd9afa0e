from django.core.management.base import BaseCommand

from bluelamp.core.plugins import jobs


class Command(BaseCommand):
    help = "Enqueue the frequent background tasks (SLA warnings and breaches). Run from cron every 5 minutes."

    def handle(self, *args, **options):
        # Each domain registers its own (bluelamp/<domain>/plugins.py).
        for frequent in jobs("frequent"):
            result = frequent.enqueue()
            self.stdout.write(f"enqueued {frequent.name} ({result.id})")
