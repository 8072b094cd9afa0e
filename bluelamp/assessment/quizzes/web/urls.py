"""The quizzes applet's pages: its parts' routes (urls_core, urls_results)."""

from django.urls import include, path

urlpatterns = [
    path("", include("bluelamp.assessment.quizzes.web.urls_core")),
    path("", include("bluelamp.assessment.quizzes.web.urls_results")),
]
