"""Issuing organisations' signing keys: made when first needed, rotated, withdrawn.

Private keys are stored encrypted with a key derived from SECRET_KEY (HKDF-SHA256); the
SECRET_KEY_FALLBACKS decrypt too, so rotating SECRET_KEY the Django way keeps the keys readable
(re-encrypt them with `bluelamp rotate-secrets`-style tooling later, or let rotation replace
them). A private key never leaves this module but to sign, and is never logged."""

from __future__ import annotations

import base64
import datetime as dt

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.credentials.models import IssuerKey
from bluelamp.credentials.openbadges import keys as ob_keys
from bluelamp.organisations.api import Perm, access_for

_INFO = b"bluelamp credentials: issuer signing keys"


def _fernet_for(secret: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def _fernet() -> MultiFernet:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet_for(secret) for secret in secrets])


def private_key(key: IssuerKey) -> bytes:
    try:
        return _fernet().decrypt(bytes(key.private_key_encrypted))
    except InvalidToken as error:
        raise RuntimeError(
            f"The signing key {key} cannot be decrypted: SECRET_KEY changed without the old one in "
            "SECRET_KEY_FALLBACKS. Rotate the organisation's key to sign again."
        ) from error


def _new_key(organisation, *, at: dt.datetime) -> IssuerKey:
    private, public = ob_keys.generate_ed25519()
    number = IssuerKey.objects.filter(organisation=organisation).count() + 1
    while IssuerKey.objects.filter(organisation=organisation, key_id=f"key-{number}").exists():
        number += 1
    return IssuerKey.objects.create(
        organisation=organisation,
        key_id=f"key-{number}",
        public_key=public,
        private_key_encrypted=_fernet().encrypt(private),
        created_at=at,
    )


def signing_key(organisation, *, at: dt.datetime | None = None) -> IssuerKey:
    """The key that signs for `organisation` now: its newest in use, made the first time."""
    at = at or timezone.now()
    key = (
        IssuerKey.objects.filter(
            organisation=organisation, retired_at__isnull=True, withdrawn_at__isnull=True
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if key is not None:
        return key
    try:
        with transaction.atomic():
            return _new_key(organisation, at=at)
    except IntegrityError:  # another request made it first
        return signing_key(organisation, at=at)


def published_keys(organisation) -> list[IssuerKey]:
    """The keys verifiers may use: all but those withdrawn, oldest first."""
    return list(
        IssuerKey.objects.filter(organisation=organisation, withdrawn_at__isnull=True).order_by(
            "created_at", "pk"
        )
    )


def may_manage_keys(person, organisation) -> bool:
    return access_for(person, Perm.ORGANISATION_EDIT).covers_organisation(organisation.pk)


def issuer_key_rotate(*, actor, organisation, at: dt.datetime | None = None) -> IssuerKey:
    """A new signing key; the ones before it retire (still published, so what they signed keeps
    verifying)."""
    if not may_manage_keys(actor, organisation):
        raise PermissionDenied("You cannot manage this organisation's signing keys.")
    at = at or timezone.now()
    with transaction.atomic():
        retiring = list(
            IssuerKey.objects.select_for_update().filter(
                organisation=organisation, retired_at__isnull=True, withdrawn_at__isnull=True
            )
        )
        IssuerKey.objects.filter(pk__in=[k.pk for k in retiring]).update(retired_at=at)
        key = _new_key(organisation, at=at)
        audit_record(
            actor=actor,
            action="credentials.key.rotate",
            organisation=organisation,
            obj=key,
            object_label=f"{organisation.name}: {key.key_id}",
            after={"retired": [k.key_id for k in retiring]},
        )
    return key


def issuer_key_withdraw(*, actor, key: IssuerKey, reason: str, at: dt.datetime | None = None) -> IssuerKey:
    """Stop publishing a key (it leaked): credentials it signed stop verifying, so they are
    signed again with the current key, by a task after commit (signing takes a few milliseconds
    each: an issuer with thousands would not wait in a request); the frequent job catches any
    the task missed."""
    if not may_manage_keys(actor, key.organisation):
        raise PermissionDenied("You cannot manage this organisation's signing keys.")
    reason = reason.strip()
    if not reason:
        raise ValueError("Give the reason for withdrawing the key.")
    if key.withdrawn_at is not None:
        raise ValueError(f"The key {key.key_id} is already withdrawn.")
    at = at or timezone.now()
    with transaction.atomic():
        key.withdrawn_at = at
        key.withdrawn_by = actor
        key.withdrawn_reason = reason
        key.retired_at = key.retired_at or at
        key.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason", "retired_at"])
        audit_record(
            actor=actor,
            action="credentials.key.withdraw",
            organisation=key.organisation,
            obj=key,
            object_label=f"{key.organisation.name}: {key.key_id}",
            after={"reason": reason},
        )
        if not IssuerKey.objects.filter(
            organisation=key.organisation, retired_at__isnull=True, withdrawn_at__isnull=True
        ).exists():
            _new_key(key.organisation, at=at)  # its successor, so that signing again can start at once
        from bluelamp.credentials import tasks

        transaction.on_commit(lambda: tasks.resign_withdrawn_key.enqueue(key.pk))
    return key
