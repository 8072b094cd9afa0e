from django.apps import AppConfig


class ServiceDeskConfig(AppConfig):
    name = "bluelamp.servicedesk"
    label = "servicedesk"
    verbose_name = "Service desk"

    def ready(self):
        # What each applet adds to a ticket's life and pages (tickets/extensions.py).
        from bluelamp.servicedesk.extensions import register_ticket_extensions

        register_ticket_extensions()
        # Its header links, its sections' own navigation and its scheduled jobs
        # (docs/decisions/0010-domains-plug-in.md).
        from bluelamp.servicedesk import plugins

        plugins.register()
        # What drops the queue's kept pages and the staff list (their signal receivers), in every
        # process that may write tickets or people; an HR import's leavers leave the staff list.
        from bluelamp.people.api import listen_people_changed
        from bluelamp.servicedesk import staff
        from bluelamp.servicedesk.tickets import queue_cache  # noqa: F401

        listen_people_changed(staff.people_changed)
