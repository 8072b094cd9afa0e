"""The marking side's part of /api/v1/ (rest/marking.py), built into the version's URLconf by
bluelamp.restapi.urls (registered by part_marking.py; see bluelamp/core/plugins.py)."""

from bluelamp.assessment.assignments.rest import marking

# (prefix, viewset, basename) for the version's router.
routes = [
    ("marking-submissions", marking.MarkingSubmissionViewSet, "marking-submission"),
    ("moderation-samples", marking.ModerationSampleViewSet, "moderation-sample"),
]

urlpatterns: list = []
