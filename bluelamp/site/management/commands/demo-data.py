from django.core.management.base import BaseCommand

from bluelamp.site.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo dataset (national body, 43 forces with licences, units, people). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--people-per-force", type=int, default=70)

    def handle(self, *args, people_per_force, **options):
        sign_ins = load_demo(people_per_force=people_per_force, log=self.stdout.write)
        self.stdout.write("")
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        for s in sign_ins:
            self.stdout.write(f"  {s.email:32} {s.description}")
        self.stdout.write(
            "Administrators use two-factor sign-in; `bluelamp demo-totp` prints the current code."
        )
