"""Who may use the API at all: REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"] names these for every
API view, in whichever domain's rest/ it lives, unless the view says otherwise. What they may see
is decided per object by the domains' access helpers, exactly as for the web pages."""

from allauth.mfa.models import Authenticator
from rest_framework.permissions import BasePermission

from bluelamp.organisations.api import has_own_domain, requires_mfa


def needs_mfa_setup(person) -> bool:
    """An administrator who has not set up two-factor sign-in yet.

    The site's MFA middleware lets session requests to /api/v1/ through to here so that the
    refusal is JSON; it signs out any administrator's session that did not pass the second factor.
    """
    return (
        requires_mfa(person)
        and not Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()
    )


class SignedInAdministratorsHaveMfa(BasePermission):
    message = (
        "You hold an administrative role, so you must set up two-factor sign-in (Security, in the "
        "page header) before using the API with your browser session. Tokens work as usual."
    )

    def has_permission(self, request, view) -> bool:
        # A token was created from an MFA-protected session, so only session requests need the check.
        if request.auth is not None or not request.user.is_authenticated:
            return True
        return not needs_mfa_setup(request.user)


class OrganisationDomainInForce(BasePermission):
    """People of an organisation without a Digital Services Licence (PL-P-101) in force have no
    API: a clear refusal, rather than empty lists that an integration could mistake for
    "everyone has left". Nothing is deleted; access returns when the licence does."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user.is_authenticated:
            return True
        if has_own_domain(user.organisation):
            return True
        self.message = (
            f"{user.organisation.name}'s Digital Services Licence (PL-P-101) is not in force, so its "
            "API is unavailable. Records are kept; access returns when the licence is renewed."
        )
        return False
