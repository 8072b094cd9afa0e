"""The places part of programmes' pages: applications, everyone on a programme, a learner's place
as its administrators act on it (views_places.py), and the awarding body's files
(views_places_files.py). The names are fixed: services and other parts reverse them."""

from django.urls import path

from bluelamp.programmes.web import views_audiences as audience
from bluelamp.programmes.web import views_places as views
from bluelamp.programmes.web import views_places_files as files

urlpatterns = [
    path("applications/", views.applications, name="applications"),
    path("applications/<uuid:place_uuid>/", views.application, name="application"),
    path("manage/<uuid:programme_uuid>/places/", views.places_list, name="places"),
    path("manage/<uuid:programme_uuid>/places/add/", views.place_add, name="place_add"),
    path("manage/<uuid:programme_uuid>/registrations.csv", files.registrations_csv, name="registrations_csv"),
    path("manage/<uuid:programme_uuid>/claims/", files.claims, name="claims"),
    path("manage/<uuid:programme_uuid>/claims.csv", files.claims_csv, name="claims_csv"),
    path("manage/<uuid:programme_uuid>/audience/", audience.audience, name="audience"),
    path(
        "manage/<uuid:programme_uuid>/audience/<uuid:rule_uuid>/stop/",
        audience.audience_stop,
        name="audience_stop",
    ),
    path("places/<uuid:place_uuid>/allocate/", views.place_allocate, name="place_allocate"),
    path("places/<uuid:place_uuid>/registration/", views.place_registration, name="place_registration"),
    path("places/<uuid:place_uuid>/withdraw/", views.place_withdraw, name="place_withdraw"),
]
