from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "bluelamp.compliance"
    label = "compliance"
    verbose_name = "Mandatory training"

    def ready(self):
        # Its pages' links, jobs, API routes, demo data and the hooks it listens on
        # (docs/decisions/0010-domains-plug-in.md).
        from bluelamp.compliance import plugins

        plugins.register()
