"""OpenAPI extensions: describe our knox subclass the way drf-spectacular describes knox."""

from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme


class BluelampTokenScheme(KnoxTokenScheme):
    target_class = "bluelamp.restapi.authentication.TokenAuthentication"
    name = "tokenAuth"
