"""The gradebook's part of /api/v1/, built into the version's URLconf by bluelamp.restapi.urls
(registered by bluelamp/assessment/gradebook/plugin.py; see bluelamp/core/plugins.py). A course's
gradebook sits under the course (learning keeps /courses/{uuid}/), as compliance keeps a person's
standing under /people/."""

from django.urls import path

from bluelamp.assessment.gradebook.rest import views

urlpatterns = [
    path("courses/<uuid:uuid>/gradebook/", views.CourseGradebookView.as_view(), name="course-gradebook"),
    path("courses/<uuid:uuid>/gradebook/grades/", views.CourseGradesView.as_view(), name="course-grades"),
    path("my-grades/", views.MyGradesView.as_view(), name="my-grades"),
]
