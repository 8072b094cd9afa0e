"""django-allauth adapters: who may sign in, and how single sign-on finds the person.

Single sign-on trusts an organisation's identity provider for that organisation's people only.
A person is matched by e-mail the first time (their HR record has no link to the identity
provider yet) and by the provider's subject identifier after that; either way the person must
belong to the organisation that owns the identity provider, still work there, and have an
address in one of its domains. So Kent's identity provider can never sign anyone in as an Essex
officer, whatever it asserts.
"""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import record_authentication
from allauth.account.models import EmailAddress
from allauth.account.signals import password_reset
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.signals import authenticator_added
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from axes.utils import reset as axes_reset
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import render

from bluelamp.audit.api import audit_record
from bluelamp.notifications.api import email_queue_message
from bluelamp.organisations.api import enabled_single_sign_on_app_ids, single_sign_on_for_app
from bluelamp.people.models import Person
from bluelamp.people.services import person_create

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # People are created by their organisation (HR import, admins), never by open sign-up.
        return False

    def pre_authenticate(self, request, **credentials):
        # While django-axes has sign-in locked, say so (429, with when to try again) before
        # allauth's own, shorter-lived counter answers "too many attempts" on the form.
        if request is not None and AxesProxyHandler.is_locked(request, credentials):
            raise ImmediateHttpResponse(get_lockout_response(request, credentials=credentials))
        super().pre_authenticate(request, **credentials)

    def set_password(self, user, password):
        # A new password (from a reset link, which proves the mailbox is theirs) ends a lockout,
        # so the person can sign in straight away rather than wait out the cool-off.
        super().set_password(user, password)
        axes_reset(username=user.email.lower())

    def send_mail(self, template_prefix, email, context):
        # allauth's e-mails (password reset, address confirmation, MFA notices) are built by
        # allauth, as its own send_mail does, but queued rather than sent from the request: an
        # SMTP outage delays a reset link, never turns the page into an error, and loses nothing.
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {"request": request, "email": email, "current_site": get_current_site(request), **context},
        )
        email_queue_message(message, kind=f"account.{template_prefix.rsplit('/', 1)[-1]}")


# Why a single sign-on was refused: shown to the person (what to do next) and kept in the audit log.
REFUSALS = {
    "not_configured": "This sign-in service is not set up for Bluelamp.",
    "no_email": "Your organisation's sign-in service did not tell us your e-mail address.",
    "domain": "Your e-mail address is not in one of the domains your organisation allows.",
    "unverified": "Your organisation's sign-in service says it has not confirmed your e-mail address.",
    "other_organisation": "Your Bluelamp account belongs to another organisation. Sign in through that "
    "organisation's sign-in service, or with your e-mail address and password.",
    "leaver": "Your Bluelamp account has been closed because you have left the organisation.",
    "unknown": "Your organisation has not given you a Bluelamp account yet. Ask your training "
    "administrator to add you.",
    "no_name": "Your organisation's sign-in service did not tell us your name, so we cannot create "
    "your account.",
    "connect": "Your organisation's account is linked to Bluelamp when you sign in with it, not from "
    "your account settings.",
    "cannot_create": "We could not create your Bluelamp account from the details your organisation's "
    "sign-in service sent. Ask your training administrator to add you.",
}


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        # Accounts for single sign-on are created (when the organisation allows it) in
        # pre_social_login, through the people service; allauth's own sign-up stays closed.
        return False

    def list_apps(self, request, provider=None, client_id=None):
        # Only identity providers that an organisation owns and has switched on exist for allauth:
        # an app added without an organisation, or switched off, gives "not found".
        apps = super().list_apps(request, provider=provider, client_id=client_id)
        enabled = enabled_single_sign_on_app_ids()
        return [app for app in apps if app.pk in enabled]

    def authenticate_by_email(self, sociallogin):
        # allauth would match any person with the address, in any organisation. Matching is done
        # in pre_social_login instead, limited to the identity provider's organisation.
        return None

    def pre_social_login(self, request, sociallogin):
        sso = single_sign_on_for_app(sociallogin.provider.app)
        if sso is None or not sso.enabled:
            self._refuse(request, sso, "not_configured")
        if sociallogin.state.get("process", AuthProcess.LOGIN) != AuthProcess.LOGIN:
            # Links are made only by signing in, where the rules below apply; "connect this
            # account to mine" would let a signed-in person attach someone else's identity.
            self._refuse(request, sso, "connect")
        email = _asserted_email(sociallogin)
        if not email:
            self._refuse(request, sso, "no_email")
        if not sso.allows_email(email):
            self._refuse(request, sso, "domain", email)
        if _says_unverified(sociallogin):
            # e.g. an identity provider that lets people type in their own address.
            self._refuse(request, sso, "unverified", email)

        if sociallogin.is_existing:
            # Seen before: the identity provider's subject identifier is linked to this person.
            person = sociallogin.user
        else:
            person = Person.objects.filter(email__iexact=email).first()
        if person is None:
            if not sso.create_unknown_people:
                self._refuse(request, sso, "unknown", email)
            person = self._create_person(request, sso, sociallogin, email)
        if person.organisation_id != sso.organisation_id:
            self._refuse(request, sso, "other_organisation", email)
        if not person.is_active or person.is_leaver:
            self._refuse(request, sso, "leaver", email)

        # The organisation's identity provider vouches for the address, so e-mail verification
        # (mandatory for password sign-in) is not asked for again.
        if email == person.email.lower():
            _mark_verified(person, person.email)
        if not sociallogin.is_existing:
            sociallogin.connect(request, person)

    def _create_person(self, request, sso, sociallogin, email) -> Person:
        claimed = sociallogin.user
        first_name = (getattr(claimed, "first_name", "") or "").strip()
        last_name = (getattr(claimed, "last_name", "") or "").strip()
        if not first_name or not last_name:
            self._refuse(request, sso, "no_name", email)
        try:
            with transaction.atomic():
                person = person_create(
                    actor=None,
                    organisation=sso.organisation,
                    email=email,
                    first_name=first_name,
                    last_name=last_name,
                    check_access=False,
                )
                audit_record(
                    actor=None,
                    action="person.created_by_single_sign_on",
                    organisation=sso.organisation,
                    obj=person,
                    after={"provider": sso.provider_id},
                )
        except ValidationError as exc:
            logger.warning(
                "Single sign-on could not create a person in %s: %s",
                sso.organisation.slug,
                ", ".join(sorted(getattr(exc, "error_dict", {}) or ["details"])),
            )
            self._refuse(request, sso, "cannot_create", email)
        return person

    def _refuse(self, request, sso, reason: str, email: str = ""):
        organisation = sso.organisation if sso else None
        if organisation is not None:
            audit_record(
                actor=None,
                action="sign_in.single_sign_on_refused",
                organisation=organisation,
                object_type="single_sign_on",
                object_label=email,
                after={"reason": reason, "provider": sso.provider_id},
            )
        logger.info(
            "Single sign-on refused (%s) for organisation %s", reason, organisation and organisation.slug
        )
        response = render(
            request,
            "people/sign_in_refused.html",
            {
                "title": "You cannot sign in this way",
                "reason": REFUSALS[reason],
                "organisation": organisation,
            },
            status=403,
        )
        raise ImmediateHttpResponse(response)


