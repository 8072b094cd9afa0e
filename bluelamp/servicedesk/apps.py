from django.apps import AppConfig


class ServiceDeskConfig(AppConfig):
    name = "bluelamp.servicedesk"
    label = "servicedesk"
    verbose_name = "Service desk"

    def ready(self):
        # Its header links, its sections' own navigation and its scheduled jobs
        # (docs/decisions/0010-domains-plug-in.md).
        from bluelamp.servicedesk import plugins

        plugins.register()
