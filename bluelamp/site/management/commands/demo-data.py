from django.core import mail
from django.core.management.base import BaseCommand
from django.db.models import Max
from django.test.utils import override_settings

from bluelamp.notifications.api import OutgoingEmail
from bluelamp.site.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo dataset (national body, 43 forces with licences, units, people). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--people-per-force", type=int, default=70)

    def handle(self, *args, people_per_force, **options):
        # The demo's history (acknowledgements, incident notices...) is not sent anywhere. Its
        # e-mails are queued like any others; the ones queued during the load are then deleted,
        # not marked sent (they never were), so the demo's task worker and the frequent job find
        # nothing to deliver (a delivery task already enqueued for one finds it gone). Where
        # tasks run at once (the test settings), anything delivered during the load goes to
        # memory, not to the console.
        before = OutgoingEmail.objects.aggregate(last=Max("pk"))["last"] or 0
        outbox = getattr(mail, "outbox", None)  # the test runner's, if any
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            mail.outbox = []
            try:
                sign_ins = load_demo(people_per_force=people_per_force, log=self.stdout.write)
            finally:
                held, _ = OutgoingEmail.objects.filter(pk__gt=before).delete()
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
