"""Background work for mandatory training (Django's Tasks API)."""

from django_tasks import task

from bluelamp.compliance import evaluation, sweeps
from bluelamp.compliance.models import Requirement


@task()
def evaluate_requirement(requirement_id: int) -> int:
    """Bring everyone a requirement may concern up to date after it was saved (large audiences)."""
    from bluelamp.compliance.services import people_concerned

    requirement = Requirement.objects.select_related("owner").filter(pk=requirement_id).first()
    if requirement is None:
        return 0
    return evaluation.evaluate_people(people_concerned(requirement, on=evaluation.local_day(None))).written


@task()
def evaluate_people(person_ids: list[int]) -> int:
    """Bring these people up to date (changes too large to follow in the request, e.g. an HR file)."""
    return evaluation.evaluate_people(person_ids).written


@task()
def nightly_sweep() -> int:
    """Everyone, against today's date: statuses that time changes, licences that lapsed."""
    return sweeps.sweep().written


# --- notifications and scheduled reports (reminders.py, schedules.py), after the sweep ------------


@task()
def send_reminders() -> int:
    """Learners' reminders: due within 30 days, within 7 days, overdue (each once per due date)."""
    from bluelamp.compliance.reminders import reminders_send

    return reminders_send()


@task()
def send_manager_digests() -> int:
    """Line managers' weekly digest of their direct reports due or overdue (once per ISO week)."""
    from bluelamp.compliance.reminders import manager_digests_send

    return manager_digests_send()


@task()
def send_escalations() -> int:
    """Training administrators told of people overdue beyond the requirement's escalation period."""
    from bluelamp.compliance.escalations import escalations_send

    return escalations_send()


@task()
def send_scheduled_reports() -> int:
    """E-mailed compliance reports whose day has come (weekly on Mondays, monthly on the 1st)."""
    from bluelamp.compliance.schedules import report_schedules_send

    return report_schedules_send()
