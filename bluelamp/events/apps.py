from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "bluelamp.events"
    label = "events"
    verbose_name = "Events and bookings"

    def ready(self) -> None:
        from bluelamp.events import plugins

        plugins.register()
