from django.apps import AppConfig


class ServiceDeskConfig(AppConfig):
    name = "bluelamp.servicedesk"
    label = "servicedesk"
    verbose_name = "Service desk"

    def ready(self):
        # Keeps the cached working-time calendar in step with the extra-closures table.
        from bluelamp.servicedesk import signals  # noqa: F401
