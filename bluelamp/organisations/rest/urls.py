"""Organisations' part of /api/v1/, built into the version's URLconf by bluelamp.restapi.urls
(registered in bluelamp/organisations/plugins.py; see bluelamp/core/plugins.py)."""

from django.urls import path

from bluelamp.organisations.rest import views

# (prefix, viewset, basename) for the version's router.
routes = [
    ("organisations", views.OrganisationViewSet, "organisation"),
    ("licences", views.LicenceViewSet, "licence"),
    ("units", views.UnitViewSet, "unit"),
]

urlpatterns = [
    path("licence-check/", views.LicenceCheckView.as_view(), name="licence-check"),
]
