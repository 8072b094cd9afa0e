"""The learner's programme pages (views_learner.py), gathered by bluelamp/programmes/urls.py."""

from django.urls import path

from bluelamp.programmes.web import views_learner as views

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<uuid:programme_uuid>/", views.programme_detail, name="programme"),
    path("<uuid:programme_uuid>/apply/", views.apply, name="apply"),
    path("mine/<uuid:place_uuid>/", views.my_programme, name="my_programme"),
    path("mine/<uuid:place_uuid>/messages/", views.my_programme_messages, name="my_programme_messages"),
    path("mine/<uuid:place_uuid>/withdraw/", views.my_withdraw, name="my_withdraw"),
    path("upcoming/", views.upcoming_page, name="upcoming"),
]
