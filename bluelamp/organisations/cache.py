"""Organisations and licences as every request asks for them, from the shared cache.

Every page needs the organisation of its host name (branding, sign-in options), the signed-in
person's organisation, and which organisations have a licence in force (a role confers nothing
without one). They change a few times a year, but read from PostgreSQL they cost every request
three or four queries, a third of a simple page's time (docs/performance.md, "Serving").

So they are kept in the shared cache (Redis in production, shared by every process) for at most
ORGANISATIONS_CACHE_SECONDS (60; 0 turns this off, as the test suite does but for this module's
own tests, so that its query counts are those of the work itself), and any write to an organisation or a licence drops them: at once, and again
when its transaction commits (so a request that read the old rows meanwhile cannot keep them).
Licences in force depend on the day too: a cached answer is only used on the day it was worked
out. Bulk writes that bypass `save()` (queryset `update()`) must call `forget()` themselves.
"""

from __future__ import annotations

import copy
import datetime as dt
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from bluelamp.core.sharedcache import Generation, LocalCopies, now_and_on_commit, read_through
from bluelamp.organisations.models import Licence, LicenceType, Organisation, RoleAssignment, Unit

_HOSTS = "organisations:hosts:v1:{generation}"
_ORGANISATION = "organisations:organisation:v1:{generation}:{pk}"
_LICENSED = "organisations:licensed:v1:{generation}:{type}"
_NATIONAL = "organisations:national:v1:{generation}"
_ROLES = "organisations:roles:v2:{generation}:{shared}:{person}"
# A person's access version: replaced by every write to their row or their role assignments, now
# and again once it commits. Their cached row and roles are kept with the version they were read
# under and used only while it is current: a request that read them just before a write committed
# (a password changed, a role revoked) cannot make its old copy current by storing it afterwards.
_ACCESS_VERSION = "organisations:access-version:v1:{generation}:{person}"
_ACCESS_VERSION_SECONDS = 7 * 24 * 3600
# Every person's cached roles at once: a unit renamed, an organisation changed.
_roles_generation = Generation("organisations-roles")
# Part of every key: forget_all() moves this process onto new keys (the test suite does so around
# every test, whose rolled-back rows send no signal).
_generation = 0


def forget_all() -> None:
    """This process stops reading anything cached so far (the test suite, around every test)."""
    global _generation
    _generation += 1
    _local.clear()
    _roles_generation.forget_local()


def _seconds() -> int:
    return settings.ORGANISATIONS_CACHE_SECONDS


# Within one process the shared cache's answers are also kept for a second: a page asks for the
# licences in force several times (roles, navigation, the licence gate), and each would be a
# round trip to Redis. A write here forgets them at once; another process's write is seen within
# a second more.
_LOCAL_SECONDS = 1.0
_local: dict[str, tuple[float, object]] = {}


def _get(key: str):
    held = _local.get(key)
    if held is not None and held[0] > time.monotonic():
        return held[1]
    value = cache.get(key)
    if value is not None:
        _local[key] = (time.monotonic() + _LOCAL_SECONDS, value)
    return value


def _set(key: str, value) -> None:
    cache.set(key, value, _seconds())
    _local[key] = (time.monotonic() + _LOCAL_SECONDS, value)


def organisation_by_pk(pk: int | None) -> Organisation | None:
    if pk is None:
        return None
    if not _seconds():
        return Organisation.objects.filter(pk=pk).first()
    key = _ORGANISATION.format(generation=_generation, pk=pk)
    organisation = _get(key)
    if organisation is None:
        organisation = Organisation.objects.filter(pk=pk).first()
        if organisation is None:
            return None
        _set(key, organisation)
    return copy.copy(organisation)  # each caller its own instance, whatever it changes on it


def organisation_for_host(host: str) -> Organisation | None:
    """The organisation whose own host name this is (without port, any case), if any."""
    host = host.split(":", 1)[0].lower()
    if not host:
        return None
    if not _seconds():
        return Organisation.objects.filter(host_name=host).first()
    hosts = _get(_HOSTS.format(generation=_generation))
    if hosts is None:
        hosts = dict(
            Organisation.objects.exclude(host_name__isnull=True)
            .exclude(host_name="")
            .values_list("host_name", "pk")
        )
        _set(_HOSTS.format(generation=_generation), hosts)
    return organisation_by_pk(hosts.get(host))


def national_body_ids() -> list[int]:
    """The national body's id (a list: the model allows more than one), in name order."""

    def read() -> list[int]:
        query = Organisation.objects.filter(kind=Organisation.Kind.NATIONAL_BODY).order_by("name")
        return list(query.values_list("pk", flat=True))

    if not _seconds():
        return read()
    key = _NATIONAL.format(generation=_generation)
    ids = _get(key)
    if ids is None:
        ids = read()
        _set(key, ids)
    return list(ids)


def licensed_organisation_ids(type: str, day: dt.date) -> set[int]:
    """Organisations for which `type` is in force on `day`, the national body included (it needs
    no licence). Cached for today only; another day is read from the database."""
    from bluelamp.organisations.licensing import in_force_q

    today = timezone.localdate()
    key = _LICENSED.format(generation=_generation, type=type)
    cached_today = day == today and _seconds() > 0
    if cached_today:
        cached = _get(key)
        if cached is not None and cached[0] == today.isoformat():
            return set(cached[1])
    ids = set(Licence.objects.filter(in_force_q(day), type=type).values_list("organisation_id", flat=True))
    ids.update(national_body_ids())
    if cached_today:
        _set(key, (today.isoformat(), sorted(ids)))
    return ids


