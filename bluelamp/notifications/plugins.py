"""What notifications adds to the site: its scheduled jobs and the header link to a person's
notifications (see bluelamp/core/plugins.py)."""

from bluelamp.core.plugins import NavEntry, register_jobs, register_nav
from bluelamp.notifications.tasks import (
    forget_delivered_emails,
    forget_read_notifications,
    retry_undelivered_emails,
)


def register() -> None:
    register_jobs(frequency="frequent", tasks=[retry_undelivered_emails])
    register_jobs(frequency="daily", tasks=[forget_delivered_emails, forget_read_notifications])
    # For everyone signed in, just before "Support". No unread count: NavEntry's label is fixed
    # text, and a count would cost a query on every page.
    register_nav(NavEntry("Notifications", "notifications:list", order=900))
