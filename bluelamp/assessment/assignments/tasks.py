"""Background work for assignments (Django's Tasks API), run by `bluelamp run-daily`."""

from django_tasks import task


@task()
def send_deadline_reminders() -> int:
    """Learners who have not handed in, reminded on the assignment's reminder days before their
    own due date (each reminder once: notices.deadline_reminders_send)."""
    from bluelamp.assessment.assignments.notices import deadline_reminders_send

    return deadline_reminders_send()
