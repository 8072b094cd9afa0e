"""Make the first platform administrator (or another one) from the command line."""

import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from bluelamp.organisations.api import Organisation, role_grant
from bluelamp.people.models import Person
from bluelamp.people.services import person_create


class Command(BaseCommand):
    help = "Create a person in the national body and make them platform administrator."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--first-name", required=True)
        parser.add_argument("--last-name", required=True)
        parser.add_argument("--national-slug", default="national", help="slug of the national body")

    def handle(self, *args, email, first_name, last_name, national_slug, **options):
        national = Organisation.objects.filter(
            slug=national_slug, kind=Organisation.Kind.NATIONAL_BODY
        ).first()
        if national is None:
            raise CommandError(
                f"No national body with slug “{national_slug}”. Create it first, e.g. with `bluelamp demo-data` "
                "or in Django admin."
            )
        password = getpass.getpass("Password (12 characters or more): ")
        from django.contrib.auth.password_validation import validate_password

        try:
            with transaction.atomic():
                person = Person.objects.filter(email__iexact=email).first() or person_create(
                    actor=None,
                    organisation=national,
                    email=email,
                    first_name=first_name,
                    last_name=last_name,
                    check_access=False,
                )
                validate_password(password, person)
                person.set_password(password)
                person.save(update_fields=["password"])
                role_grant(
                    actor=None,
                    person=person,
                    role="platform_admin",
                    as_operator=True,
                    reason="Created from the command line",
                )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(
            f"{person.email} is now a platform administrator. They must set up two-factor sign-in."
        )
