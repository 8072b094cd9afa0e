"""The forward schedule of change, under /changes/schedule/ (views_schedule.py)."""

from django.urls import path

from bluelamp.changes.web import views_schedule as views

urlpatterns = [
    path("", views.forward_schedule, name="schedule"),
    path("freezes/", views.freeze_new, name="freeze_new"),
    path("freezes/<int:freeze_id>/delete/", views.freeze_delete, name="freeze_delete"),
]
