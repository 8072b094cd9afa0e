"""Open Badges 3.0 for certificates: the documents verifiers fetch (issuer profile, achievement,
status list) and each certificate's signed credential, built with the pure `openbadges` package
and signed with the issuer's current key (keys.py)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from bluelamp.credentials import addresses, keys
from bluelamp.credentials.models import Certificate, CertificateTemplate, IssuerKey, StatusList
from bluelamp.credentials.openbadges import documents, proofs, statuslist
from bluelamp.credentials.openbadges import keys as ob_keys

LONDON = ZoneInfo("Europe/London")


def _logo_url(organisation) -> str | None:
    if not organisation.logo:
        return None
    try:
        return addresses.absolute(organisation.logo.url) if organisation.logo.url.startswith("/") else None
    except ValueError:
        return None


def issuer_profile_document(organisation) -> dict[str, Any]:
    """The issuer's profile, hosted at its id: also the controller document of its published keys
    (retired ones too, so what they signed keeps verifying)."""
    issuer_id = addresses.issuer_url(organisation)
    return documents.issuer_profile(
        issuer_id=issuer_id,
        name=organisation.name,
        url=addresses.absolute("/"),
        email=None,
        image=_logo_url(organisation),
        description=None,
        verification_methods=[
            ob_keys.multikey_document(issuer_id, addresses.key_url(key), bytes(key.public_key))
            for key in keys.published_keys(organisation)
        ],
    )


def key_document(key: IssuerKey) -> dict[str, Any]:
    return ob_keys.multikey_document(
        addresses.issuer_url(key.organisation), addresses.key_url(key), bytes(key.public_key)
    )


def _achievement_type(template: CertificateTemplate) -> str:
    return "Certificate" if template.achievement_kind == "programme" else "Course"


def achievement_document(template: CertificateTemplate) -> dict[str, Any]:
    return documents.achievement(
        achievement_id=addresses.achievement_url(template),
        name=template.title,
        description=template.description or f"{template.wording.capitalize()} {template.title}.",
        criteria_narrative=template.description or f"Completed {template.title} on Bluelamp.",
        achievement_type=_achievement_type(template),
        image=None,
        creator={
            "id": addresses.issuer_url(template.owner),
            "type": ["Profile"],
            "name": template.owner.name,
        },
    )


def _end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=LONDON)


def status_place(organisation) -> tuple[StatusList, int]:
    """The next free place in the organisation's revocation lists (a new list when one is full).
    Call inside the issuing transaction: the list row is locked until it commits."""
    status_list = (
        StatusList.objects.select_for_update().filter(organisation=organisation).order_by("-number").first()
    )
    if status_list is None or status_list.next_index >= status_list.length:
        number = status_list.number + 1 if status_list else 1
        status_list = StatusList.objects.create(organisation=organisation, number=number)
        status_list = StatusList.objects.select_for_update().get(pk=status_list.pk)
    index = status_list.next_index
    status_list.next_index = index + 1
    status_list.save(update_fields=["next_index"])
    return status_list, index


def credential_document(certificate: Certificate, *, at: dt.datetime) -> dict[str, Any]:
    """The unsigned credential of a certificate."""
    template = certificate.template
    status = None
    if certificate.status_list_id is not None and certificate.status_index is not None:
        status = documents.status_entry(
            list_credential_url=addresses.status_list_url(certificate.status_list),
            index=certificate.status_index,
        )
    issuer: dict[str, Any] = {
        "id": addresses.issuer_url(certificate.issuer),
        "type": ["Profile"],
        "name": certificate.issuer_name,
    }
    if logo := _logo_url(certificate.issuer):
        issuer["image"] = {"id": logo, "type": "Image"}
    credential = documents.achievement_credential(
        credential_id=addresses.credential_url(certificate),
        issuer=issuer,
        achievement=achievement_document(template),
        subject_id=None,
        subject_identifier=documents.identity_object(certificate.person.email, secrets.token_hex(16)),
        name=certificate.achievement_title,
        valid_from=certificate.issued_at,
        valid_until=_end_of_day(certificate.expires_on) if certificate.expires_on else None,
        status=status,
    )
    credential["credentialSubject"]["name"] = certificate.recipient_name
    credential["awardedDate"] = documents.format_datetime(certificate.issued_at)
    return credential


def credential_sign(certificate: Certificate, *, at: dt.datetime | None = None) -> dict[str, Any]:
    """Sign (or sign again) the certificate's credential with its issuer's current key, and keep it."""
    at = at or timezone.now()
    key = keys.signing_key(certificate.issuer, at=at)
    signed = proofs.sign(
        credential_document(certificate, at=at),
        private_key=keys.private_key(key),
        verification_method=addresses.key_url(key),
        created=at,
    )
    certificate.credential = signed
    certificate.signed_with = key
    certificate.save(update_fields=["credential", "signed_with"])
    return signed


def status_list_publish(status_list: StatusList, *, at: dt.datetime | None = None) -> dict[str, Any]:
    """Sign the list as it stands (the places of its revoked certificates set) and keep it."""
    at = at or timezone.now()
    revoked = Certificate.objects.filter(status_list=status_list, revoked_at__isnull=False).values_list(
        "status_index", flat=True
    )
    unsigned = documents.status_list_credential(
        list_id=addresses.status_list_url(status_list),
        issuer_id=addresses.issuer_url(status_list.organisation),
        encoded_list=statuslist.encode([i for i in revoked if i is not None], length=status_list.length),
        valid_from=at,
    )
    key = keys.signing_key(status_list.organisation, at=at)
    signed = proofs.sign(
        unsigned, private_key=keys.private_key(key), verification_method=addresses.key_url(key), created=at
    )
    StatusList.objects.filter(pk=status_list.pk).update(document=signed, published_at=at)
    status_list.document, status_list.published_at = signed, at
    return signed


def status_list_document(status_list: StatusList) -> dict[str, Any]:
    """The published list (signed now if it never was)."""
    if status_list.document is None:
        with transaction.atomic():
            return status_list_publish(status_list)
    return status_list.document


def resign_signed_with(key: IssuerKey, *, at: dt.datetime | None = None) -> int:
    """Sign again, with the current key, every credential and list `key` signed (it was withdrawn)."""
    at = at or timezone.now()
    count = 0
    for certificate in Certificate.objects.filter(signed_with=key).select_related(
        "template__owner", "issuer", "person", "status_list"
    ):
        credential_sign(certificate, at=at)
        count += 1
    for status_list in StatusList.objects.filter(organisation=key.organisation, document__isnull=False):
        status_list_publish(status_list, at=at)
    return count
