"""Background tasks (Django's Tasks API). `bluelamp run-daily` enqueues the daily ones."""

from django_tasks import task

from bluelamp.organisations.reminders import licence_reminders_send
from bluelamp.organisations.services import licences_mark_expired


@task()
def send_licence_reminders() -> int:
    return licence_reminders_send()


@task()
def mark_expired_licences() -> int:
    return licences_mark_expired()


DAILY = [send_licence_reminders, mark_expired_licences]
