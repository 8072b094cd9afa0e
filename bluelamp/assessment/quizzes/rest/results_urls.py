"""The results part's share of /api/v1/ (registered by quizzes/part_results.py; see
bluelamp/core/plugins.py): a quiz's results and its question statistics."""

from django.urls import path

from bluelamp.assessment.quizzes.rest import results

routes: list = []

urlpatterns = [
    path("quizzes/<uuid:uuid>/results/", results.QuizResultsView.as_view(), name="quiz-results"),
    path("quizzes/<uuid:uuid>/statistics/", results.QuizStatisticsView.as_view(), name="quiz-statistics"),
]
