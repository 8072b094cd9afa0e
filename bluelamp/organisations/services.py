"""Writes for organisations, units, licences and role assignments.

Each service validates fully before writing, runs in one transaction and records what it did in
the audit log in the same transaction; e-mails and tasks are sent on commit.
"""

import datetime as dt
import re
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from bluelamp.audit.api import audit_record, audit_record_many
from bluelamp.core.validation import date_errors, text_errors
from bluelamp.organisations.models import (
    Licence,
    LicenceContact,
    Organisation,
    RoleAssignment,
    SingleSignOn,
    Unit,
)
from bluelamp.organisations.permissions import access_for, forget_cached_access
from bluelamp.organisations.roles import DEFINITIONS, Perm, Role, Scope

# --- organisations ---------------------------------------------------------------------------

_ORG_FIELDS = ["slug", "name", "kind", "host_name", "brand_colour"]


def _snapshot(obj, fields) -> dict:
    return {f: getattr(obj, f) for f in fields}


def _refuse(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def organisation_create(
    *, actor, slug: str, name: str, kind: str, host_name: str | None = None, brand_colour: str = "#1d4f91"
) -> Organisation:
    organisation = Organisation(
        slug=slug, name=name, kind=kind, host_name=host_name or None, brand_colour=brand_colour
    )
    _refuse(text_errors(name=name))
    organisation.full_clean()
    with transaction.atomic():
        organisation.save()
        audit_record(
            actor=actor,
            action="organisation.create",
            organisation=organisation,
            obj=organisation,
            after=_snapshot(organisation, _ORG_FIELDS),
        )
    return organisation


def organisation_update(
    *, actor, organisation: Organisation, logo=None, clear_logo: bool = False, **changes
) -> Organisation:
    allowed = {"name", "kind", "host_name", "brand_colour"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"cannot change {', '.join(sorted(unknown))}")
    before = _snapshot(organisation, _ORG_FIELDS)
    for key, value in changes.items():
        setattr(organisation, key, (value or None) if key == "host_name" else value)
    if clear_logo:
        organisation.logo = ""
    if logo is not None:
        organisation.logo = logo
    _refuse(text_errors(name=organisation.name))
    organisation.full_clean()
    with transaction.atomic():
        organisation.save()
        after = _snapshot(organisation, _ORG_FIELDS)
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


# --- units -----------------------------------------------------------------------------------


def _unit_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Enter the unit's name."})
    if "/" in name:
        raise ValidationError({"name": "A unit name cannot contain “/” (it separates levels in a path)."})
    if len(name) > 200:
        raise ValidationError({"name": "A unit name must be 200 characters or fewer."})
    return name


def unit_create(
    *,
    actor,
    organisation: Organisation,
    name: str,
    parent: Unit | None = None,
    code: str = "",
    audit: bool = True,
) -> Unit:
    name = _unit_name(name)
    _refuse(text_errors(name=name, code=code))
    if parent is not None and parent.organisation_id != organisation.pk:
        raise ValidationError({"parent": "The parent unit belongs to another organisation."})
    full_path = f"{parent.full_path}/{name}" if parent else name
    if Unit.objects.filter(organisation=organisation, full_path__iexact=full_path).exists():
        raise ValidationError({"name": f"There is already a unit called “{full_path}”."})
    with transaction.atomic():
        _lock_unit_tree()
        fields = {"organisation": organisation, "name": name, "code": code, "full_path": full_path}
        unit = Unit.objects.add_child(parent, fields) if parent else Unit.objects.add_root(fields)
        if audit:
            audit_record(
                actor=actor,
                action="unit.create",
                organisation=organisation,
                obj=unit,
                after={"path": full_path, "code": code},
            )
    return unit


def unit_ensure_path(*, actor, organisation: Organisation, path: str, cache: dict | None = None) -> Unit:
    """The unit at `path` ("East Division/Canterbury/Response Team 2"), creating missing levels."""
    cache = {} if cache is None else cache
    parts = [_unit_name(part) for part in path.split("/")]
    parent = None
    for depth in range(1, len(parts) + 1):
        full = "/".join(parts[:depth])
        key = full.casefold()
        unit = cache.get(key)
        if unit is None:
            unit = Unit.objects.filter(organisation=organisation, full_path__iexact=full).first()
            if unit is None:
                unit = unit_create(
                    actor=actor, organisation=organisation, name=parts[depth - 1], parent=parent
                )
            cache[key] = unit
        parent = unit
    return parent


def _lock_unit_tree() -> None:
    """Serialise writers of the unit tree: siblings' paths are numbered in turn."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('bluelamp.unit_tree'))")


def units_reserve_ids(*, count: int) -> list[int]:
    """`count` unused unit ids (PostgreSQL), to give units_ensure_paths(ids=...) later."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) AS id FROM generate_series(1, %s) ORDER BY id",
            [Unit._meta.db_table, Unit._meta.pk.column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def units_ensure_paths(*, actor, organisation: Organisation, paths, ids=None) -> dict[str, Unit]:
    """The units at `paths` ("East Division/Canterbury/Team 2"), creating every missing level.

    Missing units are created in one bulk insert with one audit event each, so an HR file that
    brings thousands of new units costs a handful of queries. Returns units keyed by
    full_path.casefold(), for every level of every path.

    `ids` (full_path.casefold() → an id from units_reserve_ids) lets a caller write rows that
    point at units before creating them, late in its transaction (foreign keys are checked at
    commit), so that the unit tree lock is held only for this call and not the caller's whole
    transaction. A unit that exists by now keeps its own id: compare the ids returned.
    """
    wanted: dict[str, str] = {}
    for path in paths:
        parts = [_unit_name(part) for part in path.split("/")]
        for depth in range(1, len(parts) + 1):
            full = "/".join(parts[:depth])
            wanted.setdefault(full.casefold(), full)
    with transaction.atomic():
        existing = {u.full_path.casefold(): u for u in Unit.objects.filter(organisation=organisation)}
        missing = sorted((key for key in wanted if key not in existing), key=lambda k: (k.count("/"), k))
        if missing:
            _lock_unit_tree()
            existing.update(
                _units_insert(organisation, [wanted[key] for key in missing], existing, ids or {})
            )
            created = [existing[key] for key in missing]
            audit_record_many(
                actor=actor,
                action="unit.create",
                organisation=organisation,
                objects=created,
                after=[{"path": unit.full_path, "code": ""} for unit in created],
            )
    return {key: existing[key] for key in wanted}


def _units_insert(
    organisation: Organisation, full_paths: list[str], existing: dict[str, Unit], ids: dict[str, int]
) -> dict[str, Unit]:
    """Insert units (parents before children) as last children of their parents."""
    steplen = Unit.steplen
    last_step: dict[str, int] = {}  # parent tree path ("" for the top level) → last step used

    def next_path(parent_path: str) -> str:
        if parent_path not in last_step:
            siblings = Unit.objects.filter(
                depth=len(parent_path) // steplen + 1, path__startswith=parent_path
            )
            last = siblings.order_by("-path").values_list("path", flat=True).first()
            last_step[parent_path] = Unit._str2int(last[-steplen:]) if last else 0
        last_step[parent_path] += 1
        depth = len(parent_path) // steplen + 1
        return Unit._get_path(parent_path or None, depth, last_step[parent_path])

    new: dict[str, Unit] = {}
    children_of: dict[int, int] = {}  # existing parent id → new children
    for full_path in full_paths:
        parent_key, _, name = full_path.casefold().rpartition("/")
        parent = new.get(parent_key) or existing.get(parent_key) if parent_key else None
        if parent is not None and parent.pk is None:
            last_step.setdefault(parent.path, 0)  # a parent made in this call has no children yet
        elif parent is not None:
            children_of[parent.pk] = children_of.get(parent.pk, 0) + 1
        unit = Unit(
            pk=ids.get(full_path.casefold()),
            organisation=organisation,
            name=full_path.rpartition("/")[2],
            code="",
            full_path=full_path,
            path=next_path(parent.path if parent else ""),
            depth=(parent.depth + 1) if parent else 1,
            numchild=0,
        )
        if parent is not None and parent.pk is None:
            parent.numchild += 1
        new[full_path.casefold()] = unit
    Unit.objects.bulk_create(new.values(), batch_size=2000)
    if any(unit.pk is None for unit in new.values()):  # databases without RETURNING
        ids = dict(Unit.objects.filter(path__in=[u.path for u in new.values()]).values_list("path", "pk"))
        for unit in new.values():
            unit.pk = ids[unit.path]
    for parent_id, count in children_of.items():
        Unit.objects.filter(pk=parent_id).update(numchild=F("numchild") + count)
    return new


def unit_rename(*, actor, unit: Unit, name: str, code: str | None = None) -> Unit:
    name = _unit_name(name)
    _refuse(text_errors(name=name, code=code))
    old_path = unit.full_path
    parent = Unit.objects.get_parent(unit)
    new_path = f"{parent.full_path}/{name}" if parent else name
    if (
        new_path.casefold() != old_path.casefold()
        and Unit.objects.filter(organisation_id=unit.organisation_id, full_path__iexact=new_path).exists()
    ):
        raise ValidationError({"name": f"There is already a unit called “{new_path}”."})
    with transaction.atomic():
        descendants = list(Unit.objects.get_descendants(unit))
        unit.name = name
        unit.full_path = new_path
        if code is not None:
            unit.code = code
        unit.save()
        for child in descendants:
            child.full_path = new_path + child.full_path[len(old_path) :]
        Unit.objects.bulk_update(descendants, ["full_path"])
        audit_record(
            actor=actor,
            action="unit.rename",
            organisation=unit.organisation,
            obj=unit,
            before={"path": old_path},
            after={"path": new_path},
        )
    return unit


# --- licences --------------------------------------------------------------------------------

_LICENCE_FIELDS = ["type", "reference", "starts_on", "ends_on", "status", "notes"]
# Licences began with the platform and are granted for years, not centuries; a licence without an
# end is given no end date, not a far-off one. The range refuses mistyped years (0336 for 2036).
LICENCE_EARLIEST = dt.date(1900, 1, 1)
LICENCE_LATEST = dt.date(2200, 12, 31)


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
) -> Licence:
    licence = Licence(
        organisation=organisation,
        type=type,
        reference=reference.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
        notes=notes,
    )
    _licence_validate(licence)
    with transaction.atomic():
        licence.save()
        audit_record(
            actor=actor,
            action="licence.create",
            organisation=organisation,
            obj=licence,
            after=_snapshot(licence, _LICENCE_FIELDS),
        )
    return licence


def _licence_validate(licence: Licence) -> None:
    _refuse(
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
    unknown = set(changes) - set(_LICENCE_FIELDS)
    if unknown:
        raise ValueError(f"cannot change {', '.join(sorted(unknown))}")
    before = _snapshot(licence, _LICENCE_FIELDS)
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
            after=_snapshot(licence, _LICENCE_FIELDS),
        )
    return licence


def licence_contact_add(
    *, actor, licence: Licence, name: str, email: str, role: str = "", person=None
) -> LicenceContact:
    contact = LicenceContact(
        licence=licence, name=name.strip(), email=email.strip().lower(), role=role.strip(), person=person
    )
    _refuse(text_errors(name=contact.name, role=contact.role))
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


# --- roles -----------------------------------------------------------------------------------


def _scope_of(organisation: Organisation | None, unit: Unit | None) -> Scope:
    if unit is not None:
        return Scope.UNIT
    if organisation is not None:
        return Scope.ORGANISATION
    return Scope.NATIONAL


def _require_grant_rights(actor, organisation: Organisation | None, unit: Unit | None) -> None:
    access = access_for(actor, Perm.ROLES_GRANT)
    if organisation is None:
        allowed = access.national
    elif unit is not None:
        allowed = access.covers_unit(organisation.pk, unit.path)
    else:
        allowed = access.covers_organisation(organisation.pk)
    if not allowed:
        raise PermissionDenied("You cannot grant or revoke roles in that scope.")


def role_grant(
    *,
    actor,
    person,
    role: str,
    organisation: Organisation | None = None,
    unit: Unit | None = None,
    reason: str = "",
    as_operator: bool = False,
) -> RoleAssignment:
    """Give `person` `role` nationally, in an organisation, or in a unit subtree.

    as_operator: granted from the command line by someone with server access (how the first
    platform administrator is made); the actor's own rights are not checked.
    """
    try:
        definition = DEFINITIONS[Role(role)]
    except ValueError:
        raise ValidationError(
            {"role": f"“{role}” is not a role. Choose one of: " + ", ".join(r.value for r in Role)}
        ) from None
    if unit is not None:
        organisation = unit.organisation
    scope = _scope_of(organisation, unit)
    if definition.implicit:
        raise ValidationError(
            {
                "role": f"{definition.role.label} comes from reporting lines; set the "
                "person's line manager instead."
            }
        )
    if scope not in definition.scopes:
        allowed = " or ".join(s.label.lower() for s in sorted(definition.scopes))
        raise ValidationError({"scope": f"{definition.role.label} can only be held at {allowed} level."})
    if definition.national_body_only and not person.organisation.is_national_body:
        raise ValidationError(
            {"role": f"{definition.role.label} is held only by people of the national body."}
        )
    if organisation is not None and person.organisation_id != organisation.pk:
        raise ValidationError(
            {
                "person": f"{person} belongs to {person.organisation}, not {organisation}; "
                "roles in an organisation go to its own people."
            }
        )
    if not person.is_active or person.is_leaver:
        raise ValidationError({"person": f"{person} is a leaver and cannot be given a role."})
    if not as_operator:
        _require_grant_rights(actor, organisation, unit)
    with transaction.atomic():
        existing = (
            RoleAssignment.objects.current()
            .filter(person=person, role=role, organisation=organisation, unit=unit)
            .select_for_update()
        )
        if existing.exists():
            raise ValidationError({"role": f"{person} already holds {definition.role.label} there."})
        assignment = RoleAssignment.objects.create(
            person=person,
            role=role,
            organisation=organisation,
            unit=unit,
            granted_at=timezone.now(),
            granted_by=actor if getattr(actor, "pk", None) else None,
            reason=reason.strip()[:300],
        )
        _sync_django_flags(person)
        audit_record(
            actor=actor,
            action="role.grant",
            organisation=organisation,
            obj=person,
            object_label=str(person),
            after={"role": role, "scope": assignment.scope_label, "reason": assignment.reason},
        )
    forget_cached_access(person)
    return assignment


def role_revoke(*, actor, assignment: RoleAssignment, reason: str = "") -> RoleAssignment:
    if assignment.revoked_at is not None:
        raise ValidationError("That role has already been revoked.")
    _refuse(text_errors(reason=reason, multiline=("reason",)))
    _require_grant_rights(actor, assignment.organisation, assignment.unit)
    with transaction.atomic():
        assignment.revoked_at = timezone.now()
        assignment.revoked_by = actor if getattr(actor, "pk", None) else None
        if reason:
            assignment.reason = reason.strip()[:300]
        assignment.save(update_fields=["revoked_at", "revoked_by", "reason"])
        _sync_django_flags(assignment.person)
        audit_record(
            actor=actor,
            action="role.revoke",
            organisation=assignment.organisation,
            obj=assignment.person,
            object_label=str(assignment.person),
            before={"role": assignment.role, "scope": assignment.scope_label, "since": assignment.granted_at},
            after={"reason": reason},
        )
    forget_cached_access(assignment.person)
    return assignment


def _sync_django_flags(person) -> None:
    """Django admin is for platform administrators only."""
    is_platform_admin = (
        RoleAssignment.objects.current().filter(person=person, role=Role.PLATFORM_ADMIN).exists()
    )
    if person.is_staff != is_platform_admin or person.is_superuser != is_platform_admin:
        person.is_staff = person.is_superuser = is_platform_admin
        person.save(update_fields=["is_staff", "is_superuser"])


# --- single sign-on --------------------------------------------------------------------------

_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
# Hosts where an identity provider may be reached over plain HTTP (development and tests only).
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def _sso_snapshot(sso: SingleSignOn) -> dict:
    # Never the client secret: the audit log is read by administrators.
    return {
        "server_url": sso.server_url,
        "client_id": sso.social_app.client_id,
        "enabled": sso.enabled,
        "create_unknown_people": sso.create_unknown_people,
        "allowed_email_domains": sso.allowed_email_domains,
    }


def _issuer_url(value: str) -> str:
    url = (value or "").strip().removesuffix("/.well-known/openid-configuration").rstrip("/")
    try:
        URLValidator(schemes=["https", "http"])(url)
    except ValidationError:
        raise ValidationError(
            {
                "server_url": f"“{value}” is not a web address. Enter the issuer URL, e.g. https://login.microsoftonline.com/<tenant ID>/v2.0"
            }
        ) from None
    parts = urlsplit(url)
    if parts.scheme != "https" and parts.hostname not in _LOCAL_HOSTS:
        raise ValidationError({"server_url": "The issuer URL must start with https://"})
    if parts.query or parts.fragment:
        raise ValidationError({"server_url": "The issuer URL cannot contain “?” or “#”."})
    return url


def _email_domains(domains) -> list[str]:
    if isinstance(domains, str):
        domains = re.split(r"[\s,;]+", domains)
    cleaned = []
    for domain in domains:
        domain = domain.strip().lower().lstrip("@")
        if not domain:
            continue
        if not _DOMAIN_RE.match(domain):
            raise ValidationError(
                {
                    "allowed_email_domains": f"“{domain}” is not an e-mail domain. Enter domains such as kent.police.uk"
                }
            )
        if domain not in cleaned:
            cleaned.append(domain)
    if not cleaned:
        raise ValidationError(
            {"allowed_email_domains": "Enter at least one e-mail domain, e.g. kent.police.uk"}
        )
    return cleaned


def single_sign_on_save(
    *,
    actor,
    organisation: Organisation,
    server_url: str,
    client_id: str,
    client_secret: str = "",
    allowed_email_domains,
    create_unknown_people: bool = False,
    enabled: bool = True,
) -> SingleSignOn:
    """Create or change the organisation's OpenID Connect sign-in (e.g. Entra ID).

    An empty `client_secret` keeps the current one. The secret is stored in allauth's SocialApp
    and never written to the audit log.
    """
    from allauth.socialaccount.models import SocialApp

    sso = SingleSignOn.objects.select_related("social_app").filter(organisation=organisation).first()
    errors = {}
    try:
        server_url = _issuer_url(server_url)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        allowed_email_domains = _email_domains(allowed_email_domains)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    client_id = (client_id or "").strip()
    client_secret = (client_secret or "").strip()
    if not client_id:
        errors["client_id"] = ["Enter the application (client) ID your identity provider gave you."]
    elif len(client_id) > 191:
        errors["client_id"] = ["The client ID must be 191 characters or fewer."]
    if sso is None and not client_secret:
        errors["client_secret"] = ["Enter the client secret your identity provider gave you."]
    elif len(client_secret) > 191:
        errors["client_secret"] = ["The client secret must be 191 characters or fewer."]
    if errors:
        raise ValidationError(errors)

    before = _sso_snapshot(sso) if sso else None
    with transaction.atomic():
        if sso is None:
            app = SocialApp(provider="openid_connect", provider_id=f"sso-{organisation.slug}")
            sso = SingleSignOn(organisation=organisation)
        else:
            app = sso.social_app
        app.name = organisation.name[:40]
        app.client_id = client_id
        if client_secret:
            app.secret = client_secret
        # PKCE protects the code exchange; Entra ID and other modern providers support it.
        app.settings = {**app.settings, "server_url": server_url, "oauth_pkce_enabled": True}
        app.full_clean()
        app.save()
        sso.social_app = app
        sso.enabled = enabled
        sso.create_unknown_people = create_unknown_people
        sso.allowed_email_domains = allowed_email_domains
        sso.full_clean()
        sso.save()
        after = _sso_snapshot(sso)
        after["new_client_credential"] = bool(client_secret)
        audit_record(
            actor=actor,
            action="single_sign_on.create" if before is None else "single_sign_on.update",
            organisation=organisation,
            obj=sso,
            before=before,
            after=after,
        )
    return sso
