"""Availability's part of /api/v1/, built into the version's URLconf by bluelamp.restapi.urls
(registered by bluelamp/availability/rest/plugin.py)."""

from django.urls import path

from bluelamp.availability.rest import views

routes: list = []

urlpatterns = [
    path("status/", views.StatusView.as_view(), name="status"),
    path("availability/<str:month>/", views.MonthView.as_view(), name="availability-month"),
]
