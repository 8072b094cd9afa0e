"""Dashboard pages, included into the "servicedesk" namespace (no app_name of their own)."""

from django.urls import path

from bluelamp.servicedesk.reporting import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export/<slug:dataset>.<slug:fmt>", views.export, name="dashboard_export"),
]
