"""Availability's addresses: the public /status page, and under /availability/ the monthly report
and planned maintenance."""

from django.urls import include, path

from bluelamp.availability.web import views_report, views_status

app_name = "availability"

urlpatterns = [
    path("status", views_status.status, name="status"),
    path("availability/", views_report.report, name="report"),
    path("availability/maintenance/", include("bluelamp.availability.web.urls_maintenance")),
]
