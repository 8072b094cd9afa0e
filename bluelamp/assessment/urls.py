from django.urls import include, path

app_name = "assessment"

urlpatterns = [
    path("banks/", include("bluelamp.assessment.banks.web.urls")),
    path("quizzes/", include("bluelamp.assessment.quizzes.web.urls")),
    path("assignments/", include("bluelamp.assessment.assignments.web.urls")),
    path("gradebook/", include("bluelamp.assessment.gradebook.web.urls")),
]
