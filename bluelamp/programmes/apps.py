from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "bluelamp.programmes"
    label = "programmes"
    verbose_name = "Programmes and qualifications"

    def ready(self):
        # Its pages' links, jobs, the completions it listens to, API routes and demo data
        # (docs/decisions/0010-domains-plug-in.md).
        from bluelamp.programmes import plugins

        plugins.register()
