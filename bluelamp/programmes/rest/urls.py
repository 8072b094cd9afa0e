"""Programmes' part of /api/v1/, built into the version's URLconf by bluelamp.restapi.urls."""

from bluelamp.programmes.rest import views

routes = [
    ("programmes", views.ProgrammeViewSet, "programme"),
    ("programme-places", views.PlaceViewSet, "programme-place"),
]

urlpatterns: list = []
