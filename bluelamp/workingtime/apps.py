from django.apps import AppConfig


class WorkingTimeConfig(AppConfig):
    name = "bluelamp.workingtime"
    label = "workingtime"
    verbose_name = "Working time"

    def ready(self):
        # Forgets the cached calendars when an extra closure is saved or deleted.
        from bluelamp.workingtime import signals  # noqa: F401
