from django.core import mail
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from bluelamp.site.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo dataset (national body, 43 forces with licences, units, people). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--people-per-force", type=int, default=70)

    def handle(self, *args, people_per_force, **options):
        # The demo's history (acknowledgements, incident notices...) is not sent anywhere: the
        # e-mails it would send are kept in memory and counted, not printed or mailed.
        outbox = getattr(mail, "outbox", None)  # the test runner's, if any
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            mail.outbox = []
            try:
                sign_ins = load_demo(people_per_force=people_per_force, log=self.stdout.write)
                held = len(mail.outbox)
            finally:
                if outbox is None:
                    del mail.outbox
                else:
                    mail.outbox = outbox
        if held:
            self.stdout.write(f"({held} e-mails the demo history would have sent were not sent.)")
        self.stdout.write("")
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        for s in sign_ins:
            self.stdout.write(f"  {s.email:32} {s.description}")
        self.stdout.write(
            "Administrators use two-factor sign-in; `bluelamp demo-totp` prints the current code."
        )
