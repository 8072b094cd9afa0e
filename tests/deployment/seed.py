"""The one person the scale-out test signs in as, made through Bluelamp's own services in the
deployment's database (run by `python -m tests.deployment.run seed`, not by pytest)."""

import datetime as dt


def seed(*, email: str, password: str) -> None:
    from allauth.account.models import EmailAddress

    from bluelamp.organisations.api import licence_create, organisation_create
    from bluelamp.people.api import person_create

    organisation = organisation_create(actor=None, slug="kent", name="Kent Police", kind="home_office_force")
    for n, licence_type in enumerate(("PL-P-101", "PL-P-200")):
        licence_create(
            actor=None,
            organisation=organisation,
            type=licence_type,
            reference=f"KENT-{n}",
            starts_on=dt.date(2020, 1, 1),
            ends_on=dt.date(2099, 12, 31),
        )
    person = person_create(
        actor=None,
        organisation=organisation,
        email=email,
        first_name="Scale",
        last_name="Out",
        staff_number="K1",
        check_access=False,
    )
    person.set_password(password)
    person.save(update_fields=["password"])
    # As after a password reset by e-mail: the person has shown they own the address.
    EmailAddress.objects.update_or_create(
        user=person, email=email, defaults={"verified": True, "primary": True}
    )
