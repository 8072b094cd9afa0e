"""The assignments applet's pages: its parts' routes (urls_core, urls_marking)."""

from django.urls import include, path

urlpatterns = [
    path("", include("bluelamp.assessment.assignments.web.urls_core")),
    path("", include("bluelamp.assessment.assignments.web.urls_marking")),
]
