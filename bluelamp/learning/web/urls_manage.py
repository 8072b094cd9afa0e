"""Training administrators' and line managers' pages, under /learning/manage/ ("learning:manage_*")."""

from django.urls import path

from bluelamp.learning.web import views_manage as views

urlpatterns = [
    path("", views.course_list, name="manage_courses"),
    path("new/", views.course_new, name="manage_course_new"),
    path("team/", views.team, name="manage_team"),
    path("team/enrolments/<uuid:enrolment_uuid>/unenrol/", views.team_unenrol, name="manage_team_unenrol"),
    path("<uuid:course_uuid>/", views.course_detail, name="manage_course"),
    path("<uuid:course_uuid>/edit/", views.course_edit, name="manage_course_edit"),
    path("<uuid:course_uuid>/status/", views.course_status, name="manage_course_status"),
    path("<uuid:course_uuid>/versions/new/", views.version_start, name="manage_version_start"),
    path("<uuid:course_uuid>/draft/", views.version_update, name="manage_version_update"),
    path("<uuid:course_uuid>/draft/publish/", views.version_publish, name="manage_version_publish"),
    path(
        "<uuid:course_uuid>/draft/activities/new/<str:kind>/", views.activity_new, name="manage_activity_new"
    ),
    path(
        "<uuid:course_uuid>/draft/activities/<int:activity_id>/",
        views.activity_edit,
        name="manage_activity_edit",
    ),
    path(
        "<uuid:course_uuid>/draft/activities/<int:activity_id>/move/",
        views.activity_move,
        name="manage_activity_move",
    ),
    path(
        "<uuid:course_uuid>/draft/activities/<int:activity_id>/remove/",
        views.activity_remove,
        name="manage_activity_remove",
    ),
    path("<uuid:course_uuid>/enrolments/", views.enrolments, name="manage_enrolments"),
    path("<uuid:course_uuid>/enrolments/people/", views.enrol_people, name="manage_enrol_people"),
    path("<uuid:course_uuid>/enrolments/unit/", views.enrol_unit, name="manage_enrol_unit"),
    path("<uuid:course_uuid>/enrolments/csv/", views.enrol_csv, name="manage_enrol_csv"),
    path(
        "<uuid:course_uuid>/enrolments/<uuid:enrolment_uuid>/unenrol/",
        views.unenrol,
        name="manage_unenrol",
    ),
]
