"""An organisation's OpenID Connect sign-in (e.g. Entra ID): its issuer, client and who may use it."""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from bluelamp.audit.api import audit_record
from bluelamp.organisations.models import Organisation, SingleSignOn
from bluelamp.organisations.roles import Perm
from bluelamp.organisations.services._common import check_actor

_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
# Hosts where an identity provider may be reached over plain HTTP (development and tests only).
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def _ssosnapshot(sso: SingleSignOn) -> dict:
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
    and never written to the audit log. For the organisation's administrators (organisation.edit
    over the whole organisation), and the system (`actor=None`: tests' factories).
    """
    check_actor(
        actor,
        Perm.ORGANISATION_EDIT,
        lambda access: access.covers_organisation(organisation.pk),
        "You cannot set up single sign-on for this organisation.",
    )
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

    before = _ssosnapshot(sso) if sso else None
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
        after = _ssosnapshot(sso)
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
