from django.apps import AppConfig


class AssignmentsConfig(AppConfig):
    """An applet of assessment with its own models and migrations (its pages, API and jobs are
    registered by bluelamp/assessment/plugins.py)."""

    name = "bluelamp.assessment.assignments"
    label = "assessment_assignments"
    verbose_name = "Assignments"
