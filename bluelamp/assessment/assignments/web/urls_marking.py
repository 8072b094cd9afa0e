"""The marking side's pages (views_marking.py, views_moderation.py), under
/assessment/assignments/: `assignment_marking` (the assignments with work to mark) and
`assignment_verification` (internal verification) are the lists the assessment landing page
links to."""

from django.urls import path

from bluelamp.assessment.assignments.web import views_marking as marking
from bluelamp.assessment.assignments.web import views_moderation as moderation

urlpatterns = [
    path("marking/", marking.marking_home, name="assignment_marking"),
    path("marking/<uuid:assignment_uuid>/", marking.submissions, name="assignment_submissions"),
    path("marking/<uuid:assignment_uuid>/release/", marking.release, name="assignment_release"),
    path("marking/<uuid:assignment_uuid>/reveal/", marking.reveal, name="assignment_reveal"),
    path("marking/<uuid:assignment_uuid>/download/", marking.download, name="assignment_download"),
    path("marking/<uuid:assignment_uuid>/markers/", marking.markers, name="assignment_markers"),
    path(
        "marking/<uuid:assignment_uuid>/markers/<int:allocation_id>/remove/",
        marking.marker_remove,
        name="assignment_marker_remove",
    ),
    path("marking/submissions/<uuid:submission_uuid>/", marking.mark, name="assignment_mark"),
    path(
        "marking/submissions/<uuid:submission_uuid>/files/<uuid:file_uuid>/",
        marking.submission_file,
        name="assignment_marking_file",
    ),
    path(
        "marking/submissions/<uuid:submission_uuid>/files/<uuid:file_uuid>/remove/",
        marking.feedback_file_remove,
        name="assignment_feedback_file_remove",
    ),
    path("verification/", moderation.verification_home, name="assignment_verification"),
    path("verification/<uuid:assignment_uuid>/", moderation.samples, name="assignment_samples"),
    path("verification/samples/<uuid:sample_uuid>/", moderation.sample, name="assignment_sample"),
    path("verification/samples/<uuid:sample_uuid>/add/", moderation.sample_add, name="assignment_sample_add"),
    path(
        "verification/samples/<uuid:sample_uuid>/close/",
        moderation.sample_close,
        name="assignment_sample_close",
    ),
    path(
        "verification/samples/<uuid:sample_uuid>/print/",
        moderation.sample_print,
        name="assignment_sample_print",
    ),
    path(
        "verification/samples/<uuid:sample_uuid>/export.<slug:fmt>",
        moderation.sample_export,
        name="assignment_sample_export",
    ),
    path(
        "verification/samples/<uuid:sample_uuid>/items/<int:item_id>/",
        moderation.verify,
        name="assignment_verify",
    ),
]
