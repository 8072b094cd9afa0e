from django.urls import include, path

from bluelamp.assessment.web import home

app_name = "assessment"

urlpatterns = [
    path("", home.home, name="home"),
    path("banks/", include("bluelamp.assessment.banks.web.urls")),
    path("quizzes/", include("bluelamp.assessment.quizzes.web.urls")),
    path("assignments/", include("bluelamp.assessment.assignments.web.urls")),
    path("gradebook/", include("bluelamp.assessment.gradebook.web.urls")),
]
