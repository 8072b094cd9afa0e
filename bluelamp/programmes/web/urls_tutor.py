"""Tutors' and concierges' programme pages (views_tutor.py), gathered by bluelamp/programmes/urls.py."""

from django.urls import path

from bluelamp.programmes.web import views_tutor as views

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("places/<uuid:place_uuid>/", views.place_detail, name="place"),
    path("places/<uuid:place_uuid>/messages/", views.place_messages, name="place_messages"),
]
