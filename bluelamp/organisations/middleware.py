"""Which organisation's domain a request is for, and MFA for administrators."""

from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from bluelamp.organisations.models import Organisation
from bluelamp.organisations.permissions import is_administrator

SESSION_KEY = "bluelamp_org"


def machine_endpoint(view):
    """Mark a view that answers a program, never a person (e.g. the SCORM runtime's commits):
    no page is rendered, so neither branding nor the MFA redirect applies and their lookups are
    skipped. Such a view must do its own access checks (it still requires a signed-in user if it
    says so)."""
    view.bluelamp_machine_endpoint = True
    return view


def _is_machine_endpoint(request) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return getattr(match.func, "bluelamp_machine_endpoint", False)


def _organisation_for_host(host: str) -> Organisation | None:
    host = host.split(":", 1)[0].lower()
    if not host:
        return None
    return Organisation.objects.filter(host_name=host).first()


class OrganisationMiddleware:
    """Sets request.organisation: by host name, else ?org=SLUG (kept in the session), else the
    signed-in person's own organisation. Used for branding and the sign-in options shown;
    access to data is decided by roles, never by the host."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.bluelamp_machine_endpoint = _is_machine_endpoint(request)
        request.organisation = None if request.bluelamp_machine_endpoint else self._resolve(request)
        return self.get_response(request)

    def _resolve(self, request) -> Organisation | None:
        organisation = _organisation_for_host(request.get_host())
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
            return user.organisation
        slug = request.session.get(SESSION_KEY)
        if slug:
            return Organisation.objects.filter(slug=slug).first()
        return None


# Pages an administrator without MFA may still use: setting MFA up, signing out, static files.
_MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/media/", "/api/v1/licence-check/", "/licence-check/")


class AdminMfaMiddleware:
    """Anyone holding an administrative role must set up TOTP before doing anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_MFA_EXEMPT_PREFIXES)
            and not request.path.startswith("/api/")
            and not getattr(request, "bluelamp_machine_endpoint", False)
            and is_administrator(user)
            and not _has_totp(user)
        ):
            return redirect(reverse("mfa_activate_totp") + "?next=" + request.get_full_path())
        return self.get_response(request)


def _has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