def _asserted_email(sociallogin) -> str:
    """The address the identity provider asserts, lower-case.

    Entra ID sends `email` only when the optional claim is configured; its `preferred_username`
    (the user principal name) is the work address in police forces, so it is the fallback.
    """
    email = (getattr(sociallogin.user, "email", "") or "").strip()
    if not email and sociallogin.email_addresses:
        email = sociallogin.email_addresses[0].email
    if not email:
        data = sociallogin.account.extra_data or {}
        for source in (data.get("userinfo") or {}, data.get("id_token") or {}, data):
            candidate = source.get("preferred_username") or source.get("upn") or ""
            if isinstance(candidate, str) and "@" in candidate:
                email = candidate
                break
    return email.strip().lower()


def _says_unverified(sociallogin) -> bool:
    """The provider explicitly says the address is unconfirmed (Entra ID says nothing either way)."""
    data = sociallogin.account.extra_data or {}
    sources = [data.get("userinfo") or {}, data.get("id_token") or {}, data]
    return any(isinstance(source, dict) and source.get("email_verified") is False for source in sources)


def _mark_verified(person: Person, email: str) -> None:
    address = EmailAddress.objects.filter(user=person, email__iexact=email).first()
    if address is None:
        EmailAddress.objects.create(
            user=person,
            email=email,
            verified=True,
            primary=not EmailAddress.objects.filter(user=person, primary=True).exists(),
        )
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])


@receiver(password_reset, dispatch_uid="bluelamp.people.reset_link_proves_the_address")
def _reset_link_proves_the_address(sender, request, user, **kwargs):
    """The reset link reached the person's mailbox, so their address needs no second check.

    People come from HR imports with no password; their first one is set through a reset link.
    Without this, their first sign-in would send them yet another e-mail, to verify the address.
    """
    others = EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email)
    if not others.exists():
        _mark_verified(user, user.email)


@receiver(authenticator_added, dispatch_uid="bluelamp.people.totp_set_up_counts_as_mfa")
def _totp_set_up_counts_as_mfa(sender, request, user, authenticator, **kwargs):
    """Setting up TOTP means entering a code from it: the session has just passed the second
    factor. Without this record an administrator who set up MFA right after signing in with their
    password would be signed out on the next page (AdminMfaMiddleware wants an "mfa" record)."""
    if request is not None and getattr(request, "user", None) == user and authenticator.type == "totp":
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type, set_up=True)
