from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "bluelamp.credentials"
    label = "credentials"
    verbose_name = "Certificates and badges"

    def ready(self):
        # Its pages' links, the completions it listens to, API routes and demo data
        # (docs/decisions/0010-domains-plug-in.md).
        from bluelamp.credentials import plugins

        plugins.register()
