from django.apps import AppConfig


class BanksConfig(AppConfig):
    """An applet of assessment with its own models and migrations (its pages, API and jobs are
    registered by bluelamp/assessment/plugins.py)."""

    name = "bluelamp.assessment.banks"
    label = "assessment_banks"
    verbose_name = "Question banks"
