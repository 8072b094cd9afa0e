from django.core.management.base import BaseCommand

from bluelamp.organisations.licensing import licence_status
from bluelamp.organisations.models import LicenceType, Organisation


class Command(BaseCommand):
    help = "List organisations with their slugs and whether each licence type is in force."

    def handle(self, *args, **options):
        for org in Organisation.objects.order_by("kind", "name"):
            cover = []
            for licence_type in LicenceType.values:
                status = licence_status(organisation=org, type=licence_type)
                until = "no end date" if status.open_ended else status.valid_until
                cover.append(f"{licence_type}: {'until ' + str(until) if status.licensed else 'none'}")
            self.stdout.write(f"{org.slug:24} {org.name:40} {'; '.join(cover)}")
