"""Reads, and the `access_*` helpers: "not found" and "not yours" look the same (404)."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404

from bluelamp.credentials import codes
from bluelamp.credentials.models import Certificate, CertificateTemplate
from bluelamp.credentials.services import may_manage_for
from bluelamp.learning.api import access_record_of
from bluelamp.organisations.api import Perm, access_for


def _uuid(value) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise Http404("No such thing") from None


def certificates_of(person) -> QuerySet[Certificate]:
    return (
        Certificate.objects.filter(person=person)
        .select_related("template", "issuer")
        .order_by("-issued_on", "-pk")
    )


def _manage_q(user) -> Q | None:
    """Certificates (by their issuer) `user` manages; None: every one."""
    access = access_for(user, Perm.LEARNING_MANAGE)
    if access.national:
        return None
    return Q(issuer_id__in=access.organisation_ids)


def access_certificate(user, certificate_uuid) -> Certificate:
    """A certificate its recipient, whoever may read the recipient's learner record, or the
    issuer's administrators may see."""
    certificate = (
        Certificate.objects.select_related("template", "issuer", "person", "status_list")
        .filter(uuid=_uuid(certificate_uuid))
        .first()
    )
    if certificate is None:
        raise Http404("No such certificate")
    if certificate.person_id == user.pk or may_manage_for(user, certificate.issuer):
        return certificate
    access_record_of(user, certificate.person_id)  # 404 unless they may read the record
    return certificate


def access_certificate_to_manage(user, certificate_uuid) -> Certificate:
    certificate = access_certificate(user, certificate_uuid)
    if not may_manage_for(user, certificate.issuer):
        raise Http404("No such certificate")
    return certificate


def certificate_by_code(typed: str) -> Certificate | None:
    """For the public verify page: the certificate with this code (as typed), if there is one."""
    code = codes.normalise(typed)
    if code is None:
        return None
    return Certificate.objects.select_related("issuer").filter(code=code).first()


def credential_readable(user, certificate_uuid) -> Certificate:
    """A signed credential for the API: its recipient's, or anyone's once the recipient shared it."""
    certificate = Certificate.objects.select_related("issuer").filter(uuid=_uuid(certificate_uuid)).first()
    if certificate is None or certificate.credential is None:
        raise Http404("No such credential")
    if certificate.shared or (user.is_authenticated and certificate.person_id == user.pk):
        return certificate
    raise Http404("No such credential")


def templates_managed(user) -> QuerySet[CertificateTemplate]:
    access = access_for(user, Perm.LEARNING_MANAGE)
    templates = CertificateTemplate.objects.select_related("owner")
    if access.national:
        return templates
    return templates.filter(owner_id__in=access.organisation_ids)


def access_template(user, template_uuid) -> CertificateTemplate:
    template = templates_managed(user).filter(uuid=_uuid(template_uuid)).first()
    if template is None:
        raise Http404("No such certificate")
    return template


def issued_managed(
    user, *, query: str = "", template: CertificateTemplate | None = None
) -> QuerySet[Certificate]:
    """Certificates issued in the name of organisations `user` manages, newest first; `query`
    matches a code, a name or an achievement."""
    certificates = Certificate.objects.select_related("template", "issuer", "person")
    where = _manage_q(user)
    if where is not None:
        certificates = certificates.filter(where)
    if template is not None:
        certificates = certificates.filter(template=template)
    query = query.strip()
    if query:
        code = codes.normalise(query)
        match = Q(recipient_name__icontains=query) | Q(achievement_title__icontains=query)
        match |= Q(person__staff_number__iexact=query) | Q(person__email__iexact=query)
        if code:
            match |= Q(code=code)
        certificates = certificates.filter(match)
    return certificates.order_by("-issued_at", "-pk")


def may_manage_any(user) -> bool:
    return access_for(user, Perm.LEARNING_MANAGE).anything
