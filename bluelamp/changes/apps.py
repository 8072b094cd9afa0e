from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "bluelamp.changes"
    label = "changes"
    verbose_name = "Changes and releases"

    def ready(self) -> None:
        from bluelamp.changes import plugins

        plugins.register()
