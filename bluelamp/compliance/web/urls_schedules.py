"""Scheduled e-mailed reports, under /compliance/schedules/ (views_schedules.py)."""

from django.urls import path

from bluelamp.compliance.web import views_schedules as views

urlpatterns = [
    path("", views.schedule_list, name="schedules"),
    path("new/", views.schedule_new, name="schedule_new"),
    path("<uuid:schedule_uuid>/", views.schedule_edit, name="schedule_edit"),
    path("<uuid:schedule_uuid>/delete/", views.schedule_delete, name="schedule_delete"),
]
