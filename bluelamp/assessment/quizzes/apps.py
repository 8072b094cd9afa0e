from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    """An applet of assessment with its own models and migrations (its pages, API and jobs are
    registered by bluelamp/assessment/plugins.py)."""

    name = "bluelamp.assessment.quizzes"
    label = "assessment_quizzes"
    verbose_name = "Quizzes"
