"""Certificates' pages (/certificates/…) and the public documents Open Badges verifiers fetch
(/credentials/…: stable addresses, see addresses.py). Included at the site's root."""

from django.urls import path

from bluelamp.credentials.web import hosted, verify

app_name = "credentials"

urlpatterns = [
    # Anyone: check a certificate by its code.
    path("certificates/verify/", verify.verify_form, name="verify"),
    path("certificates/verify/<str:code>", verify.verify_code, name="verify_code"),
    # Public, for verifiers and wallets (JSON-LD).
    path("credentials/issuers/<uuid:organisation_uuid>", hosted.issuer_profile, name="issuer_profile"),
    path(
        "credentials/issuers/<uuid:organisation_uuid>/keys/<slug:key_id>",
        hosted.issuer_key,
        name="issuer_key",
    ),
    path("credentials/achievements/<uuid:template_uuid>", hosted.achievement, name="achievement"),
    path("credentials/status/<uuid:list_uuid>", hosted.status_list, name="status_list"),
]
