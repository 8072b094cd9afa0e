"""Background tasks for quizzes (Django's Tasks API), registered by part_core.py."""

from django_tasks import task

from bluelamp.assessment.quizzes.attempts import attempts_finish_overdue


@task()
def finish_overdue_attempts() -> int:
    """Attempts past their deadline that no request has touched are submitted with the answers
    saved by then (the frequent job: every few minutes)."""
    return attempts_finish_overdue()
