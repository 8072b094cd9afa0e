"""What a licence grants, decided in one place.

- PL-P-101 Digital Services: the organisation has its own domain (people, content, admins).
  Without one in force, the organisation's roles confer nothing and its people see a
  "licence not in force" page; nothing is deleted.
- PL-P-200 Digital Content Access: the organisation's people may take national content.
The national body publishes content and runs the service, so it needs neither.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from bluelamp.organisations.models import Licence, LicenceType, Organisation


def today() -> dt.date:
    return timezone.localdate()


def in_force_q(day: dt.date) -> Q:
    return (
        Q(status=Licence.Status.ACTIVE)
        & Q(starts_on__lte=day)
        & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))
    )


@dataclass(frozen=True)
class LicenceStatus:
    organisation: Organisation
    type: str
    licensed: bool
    # The last day of unbroken cover (following back-to-back renewals); None when not licensed
    # or when the cover has no end date (see open_ended).
    valid_until: dt.date | None
    open_ended: bool


def licence_status(*, organisation: Organisation, type: str, on: dt.date | None = None) -> LicenceStatus:
    day = on or today()
    licences = list(
        Licence.objects.filter(organisation=organisation, type=type, status=Licence.Status.ACTIVE).order_by(
            "starts_on"
        )
    )
    current = [lic for lic in licences if lic.in_force_on(day)]
    if not current:
        return LicenceStatus(organisation, type, False, None, False)
    if any(lic.ends_on is None for lic in current):
        return LicenceStatus(organisation, type, True, None, True)
    until = max(lic.ends_on for lic in current if lic.ends_on is not None)
    # Follow renewals that start no later than the day after cover ends.
    extended = True
    while extended:
        extended = False
        for lic in licences:
            if lic.starts_on <= until + dt.timedelta(days=1) and (lic.ends_on is None or lic.ends_on > until):
                if lic.ends_on is None:
                    return LicenceStatus(organisation, type, True, None, True)
                until = lic.ends_on
                extended = True
    return LicenceStatus(organisation, type, True, until, False)


def organisation_has_licence(organisation: Organisation, type: str, on: dt.date | None = None) -> bool:
    if organisation.is_national_body:
        return True
    return organisation.pk in licensed_organisation_ids(type, on)


def licensed_organisation_ids(type: str, on: dt.date | None = None) -> set[int]:
    """Organisations for which `type` is in force, the national body included (today's answer
    comes from the shared cache: organisations/cache.py)."""
    from bluelamp.organisations import cache

    return cache.licensed_organisation_ids(type, on or today())


def has_own_domain(organisation: Organisation, on: dt.date | None = None) -> bool:
    return organisation_has_licence(organisation, LicenceType.DIGITAL_SERVICES, on)


def has_national_content(organisation: Organisation, on: dt.date | None = None) -> bool:
    return organisation_has_licence(organisation, LicenceType.DIGITAL_CONTENT_ACCESS, on)


def key_contact_emails(on: dt.date | None = None) -> list[str]:
    """The addresses of the key contacts of every licence in force on `on` (the licensees: they
    receive release notes, service notices and expiry reminders), once each, sorted."""
    from bluelamp.organisations.models import LicenceContact

    day = on or today()
    org_ids: set[int] = set()
    for licence_type in LicenceType.values:
        org_ids |= licensed_organisation_ids(licence_type, on=day)
    contacts = LicenceContact.objects.filter(licence__organisation_id__in=org_ids).select_related("licence")
    return sorted({c.email.lower() for c in contacts if c.licence.in_force_on(day)})
