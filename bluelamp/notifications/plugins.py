"""What notifications adds to the site: its scheduled jobs (see bluelamp/core/plugins.py)."""

from bluelamp.core.plugins import register_jobs
from bluelamp.notifications.tasks import forget_delivered_emails, retry_undelivered_emails


def register() -> None:
    register_jobs(frequency="frequent", tasks=[retry_undelivered_emails])
    register_jobs(frequency="daily", tasks=[forget_delivered_emails])
