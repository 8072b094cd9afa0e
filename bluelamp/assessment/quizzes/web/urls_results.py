"""The results part's pages (views_results.py, views_marking.py), under /assessment/quizzes/."""

from django.urls import path

from bluelamp.assessment.quizzes.web import views_marking, views_results

urlpatterns = [
    path("marking/", views_marking.quiz_marking, name="quiz_marking"),
    path("marking/<uuid:quiz_uuid>/", views_marking.quiz_marking_answers, name="quiz_marking_answers"),
    path(
        "marking/<uuid:quiz_uuid>/<uuid:attempt_uuid>/<int:slot>/",
        views_marking.quiz_mark_answer,
        name="quiz_mark_answer",
    ),
    path("<uuid:quiz_uuid>/results/", views_results.quiz_results, name="quiz_results"),
    path(
        "<uuid:quiz_uuid>/results/export/<slug:table>.<slug:fmt>",
        views_results.quiz_results_export,
        name="quiz_results_export",
    ),
    path(
        "<uuid:quiz_uuid>/results/<uuid:attempt_uuid>/",
        views_results.quiz_results_attempt,
        name="quiz_results_attempt",
    ),
    path("<uuid:quiz_uuid>/statistics/", views_results.quiz_statistics, name="quiz_statistics"),
    path(
        "<uuid:quiz_uuid>/statistics/export.<slug:fmt>",
        views_results.quiz_statistics_export,
        name="quiz_statistics_export",
    ),
    path("<uuid:quiz_uuid>/regrades/", views_results.quiz_regrades, name="quiz_regrades"),
    path("<uuid:quiz_uuid>/regrades/<uuid:run_uuid>/", views_results.quiz_regrade, name="quiz_regrade"),
]
