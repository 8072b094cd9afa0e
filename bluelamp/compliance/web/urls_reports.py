"""The compliance dashboards, at the top of /compliance/ (views_reports.py). Each table downloads
from its own page with ?format=csv or ?format=xlsx and ?table=<name>."""

from django.urls import path

from bluelamp.compliance.web import views_reports as views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("national/", views.national, name="national"),
    path("forecast/", views.forecast_page, name="forecast"),
]
