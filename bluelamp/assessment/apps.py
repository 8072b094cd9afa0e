from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "bluelamp.assessment"
    label = "assessment"
    verbose_name = "Assessment"

    def ready(self):
        # Its activity kinds, pages' links, jobs, API routes and demo data
        # (docs/decisions/0010-domains-plug-in.md); each applet registers its own part.
        from bluelamp.assessment import plugins

        plugins.register()
