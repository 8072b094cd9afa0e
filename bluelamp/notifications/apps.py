from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "bluelamp.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        # Its scheduled jobs (retry undelivered e-mail, forget delivered e-mail and read
        # notifications) and its header link.
        from bluelamp.notifications import plugins

        plugins.register()
