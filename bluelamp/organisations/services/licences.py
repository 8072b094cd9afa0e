"""Writing the licence register: licences, their key contacts, and marking those past their end
expired."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.core.validation import date_errors, text_errors
from bluelamp.organisations.models import Licence, LicenceContact, Organisation
from bluelamp.organisations.roles import Perm
from bluelamp.organisations.services._common import check_actor, refuse, snapshot

_LICENCE_FIELDS = ["type", "reference", "starts_on", "ends_on", "status", "notes", "shares_names_nationally"]
# Licences began with the platform and are granted for years, not centuries; a licence without an
# end is given no end date, not a far-off one. The range refuses mistyped years (0336 for 2036).
LICENCE_EARLIEST = dt.date(1900, 1, 1)
LICENCE_LATEST = dt.date(2200, 12, 31)


def _check_may_manage_licences(actor) -> None:
    """The licence register is kept by platform administrators (licences.manage nationally), or
    by the system (`actor=None`: the demo, tests' factories)."""
    check_actor(
        actor,
        Perm.LICENCES_MANAGE,
        lambda access: access.national,
        "Only platform administrators can add or change licences.",
    )


def licence_create(
    *,
    actor,
    organisation: Organisation,
    type: str,
    reference: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    status: str = Licence.Status.ACTIVE,
    notes: str = "",
    shares_names_nationally: bool = False,
) -> Licence:
    """A licence in the register (platform administrators, or the system: `actor=None`).
    `shares_names_nationally`: while it is in force, the national body may see the organisation's
    people by name in mandatory-training reports (it sees their figures regardless)."""
    _check_may_manage_licences(actor)
    licence = Licence(
        organisation=organisation,
        type=type,
        reference=reference.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
        notes=notes,
        shares_names_nationally=shares_names_nationally,
    )
    _licence_validate(licence)
    with transaction.atomic():
        licence.save()
        audit_record(
            actor=actor,
            action="licence.create",
            organisation=organisation,
            obj=licence,
            after=snapshot(licence, _LICENCE_FIELDS),
        )
    return licence


def _licence_validate(licence: Licence) -> None:
    refuse(
        {
            **text_errors(reference=licence.reference, notes=licence.notes, multiline=("notes",)),
            **date_errors(
                starts_on=licence.starts_on,
                ends_on=licence.ends_on,
                earliest=LICENCE_EARLIEST,
                latest=LICENCE_LATEST,
            ),
        }
    )
    if licence.ends_on and licence.starts_on and licence.ends_on < licence.starts_on:
        raise ValidationError({"ends_on": "The end date must be the same as or after the start date."})
    if licence.organisation.is_national_body:
        raise ValidationError({"organisation": "The national body does not need a licence."})
    licence.full_clean()


def licence_update(*, actor, licence: Licence, **changes) -> Licence:
    """Change a licence, e.g. suspend or renew it (platform administrators, or the system)."""
    unknown = set(changes) - set(_LICENCE_FIELDS)
    if unknown:
        raise ValueError(f"cannot change {', '.join(sorted(unknown))}")
    _check_may_manage_licences(actor)
    before = snapshot(licence, _LICENCE_FIELDS)
    for key, value in changes.items():
        setattr(licence, key, value)
    _licence_validate(licence)
    with transaction.atomic():
        licence.save()
        audit_record(
            actor=actor,
            action="licence.update",
            organisation=licence.organisation,
            obj=licence,
            before=before,
            after=snapshot(licence, _LICENCE_FIELDS),
        )
    return licence


def licence_contact_add(
    *, actor, licence: Licence, name: str, email: str, role: str = "", person=None
) -> LicenceContact:
    """A key contact of the licence, reminded before it ends (platform administrators, or the
    system)."""
    _check_may_manage_licences(actor)
    contact = LicenceContact(
        licence=licence, name=name.strip(), email=email.strip().lower(), role=role.strip(), person=person
    )
    refuse(text_errors(name=contact.name, role=contact.role))
    contact.full_clean()
    with transaction.atomic():
        contact.save()
        audit_record(
            actor=actor,
            action="licence.contact_add",
            organisation=licence.organisation,
            obj=licence,
            after={"contact": str(contact), "role": contact.role},
        )
    return contact


def licence_contact_remove(*, actor, contact: LicenceContact) -> None:
    """(Platform administrators, or the system.)"""
    _check_may_manage_licences(actor)
    licence = contact.licence
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="licence.contact_remove",
            organisation=licence.organisation,
            obj=licence,
            before={"contact": str(contact), "role": contact.role},
        )
        contact.delete()


def licences_mark_expired(*, on: dt.date | None = None) -> int:
    """Set status=expired on active licences whose end date has passed (daily task).

    Access never depends on this having run: licensing checks dates too.
    """
    day = on or timezone.localdate()
    expired = 0
    for licence in Licence.objects.filter(status=Licence.Status.ACTIVE, ends_on__lt=day).select_related(
        "organisation"
    ):
        with transaction.atomic():
            licence.status = Licence.Status.EXPIRED
            licence.save(update_fields=["status", "updated_at"])
            audit_record(
                actor=None,
                action="licence.expire",
                organisation=licence.organisation,
                obj=licence,
                before={"status": "active"},
                after={"status": "expired"},
            )
        expired += 1
    return expired
