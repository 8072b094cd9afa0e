"""The public JSON-LD documents verifiers and wallets fetch: the issuer's profile (its keys
included), an achievement, a status list. Anyone may read them, from any origin (browser-based
verifiers fetch them across origins), and nothing personal is in them."""

from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from bluelamp.core.endpoints import machine_endpoint
from bluelamp.credentials import badges
from bluelamp.credentials.models import CertificateTemplate, IssuerKey, StatusList
from bluelamp.organisations.api import Organisation

CONTENT_TYPE = "application/ld+json"


def public_json(document: dict, *, max_age: int = 300) -> JsonResponse:
    response = JsonResponse(document, content_type=CONTENT_TYPE, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={max_age}"
    return response


@machine_endpoint
@require_GET
def issuer_profile(request, organisation_uuid):
    """Published only for organisations that have issued (that have a key): not a directory of
    every organisation."""
    organisation = Organisation.objects.filter(uuid=organisation_uuid).first()
    if organisation is None or not IssuerKey.objects.filter(organisation=organisation).exists():
        raise Http404("No such issuer")
    return public_json(badges.issuer_profile_document(organisation))


@machine_endpoint
@require_GET
def issuer_key(request, organisation_uuid, key_id: str):
    """A published key (withdrawn ones are gone: what they signed no longer verifies)."""
    key = (
        IssuerKey.objects.select_related("organisation")
        .filter(organisation__uuid=organisation_uuid, key_id=key_id, withdrawn_at__isnull=True)
        .first()
    )
    if key is None:
        raise Http404("No such key")
    return public_json(badges.key_document(key))


@machine_endpoint
@require_GET
def achievement(request, template_uuid):
    template = (
        CertificateTemplate.objects.select_related("owner").filter(uuid=template_uuid, badge=True).first()
    )
    if template is None:
        raise Http404("No such achievement")
    return public_json(badges.achievement_document(template))


@machine_endpoint
@require_GET
def status_list(request, list_uuid):
    found = StatusList.objects.select_related("organisation").filter(uuid=list_uuid).first()
    if found is None:
        raise Http404("No such status list")
    # Short: a revocation should reach verifiers within the minute.
    return public_json(badges.status_list_document(found), max_age=60)
