"""The core part's pages of quizzes (under /assessment/quizzes/, names `assessment:quiz_…`):
setting a quiz up (course managers) and taking it (learners; managers previewing)."""

from django.urls import path

from bluelamp.assessment.quizzes.web import views_setup as setup
from bluelamp.assessment.quizzes.web import views_take as take

urlpatterns = [
    # Setting up.
    path("", setup.quiz_list, name="quiz_list"),
    path("new/<uuid:course_uuid>/", setup.quiz_add, name="quiz_add"),
    path("<uuid:quiz_uuid>/", setup.quiz_manage, name="quiz_manage"),
    path("<uuid:quiz_uuid>/settings/", setup.quiz_settings, name="quiz_settings"),
    path("<uuid:quiz_uuid>/questions/", setup.quiz_questions, name="quiz_questions"),
    path("<uuid:quiz_uuid>/questions/from-banks/", setup.quiz_questions_add, name="quiz_questions_add"),
    path("<uuid:quiz_uuid>/questions/random/", setup.quiz_questions_random, name="quiz_questions_random"),
    path("<uuid:quiz_uuid>/questions/pages/", setup.quiz_repaginate, name="quiz_repaginate"),
    path("<uuid:quiz_uuid>/questions/<int:slot_id>/move/", setup.quiz_slot_move, name="quiz_slot_move"),
    path("<uuid:quiz_uuid>/questions/<int:slot_id>/remove/", setup.quiz_slot_remove, name="quiz_slot_remove"),
    path("<uuid:quiz_uuid>/adjustments/", setup.quiz_adjustments, name="quiz_adjustments"),
    path(
        "<uuid:quiz_uuid>/adjustments/<int:adjustment_id>/end/",
        setup.quiz_adjustment_revoke,
        name="quiz_adjustment_revoke",
    ),
    path("<uuid:quiz_uuid>/preview/", setup.quiz_preview, name="quiz_preview"),
    # Taking.
    path("<uuid:quiz_uuid>/take/", take.quiz_start, name="quiz_start"),
    path("attempts/<uuid:attempt_uuid>/", take.attempt_page, name="quiz_attempt"),
    path("attempts/<uuid:attempt_uuid>/save/", take.attempt_autosave, name="quiz_attempt_save"),
    path("attempts/<uuid:attempt_uuid>/summary/", take.attempt_summary, name="quiz_attempt_summary"),
    path("attempts/<uuid:attempt_uuid>/finish/", take.attempt_finish, name="quiz_attempt_finish"),
    path("attempts/<uuid:attempt_uuid>/review/", take.attempt_review, name="quiz_attempt_review"),
]
