"""The stable public addresses of what Open Badges verifiers fetch: the issuer's profile (which
is also the controller document of its keys), its keys, the achievements, the status lists and
the credentials. They are built from SITE_URL, so they must never change once credentials are
out: verifiers and wallets follow them for as long as a credential is kept."""

from django.conf import settings
from django.urls import reverse


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def issuer_url(organisation) -> str:
    return absolute(reverse("credentials:issuer_profile", args=[organisation.uuid]))


def key_url(issuer_key) -> str:
    """A key's id: an address of its own that serves its Multikey document, whose controller is
    the issuer's profile (verifiers fetch the key, then check the profile lists it)."""
    return absolute(reverse("credentials:issuer_key", args=[issuer_key.organisation.uuid, issuer_key.key_id]))


def achievement_url(template) -> str:
    return absolute(reverse("credentials:achievement", args=[template.uuid]))


def status_list_url(status_list) -> str:
    return absolute(reverse("credentials:status_list", args=[status_list.uuid]))


def credential_url(certificate) -> str:
    return absolute(f"/api/v1/credentials/{certificate.uuid}/")


def verify_url(certificate) -> str:
    return absolute(reverse("credentials:verify_code", args=[certificate.code]))
