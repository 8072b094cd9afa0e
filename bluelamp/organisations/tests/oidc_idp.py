"""A small, real OpenID Connect provider for single sign-on tests: django-oauth-toolkit.

It runs inside the test's live server next to Bluelamp, reached as 127.0.0.1 while Bluelamp is
reached as localhost, so the browser-side cookies of the two stay apart, as they would for a
force's Entra ID and Bluelamp. Import this module only once `oauth2_provider` is installed (the
`identity_provider` fixture does that).

Who is signed in at the provider is a provider-side account (a Person in the national body, as
django-oauth-toolkit needs a user of AUTH_USER_MODEL); what the provider *asserts* about them
comes from DIRECTORY, so a test can make the provider assert any address: Bob's, Charlie's, or
one Bluelamp has never seen.
"""

from django.urls import include, path
from oauth2_provider.oauth2_validators import OAuth2Validator

from config.urls import urlpatterns as bluelamp_urlpatterns

# Provider-side account (Person pk) → the claims the provider asserts about it.
DIRECTORY: dict[int, dict] = {}


class DirectoryValidator(OAuth2Validator):
    def get_additional_claims(self, request):
        return dict(DIRECTORY.get(request.user.pk, {}))


urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    *bluelamp_urlpatterns,
]