def role_assignments(person_pk: int) -> list[RoleAssignment]:
    """Every role assignment of the person not revoked, licensed or not, with its organisation
    and unit (organisations/permissions.py decides what they confer). Every signed-in request
    asks; cached per person for ACCESS_CACHE_SECONDS under their access version, which any write
    to their assignments replaces, and for everyone by a write to a unit or an organisation."""

    def read() -> list[RoleAssignment]:
        return list(
            RoleAssignment.objects.current()
            .filter(person_id=person_pk)
            .select_related("organisation", "unit")
        )

    seconds = settings.ACCESS_CACHE_SECONDS
    if not seconds:
        return read()
    roles_key, version_key = access_keys(person_pk)
    found = cache.get_many([roles_key, version_key])
    roles = cached_role_assignments(person_pk, found)
    if roles is not None:
        return roles
    version = found.get(version_key) or current_access_version(person_pk)
    roles = read()
    cache.set(roles_key, (version, roles), seconds)
    return roles


def access_keys(person_pk: int) -> tuple[str, str]:
    """The keys of the person's cached role assignments and of their access version: people's
    signed-in cache reads them with the person in one round trip (people/signed_in.py)."""
    return _roles_key(person_pk), _ACCESS_VERSION.format(generation=_generation, person=person_pk)


def cached_role_assignments(person_pk: int, found: dict) -> list[RoleAssignment] | None:
    """The person's role assignments from what a `get_many` of `access_keys` returned, if kept
    under their current access version."""
    roles_key, version_key = access_keys(person_pk)
    return kept_under_version(found.get(roles_key), found.get(version_key))


def kept_under_version(entry, version: str | None):
    """The value of an entry kept as (access version, value), if that version is `version`."""
    if version is None or not isinstance(entry, tuple) or len(entry) != 2 or entry[0] != version:
        return None
    return entry[1]


def current_access_version(person_pk: int) -> str:
    """The person's access version (one is made if none is kept)."""
    key = access_keys(person_pk)[1]
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex[:12], _ACCESS_VERSION_SECONDS)
        version = cache.get(key) or uuid.uuid4().hex[:12]
    return version


def new_access_versions(person_pks) -> None:
    """Whatever is cached of these people's rows and roles is no longer used: now and on commit."""
    pks = list(person_pks)

    def bump() -> None:
        cache.set_many({access_keys(pk)[1]: uuid.uuid4().hex[:12] for pk in pks}, _ACCESS_VERSION_SECONDS)

    now_and_on_commit(bump)


def remember_access_version(person, version: str) -> None:
    """Note on the person the access version their cached copies were read under (people's
    signed-in cache, for `has_totp`)."""
    person._bluelamp_access_version = version


def has_totp(person) -> bool:
    """Whether the person has a TOTP authenticator (every administrator's page asks, for MFA).
    Kept under their access version, which saving or deleting an authenticator replaces, where
    the signed-in cache noted it; each process holds the answer (its key names the version)."""
    from allauth.mfa.models import Authenticator

    def read() -> bool:
        return Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()

    version = getattr(person, "_bluelamp_access_version", None)
    if version is None:
        return read()
    return read_through(
        settings.ACCESS_CACHE_SECONDS,
        lambda: _TOTP.format(generation=_generation, person=person.pk, version=version),
        read,
        local=_totp_local,
    )


_TOTP = "organisations:has-totp:v1:{generation}:{person}:{version}"
_totp_local = LocalCopies(4096)


def _roles_key(person_pk: int) -> str:
    return _ROLES.format(generation=_generation, shared=_roles_generation.current(), person=person_pk)


def forget_role_assignments(person_pk: int | None = None) -> None:
    """Drop one person's cached role assignments, or everyone's (None); now and on commit."""
    if person_pk is None:
        _roles_generation.bump()
    else:
        new_access_versions([person_pk])


def forget(organisation_pk: int | None = None) -> None:
    """Drop what is cached about organisations and licences (now and when the transaction commits)."""

    def drop() -> None:
        keys = [
            _HOSTS.format(generation=_generation),
            _NATIONAL.format(generation=_generation),
            *(_LICENSED.format(generation=_generation, type=t) for t in LicenceType.values),
        ]
        if organisation_pk is not None:
            keys.append(_ORGANISATION.format(generation=_generation, pk=organisation_pk))
        cache.delete_many(keys)
        _local.clear()

    now_and_on_commit(drop)
    forget_role_assignments()  # they carry their organisation


@receiver([post_save, post_delete], sender=Organisation, dispatch_uid="organisations-cache-organisation")
def _organisation_changed(sender, instance: Organisation, **kwargs) -> None:
    forget(instance.pk)


@receiver([post_save, post_delete], sender=RoleAssignment, dispatch_uid="organisations-cache-role")
def _role_assignment_changed(sender, instance: RoleAssignment, **kwargs) -> None:
    forget_role_assignments(instance.person_id)


@receiver([post_save, post_delete], sender=Unit, dispatch_uid="organisations-cache-unit")
def _unit_changed(sender, instance: Unit, **kwargs) -> None:
    forget_role_assignments()  # assignments carry their unit; units' bulk writes call it themselves


@receiver([post_save, post_delete], sender=Licence, dispatch_uid="organisations-cache-licence")
def _licence_changed(sender, instance: Licence, **kwargs) -> None:
    forget()


def _authenticator_changed(sender, instance, **kwargs) -> None:
    new_access_versions([instance.user_id])  # has_totp's answer


def connect_authenticator_signals() -> None:
    """allauth's MFA models are loaded with the apps: connected from the app config's ready()."""
    from allauth.mfa.models import Authenticator

    post_save.connect(_authenticator_changed, sender=Authenticator, dispatch_uid="organisations-totp-saved")
    post_delete.connect(
        _authenticator_changed, sender=Authenticator, dispatch_uid="organisations-totp-deleted"
    )
