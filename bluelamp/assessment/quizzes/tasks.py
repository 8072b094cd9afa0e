"""Background tasks for quizzes (Django's Tasks API), registered by part_core.py."""

from django_tasks import task

from bluelamp.assessment.quizzes.attempts import attempts_finish_overdue, quiz_results_refresh
from bluelamp.assessment.quizzes.models import Quiz


@task()
def finish_overdue_attempts() -> int:
    """Attempts past their deadline that no request has touched are submitted with the answers
    saved by then (the frequent job: every few minutes)."""
    return attempts_finish_overdue()


@task()
def refresh_quiz_results(quiz_id: int) -> int:
    """Everyone's quiz grade reported again, after a change to how the quiz is graded."""
    quiz = Quiz.objects.select_related("course").filter(pk=quiz_id).first()
    return quiz_results_refresh(quiz=quiz) if quiz is not None else 0
