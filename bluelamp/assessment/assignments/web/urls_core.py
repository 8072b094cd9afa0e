"""The core part's pages (under /assessment/assignments/, names prefixed `assignment_`)."""

from django.urls import path

from bluelamp.assessment.assignments.web import views_extensions, views_learner, views_setup

urlpatterns = [
    path("", views_setup.assignment_list, name="assignment_list"),
    path("courses/<uuid:course_uuid>/new/", views_setup.assignment_new, name="assignment_new"),
    path("<uuid:assignment_uuid>/settings/", views_setup.assignment_settings, name="assignment_settings"),
    path("<uuid:assignment_uuid>/criteria/", views_setup.assignment_criteria, name="assignment_criteria"),
    path(
        "<uuid:assignment_uuid>/criteria/import/",
        views_setup.assignment_criteria_import,
        name="assignment_criteria_import",
    ),
    path(
        "<uuid:assignment_uuid>/criteria/<int:criterion_id>/",
        views_setup.assignment_criterion,
        name="assignment_criterion",
    ),
    path(
        "<uuid:assignment_uuid>/criteria/<int:criterion_id>/move/",
        views_setup.assignment_criterion_move,
        name="assignment_criterion_move",
    ),
    path(
        "<uuid:assignment_uuid>/criteria/<int:criterion_id>/remove/",
        views_setup.assignment_criterion_remove,
        name="assignment_criterion_remove",
    ),
    # The learner's side.
    path("<uuid:assignment_uuid>/", views_learner.assignment_learner, name="assignment_learner"),
    path("<uuid:assignment_uuid>/resubmit/", views_learner.assignment_resubmit, name="assignment_resubmit"),
    path(
        "<uuid:assignment_uuid>/files/<uuid:file_uuid>/",
        views_learner.assignment_file,
        name="assignment_file",
    ),
    path(
        "<uuid:assignment_uuid>/files/<uuid:file_uuid>/remove/",
        views_learner.assignment_file_remove,
        name="assignment_file_remove",
    ),
    # Extensions.
    path(
        "<uuid:assignment_uuid>/extensions/",
        views_extensions.assignment_extensions,
        name="assignment_extensions",
    ),
    path(
        "<uuid:assignment_uuid>/extensions/<uuid:extension_uuid>/revoke/",
        views_extensions.assignment_extension_revoke,
        name="assignment_extension_revoke",
    ),
]
