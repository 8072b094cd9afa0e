"""/api/: version 1 of the REST API, its OpenAPI document and reference, and the token page.

Each domain keeps its own endpoints in `bluelamp/<domain>/rest/` and registers its `rest/urls.py`
from its plugins (bluelamp/core/plugins.py, `register_api_urls`); this module builds the version
from them, so the API knows no domain by name and a new domain's endpoints need no change here.
"""

from importlib import import_module

from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import APIRootView, DefaultRouter

from bluelamp.core.plugins import api_url_modules
from bluelamp.restapi import docs, views


class ApiIndex(APIRootView):
    """The version's index of endpoints: anyone signed in may read it (it lists no data)."""

    permission_classes = [IsAuthenticated]


def _version_1() -> list:
    router = DefaultRouter(trailing_slash=True)
    router.include_format_suffixes = False
    router.APIRootView = ApiIndex
    domains: list[URLPattern | URLResolver] = []
    for name in api_url_modules():
        module = import_module(name)
        for prefix, viewset, basename in getattr(module, "routes", []):
            router.register(prefix, viewset, basename=basename)
        domains += getattr(module, "urlpatterns", [])
    return [
        *domains,
        path("schema/", SpectacularAPIView.as_view(), name="schema"),
        # Our own reference page, drawn from the schema (Swagger UI and Redoc failed accessibility).
        path("docs/", docs.api_reference, name="docs"),
        path("redoc/", RedirectView.as_view(pattern_name="v1:docs", permanent=False), name="redoc"),
        path("", include(router.urls)),
    ]


tokens = [
    path("", views.tokens, name="list"),
    path("<uuid:token_uuid>/revoke/", views.token_revoke, name="revoke"),
]

urlpatterns = [
    # The namespace is the version: DRF's NamespaceVersioning reads request.version from it.
    path("v1/", include((_version_1(), "v1"))),
    path("tokens/", include((tokens, "api_tokens"))),
]
