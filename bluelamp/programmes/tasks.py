"""Background work for programmes (Django's Tasks API)."""

from django.utils import timezone
from django_tasks import task

from bluelamp.core.timefmt import london


@task()
def send_upcoming_tasks() -> int:
    """People's upcoming tasks: the weekly digest (Mondays, London) and the reminders of what is
    due in 3 days. Returns how many notices were sent."""
    from bluelamp.programmes import upcoming

    at = timezone.now()
    on = london(at).date()
    return upcoming.digests_send(on=on, at=at) + upcoming.due_soon_send(on=on, at=at)
