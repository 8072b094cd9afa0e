"""What events plug into the site (bluelamp/core/plugins.py): the background jobs (held places
that ran out, reminders, reservations released: run-frequent), the notification kinds, the
course activity kind "event" (attending completes it), the header links, the REST API and demo
data."""

from bluelamp.core.plugins import present_parts, register_jobs

PARTS: tuple[str, ...] = (
    "bluelamp.events.web.nav",
    "bluelamp.events.web.activity",
    "bluelamp.events.rest.plugin",
    "bluelamp.events.demo",
)


def register() -> None:
    from bluelamp.events import payments
    from bluelamp.events.tasks import FREQUENT
    from bluelamp.notifications.api import register_notification_kind

    register_jobs(frequency="frequent", tasks=FREQUENT)
    payments.register()
    register_notification_kind(
        "events.approval",
        "Bookings waiting for your approval",
        email_optional=False,
        description="A booking by someone who reports to you holds a place until you approve or decline it, "
        "so you are always e-mailed.",
    )
    for part in present_parts(PARTS):
        part.register()
