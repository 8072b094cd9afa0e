"""Writing organisations: adding one, and changing its details and branding."""

from django.db import transaction

from bluelamp.audit.api import audit_record
from bluelamp.core.validation import text_errors
from bluelamp.organisations.models import Organisation
from bluelamp.organisations.roles import Perm
from bluelamp.organisations.services._common import check_actor, refuse, snapshot

_ORG_FIELDS = ["slug", "name", "kind", "host_name", "brand_colour"]


def organisation_create(
    *, actor, slug: str, name: str, kind: str, host_name: str | None = None, brand_colour: str = "#1d4f91"
) -> Organisation:
    """A new organisation, added by a platform administrator (organisations.manage nationally) or
    by the system (`actor=None`: the demo, tests' factories)."""
    check_actor(
        actor,
        Perm.ORGANISATIONS_MANAGE,
        lambda access: access.national,
        "Only platform administrators can add organisations.",
    )
    organisation = Organisation(
        slug=slug, name=name, kind=kind, host_name=host_name or None, brand_colour=brand_colour
    )
    refuse(text_errors(name=name))
    organisation.full_clean()
    with transaction.atomic():
        organisation.save()
        audit_record(
            actor=actor,
            action="organisation.create",
            organisation=organisation,
            obj=organisation,
            after=snapshot(organisation, _ORG_FIELDS),
        )
    return organisation


def organisation_update(
    *, actor, organisation: Organisation, logo=None, clear_logo: bool = False, **changes
) -> Organisation:
    """Change the organisation's details and branding: its administrators (organisation.edit over
    the whole organisation) may; its kind only platform administrators may change. The system
    (`actor=None`: tests' factories) may too."""
    allowed = {"name", "kind", "host_name", "brand_colour"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"cannot change {', '.join(sorted(unknown))}")
    check_actor(
        actor,
        Perm.ORGANISATION_EDIT,
        lambda access: access.covers_organisation(organisation.pk),
        "You cannot change this organisation.",
    )
    if "kind" in changes and changes["kind"] != organisation.kind:
        check_actor(
            actor,
            Perm.ORGANISATIONS_MANAGE,
            lambda access: access.national,
            "Only platform administrators can change the kind of an organisation.",
        )
    before = snapshot(organisation, _ORG_FIELDS)
    for key, value in changes.items():
        setattr(organisation, key, (value or None) if key == "host_name" else value)
    if clear_logo:
        organisation.logo = ""
    if logo is not None:
        organisation.logo = logo
    refuse(text_errors(name=organisation.name))
    organisation.full_clean()
    with transaction.atomic():
        organisation.save()
        after = snapshot(organisation, _ORG_FIELDS)
        if logo is not None or clear_logo:
            after["logo"] = organisation.logo.name if organisation.logo else ""
        audit_record(
            actor=actor,
            action="organisation.update",
            organisation=organisation,
            obj=organisation,
            before=before,
            after=after,
        )
    return organisation
