from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "bluelamp.operations"
    label = "operations"
    verbose_name = "Production operations"

    def ready(self):
        # Health checks, metrics, logs and backups plug themselves in from their own modules.
        from bluelamp.operations import plugins

        plugins.register()
