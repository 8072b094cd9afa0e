"""People's part of /api/v1/, built into the version's URLconf by bluelamp.restapi.urls
(registered in bluelamp/people/plugins.py; see bluelamp/core/plugins.py)."""

from bluelamp.people.rest import views

# (prefix, viewset, basename) for the version's router.
routes = [
    ("people", views.PersonViewSet, "person"),
]

urlpatterns: list = []
