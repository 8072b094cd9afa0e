"""The requirements' pages, under /compliance/requirements/ (views_requirements.py)."""

from django.urls import path

from bluelamp.compliance.web import views_requirements as views

urlpatterns = [
    path("", views.requirement_list, name="requirements"),
    path("new/", views.requirement_new, name="requirement_new"),
    path("<uuid:requirement_uuid>/", views.requirement_detail, name="requirement"),
    path("<uuid:requirement_uuid>/edit/", views.requirement_edit, name="requirement_edit"),
    path("<uuid:requirement_uuid>/retire/", views.requirement_retire, name="requirement_retire"),
    path("<uuid:requirement_uuid>/restore/", views.requirement_restore, name="requirement_restore"),
]
