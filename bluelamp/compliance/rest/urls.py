"""Mandatory training's part of /api/v1/, built into the version's URLconf by bluelamp.restapi.urls
(registered by bluelamp/compliance/rest/plugin.py; see bluelamp/core/plugins.py)."""

from django.urls import path, re_path

from bluelamp.compliance.rest import views

# (prefix, viewset, basename) for the version's router.
routes = [
    ("requirements", views.RequirementViewSet, "requirement"),
]

urlpatterns = [
    # A person's, a unit's and an organisation's standing sit under theirs, but compliance keeps
    # them (as learning keeps /people/{id}/transcript/). A person by id, as elsewhere under
    # /people/, or by uuid.
    re_path(
        r"^people/(?P<person>[0-9]+|[0-9a-fA-F-]{32,36})/compliance/$",
        views.PersonComplianceView.as_view(),
        name="person-compliance",
    ),
    path("units/<int:id>/compliance/", views.UnitComplianceView.as_view(), name="unit-compliance"),
    path(
        "organisations/<slug:slug>/compliance/",
        views.OrganisationComplianceView.as_view(),
        name="organisation-compliance",
    ),
]
