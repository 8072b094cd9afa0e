"""Learning's part of /api/v1/, built into the version's URLconf by bluelamp.restapi.urls
(registered in bluelamp/learning/plugins.py; see bluelamp/core/plugins.py)."""

from django.urls import path

from bluelamp.learning.rest import views

# (prefix, viewset, basename) for the version's router.
routes = [
    ("courses", views.CourseViewSet, "course"),
    ("enrolments", views.EnrolmentViewSet, "enrolment"),
]

urlpatterns = [
    # A person's learner record sits under people/ (it is theirs), but learning keeps it.
    path("people/<int:id>/transcript/", views.TranscriptView.as_view(), name="person-transcript"),
]
