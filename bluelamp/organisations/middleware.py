"""Which organisation's domain a request is for, and MFA for administrators."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from bluelamp.core.endpoints import is_machine_endpoint
from bluelamp.organisations.cache import has_totp, organisation_by_pk, organisation_for_host
from bluelamp.organisations.models import Organisation
from bluelamp.organisations.permissions import is_administrator

SESSION_KEY = "bluelamp_org"


class OrganisationMiddleware:
    """Sets request.organisation: by host name, else ?org=SLUG (kept in the session), else the
    signed-in person's own organisation. Used for branding and the sign-in options shown;
    access to data is decided by roles, never by the host."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.bluelamp_machine_endpoint = is_machine_endpoint(request)
        request.organisation = None if request.bluelamp_machine_endpoint else self._resolve(request)
        return self.get_response(request)

    def _resolve(self, request) -> Organisation | None:
        organisation = organisation_for_host(request.get_host())
        if organisation:
            return organisation
        slug = request.GET.get("org")
        if slug is not None:
            organisation = Organisation.objects.filter(slug=slug).first() if slug else None
            if organisation:
                request.session[SESSION_KEY] = organisation.slug
            else:
                request.session.pop(SESSION_KEY, None)
            return organisation
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            organisation = organisation_by_pk(user.organisation_id)
            if organisation is not None:
                user.organisation = organisation  # the same row: later reads need no query
            return organisation
        slug = request.session.get(SESSION_KEY)
        if slug:
            return Organisation.objects.filter(slug=slug).first()
        return None


# Pages an administrator without MFA may still use: setting MFA up, signing in and out, static files.
_MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/media/", "/api/v1/licence-check/", "/licence-check/")

MFA_SETUP = "setup"
MFA_VERIFY = "verify"


def requires_mfa(person) -> bool:
    """Administrators, and anyone who may open Django admin, sign in with two factors."""
    if person is None or not getattr(person, "is_authenticated", False):
        return False
    return bool(person.is_staff or person.is_superuser or is_administrator(person))


def session_mfa_problem(request) -> str | None:
    """Why this signed-in session may not act yet: MFA_SETUP when an administrator has no TOTP
    authenticator, MFA_VERIFY when they have one but this session was signed in without it
    (any way round allauth's sign-in, e.g. a password-only login form), else None.

    allauth records every way a session authenticated (password, mfa, socialaccount); an "mfa"
    record is only written after a second factor was checked (or a TOTP was just set up)."""
    user = getattr(request, "user", None)
    if not requires_mfa(user):
        return None
    if not has_totp(user):
        return MFA_SETUP
    from allauth.account.authentication import get_authentication_records

    if any(record.get("method") == "mfa" for record in get_authentication_records(request, user)):
        return None
    return MFA_VERIFY


class AdminMfaMiddleware:
    """Administrators must set up TOTP before doing anything else, and every administrator's
    session must have passed it: a session signed in with a password alone is signed out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path.startswith(_MFA_EXEMPT_PREFIXES)
            or getattr(request, "bluelamp_machine_endpoint", False)
            or not getattr(request, "user", None)
            or not request.user.is_authenticated
        ):
            return self.get_response(request)
        problem = session_mfa_problem(request)
        if problem is None:
            return self.get_response(request)
        api = request.path.startswith("/api/v1/")
        if problem == MFA_VERIFY:
            logout(request)
            if api:
                return JsonResponse(
                    {"detail": "Sign in again with your two-factor code, or use an API token."}, status=403
                )
            return redirect(f"{settings.LOGIN_URL}?{urlencode({'next': request.get_full_path()}, safe='/')}")
        if api:
            # The REST API's own permission explains how to set MFA up (JSON, 403).
            return self.get_response(request)
        return redirect(
            reverse("mfa_activate_totp") + "?" + urlencode({"next": request.get_full_path()}, safe="/")
        )
