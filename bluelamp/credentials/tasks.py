"""Background work for certificates (Django's Tasks API): signing a credential after its
certificate is issued, and a frequent job that signs any a failed task left unsigned."""

from django_tasks import task

from bluelamp.credentials import badges
from bluelamp.credentials.models import Certificate, IssuerKey


def _unsigned():
    return Certificate.objects.filter(
        credential__isnull=True, template__badge=True, status_list__isnull=False
    )


@task()
def credential_sign_task(certificate_id: int) -> bool:
    certificate = (
        _unsigned()
        .select_related("template__owner", "issuer", "person", "status_list")
        .filter(pk=certificate_id)
        .first()
    )
    if certificate is None:  # signed already (by the frequent job), or gone
        return False
    badges.credential_sign(certificate)
    return True


@task()
def sign_unsigned_credentials() -> int:
    """Every few minutes (`bluelamp run-frequent`): sign what a task could not (the worker
    stopped, the database was away), and sign again, 500 at a time, what a withdrawn key signed."""
    signed = 0
    for certificate in _unsigned().select_related("template__owner", "issuer", "person", "status_list")[:500]:
        badges.credential_sign(certificate)
        signed += 1
    return signed


@task()
def resign_withdrawn_key(key_id: int) -> int:
    """After a key is withdrawn: everything it signed, signed again with the current key."""
    key = (
        IssuerKey.objects.filter(pk=key_id, withdrawn_at__isnull=False).select_related("organisation").first()
    )
    return badges.resign_signed_with(key) if key is not None else 0
