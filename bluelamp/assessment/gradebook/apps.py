from django.apps import AppConfig


class GradebookConfig(AppConfig):
    """An applet of assessment with its own models and migrations (its pages, API and jobs are
    registered by bluelamp/assessment/plugins.py)."""

    name = "bluelamp.assessment.gradebook"
    label = "assessment_gradebook"
    verbose_name = "Gradebook"
