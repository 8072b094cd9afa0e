"""Certificates' pages (/certificates/…) and the public documents Open Badges verifiers fetch
(/credentials/…: stable addresses, see addresses.py). Included at the site's root."""

from django.urls import path

from bluelamp.credentials.web import hosted, keys, learner, manage, verify

app_name = "credentials"

urlpatterns = [
    # Anyone: check a certificate by its code.
    path("certificates/verify/", verify.verify_form, name="verify"),
    path("certificates/verify/<str:code>", verify.verify_code, name="verify_code"),
    # The learner's own.
    path("certificates/", learner.certificate_list, name="certificate_list"),
    path("certificates/<uuid:certificate_uuid>/", learner.certificate_detail, name="certificate"),
    path(
        "certificates/<uuid:certificate_uuid>/certificate.pdf",
        learner.certificate_pdf,
        name="certificate_pdf",
    ),
    path(
        "certificates/<uuid:certificate_uuid>/badge.json", learner.certificate_badge, name="certificate_badge"
    ),
    path("certificates/<uuid:certificate_uuid>/share/", learner.certificate_share, name="certificate_share"),
    # Administrators: templates, certificates issued, issuing by hand, revoking, signing keys.
    path("certificates/manage/", manage.template_list, name="template_list"),
    path("certificates/manage/new/", manage.template_create, name="template_create"),
    path("certificates/manage/<uuid:template_uuid>/", manage.template_edit, name="template_edit"),
    path("certificates/manage/<uuid:template_uuid>/state/", manage.template_state, name="template_state"),
    path(
        "certificates/manage/<uuid:template_uuid>/backlog/", manage.template_backlog, name="template_backlog"
    ),
    path(
        "certificates/manage/<uuid:template_uuid>/issue/", manage.certificate_issue, name="certificate_issue"
    ),
    path("certificates/issued/", manage.issued_list, name="issued_list"),
    path(
        "certificates/<uuid:certificate_uuid>/revoke/", manage.certificate_revoke, name="certificate_revoke"
    ),
    path("certificates/keys/", keys.key_list, name="key_list"),
    path("certificates/keys/<slug:organisation_slug>/rotate/", keys.key_rotate, name="key_rotate"),
    path("certificates/keys/<uuid:key_uuid>/withdraw/", keys.key_withdraw, name="key_withdraw"),
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
