"""The assignments applet's part of /api/v1/ (its core part; the marking part registers
urls_marking.py), built into the version's URLconf by bluelamp.restapi.urls (registered by
part_core.py; see bluelamp/core/plugins.py)."""

from bluelamp.assessment.assignments.rest import views

# (prefix, viewset, basename) for the version's router.
routes = [
    ("assignments", views.AssignmentViewSet, "assignment"),
    ("assignment-submissions", views.MySubmissionViewSet, "assignment-submission"),
]

urlpatterns: list = []
