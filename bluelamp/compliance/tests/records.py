"""Completions and people for mandatory-training tests, through learning's and people's services
at fixed dates (nothing here reads today's date)."""

import datetime as dt

from bluelamp.learning.api import import_history
from bluelamp.people.api import person_create


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    """A moment of `day` (UTC, so the same day in London)."""
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=dt.UTC)


def completed(person, course, on: dt.date, *, recorded: dt.datetime | None = None) -> None:
    """`person` completed `course` on `on`, as a line of imported history recorded at `recorded`
    (on the day itself unless given): learning tells compliance, which re-evaluates them then."""
    data = f"email,course_code,completed_on\n{person.email},{course.code},{on.isoformat()}\n".encode()
    result = import_history(
        actor=None,
        organisation=person.organisation,
        data=data,
        apply=True,
        check_access=False,
        at=recorded or at(on),
    )
    assert result.ok and result.created == 1, result.errors


def officer(org, email, *, unit=None, rank="", job_role="", started=None, line_manager=None):
    """A person with the facts audiences read, added by the system."""
    return person_create(
        actor=None,
        organisation=org,
        email=email,
        first_name=email.split("@")[0].capitalize(),
        last_name="Officer",
        unit=unit,
        rank=rank,
        job_role=job_role,
        employment_start_date=started,
        line_manager=line_manager,
        check_access=False,
    )
