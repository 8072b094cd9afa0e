"""Background work for mandatory training (Django's Tasks API)."""

from django_tasks import task

from bluelamp.compliance import evaluation, sweeps
from bluelamp.compliance.models import Requirement


@task()
def evaluate_requirement(requirement_id: int) -> int:
    """Bring everyone a requirement may concern up to date after it was saved (large audiences)."""
    from bluelamp.compliance.services import people_in_scope

    requirement = Requirement.objects.select_related("owner").filter(pk=requirement_id).first()
    if requirement is None:
        return 0
    day = evaluation.local_day(None)
    ids = set(people_in_scope(requirement.owner, on=day).values_list("id", flat=True))
    ids |= set(requirement.assignments.values_list("person_id", flat=True))
    return evaluation.evaluate_people(ids).written


@task()
def evaluate_people(person_ids: list[int]) -> int:
    """Bring these people up to date (changes too large to follow in the request, e.g. an HR file)."""
    return evaluation.evaluate_people(person_ids).written


@task()
def nightly_sweep() -> int:
    """Everyone, against today's date: statuses that time changes, licences that lapsed."""
    return sweeps.sweep().written
