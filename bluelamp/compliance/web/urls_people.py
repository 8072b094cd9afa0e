"""The people side of mandatory training, under /compliance/people/ (views_people.py)."""

from django.urls import path

from bluelamp.compliance.web import views_people as views

urlpatterns = [
    path("me/", views.mine, name="mine"),
    path("<uuid:person_uuid>/", views.person_detail, name="person"),
    path("<uuid:person_uuid>/exemptions/new/", views.exemption_new, name="exemption_new"),
    path(
        "<uuid:person_uuid>/exemptions/<uuid:exemption_uuid>/revoke/",
        views.exemption_revoke,
        name="exemption_revoke",
    ),
    path(
        "<uuid:person_uuid>/exemptions/<uuid:exemption_uuid>/evidence/",
        views.exemption_evidence,
        name="exemption_evidence",
    ),
    path("<uuid:person_uuid>/extensions/new/", views.extension_new, name="extension_new"),
]
