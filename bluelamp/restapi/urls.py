"""/api/: version 1 of the REST API, its OpenAPI document and reference, and the token page."""

from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from bluelamp.restapi import docs, learning_views, views, viewsets

router = DefaultRouter(trailing_slash=True)
router.include_format_suffixes = False
router.register("organisations", viewsets.OrganisationViewSet, basename="organisation")
router.register("licences", viewsets.LicenceViewSet, basename="licence")
router.register("units", viewsets.UnitViewSet, basename="unit")
router.register("people", viewsets.PersonViewSet, basename="person")
router.register("courses", learning_views.CourseViewSet, basename="course")
router.register("enrolments", learning_views.EnrolmentViewSet, basename="enrolment")

v1 = [
    path("licence-check/", viewsets.LicenceCheckView.as_view(), name="licence-check"),
    path("people/<int:id>/transcript/", learning_views.TranscriptView.as_view(), name="person-transcript"),
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
    path("v1/", include((v1, "v1"))),
    path("tokens/", include((tokens, "api_tokens"))),
]
