from django.core.management.base import BaseCommand

from bluelamp.core.plugins import jobs


class Command(BaseCommand):
    help = "Enqueue the every-minute background tasks (the health sample behind the status page and the availability report). Run from cron every minute."

    def handle(self, *args, **options):
        # Each domain registers its own (bluelamp/<domain>/plugins.py).
        for minutely in jobs("minutely"):
            result = minutely.enqueue()
            self.stdout.write(f"enqueued {minutely.name} ({result.id})")
