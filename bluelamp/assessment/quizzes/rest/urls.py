"""The quizzes applet's core part of /api/v1/ (registered by part_core.py; see
bluelamp/core/plugins.py). The results part registers its own (rest/results_urls.py)."""

from django.urls import path

from bluelamp.assessment.quizzes.rest import views

routes: list = []

urlpatterns = [
    path("courses/<uuid:uuid>/quizzes/", views.CourseQuizzesView.as_view(), name="course-quizzes"),
    path("quizzes/<uuid:uuid>/", views.QuizView.as_view(), name="quiz-detail"),
    path("quizzes/<uuid:uuid>/my-attempts/", views.MyAttemptsView.as_view(), name="quiz-my-attempts"),
]
