from django.apps import AppConfig


class AvailabilityConfig(AppConfig):
    name = "bluelamp.availability"
    label = "availability"
    verbose_name = "Availability"

    def ready(self) -> None:
        from bluelamp.availability import plugins

        plugins.register()
