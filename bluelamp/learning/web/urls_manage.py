"""Training administrators' and line managers' pages, under /learning/manage/ ("learning:manage_*")."""

from django.urls import path

from bluelamp.learning.web.manage import activities, courses, enrolments, team

urlpatterns = [
    path("", courses.course_list, name="manage_courses"),
    path("new/", courses.course_new, name="manage_course_new"),
    path("team/", team.team, name="manage_team"),
    path("team/enrolments/<uuid:enrolment_uuid>/unenrol/", team.team_unenrol, name="manage_team_unenrol"),
    path("<uuid:course_uuid>/", courses.course_detail, name="manage_course"),
    path("<uuid:course_uuid>/edit/", courses.course_edit, name="manage_course_edit"),
    path("<uuid:course_uuid>/status/", courses.course_status, name="manage_course_status"),
    path("<uuid:course_uuid>/versions/new/", courses.version_start, name="manage_version_start"),
    path("<uuid:course_uuid>/draft/", courses.version_update, name="manage_version_update"),
    path("<uuid:course_uuid>/draft/publish/", courses.version_publish, name="manage_version_publish"),
    path(
        "<uuid:course_uuid>/draft/activities/new/<str:kind>/",
        activities.activity_new,
        name="manage_activity_new",
    ),
    path(
        "<uuid:course_uuid>/draft/activities/<int:activity_id>/",
        activities.activity_edit,
        name="manage_activity_edit",
    ),
    path(
        "<uuid:course_uuid>/draft/activities/<int:activity_id>/move/",
        activities.activity_move,
        name="manage_activity_move",
    ),
    path(
        "<uuid:course_uuid>/draft/activities/<int:activity_id>/remove/",
        activities.activity_remove,
        name="manage_activity_remove",
    ),
    path("<uuid:course_uuid>/enrolments/", enrolments.enrolments, name="manage_enrolments"),
    path("<uuid:course_uuid>/enrolments/people/", enrolments.enrol_people, name="manage_enrol_people"),
    path("<uuid:course_uuid>/enrolments/unit/", enrolments.enrol_unit, name="manage_enrol_unit"),
    path("<uuid:course_uuid>/enrolments/csv/", enrolments.enrol_csv, name="manage_enrol_csv"),
    path(
        "<uuid:course_uuid>/enrolments/<uuid:enrolment_uuid>/unenrol/",
        enrolments.unenrol,
        name="manage_unenrol",
    ),
]
