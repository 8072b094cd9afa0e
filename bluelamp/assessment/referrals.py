"""Referred work: assignments whose latest marked attempt was referred (released to the learner)
and not yet handed in again. A tutor's caseload shows it as a risk (programmes, through api.py)."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse

from bluelamp.assessment.assignments.models import Submission


@dataclass(frozen=True)
class ReferredWork:
    """One referral waiting for the learner. `resubmission_due_at` is when the resubmission is
    due (None: no resubmission is allowed, the referral is final); `resubmission_started` says
    whether the learner has a draft of it."""

    person_id: int
    course_id: int
    assignment_uuid: uuid_lib.UUID
    assignment_title: str
    attempt: int
    released_at: dt.datetime | None
    resubmission_due_at: dt.datetime | None
    resubmission_started: bool

    @property
    def href(self) -> str:
        """The learner's page of the assignment."""
        return reverse("assessment:assignment_learner", args=[self.assignment_uuid])


def referred_work_of(person_ids: Iterable[int], course_ids: Iterable[int]) -> dict[int, list[ReferredWork]]:
    """Referred work of many people on these courses, by person (two queries however many)."""
    people, courses = set(person_ids), set(course_ids)
    if not people or not courses:
        return {}
    referred = list(
        Submission.objects.filter(
            person_id__in=people,
            assignment__course_id__in=courses,
            referred=True,
            state=Submission.State.RELEASED,
            status=Submission.Status.SUBMITTED,
        )
        .select_related("assignment")
        .order_by("person_id", "assignment_id", "-attempt")
    )
    if not referred:
        return {}
    # A later attempt: handed in (the referral is answered) or a draft (started, not handed in).
    later: dict[tuple[int, int], tuple[int, str, dt.datetime | None]] = {}
    for person_id, assignment_id, attempt, status, due_at in Submission.objects.filter(
        person_id__in={s.person_id for s in referred},
        assignment_id__in={s.assignment_id for s in referred},
    ).values_list("person_id", "assignment_id", "attempt", "status", "due_at"):
        key = (person_id, assignment_id)
        if key not in later or attempt > later[key][0]:
            later[key] = (attempt, status, due_at)
    found: dict[int, list[ReferredWork]] = {}
    for submission in referred:
        key = (submission.person_id, submission.assignment_id)
        latest_attempt, latest_status, latest_due = later[key]
        if latest_attempt > submission.attempt and latest_status == Submission.Status.SUBMITTED:
            continue  # resubmitted
        if latest_attempt > submission.attempt + 1 or any(
            w.assignment_uuid == submission.assignment.uuid for w in found.get(submission.person_id, [])
        ):
            continue  # an older referral: the latest attempt speaks for the assignment
        assignment = submission.assignment
        started = latest_attempt > submission.attempt
        allowed = submission.attempt - 1 < assignment.resubmissions_allowed
        due = None
        if started:
            due = latest_due
        elif allowed and submission.released_at is not None:
            due = submission.released_at + dt.timedelta(days=assignment.resubmission_days)
        found.setdefault(submission.person_id, []).append(
            ReferredWork(
                person_id=submission.person_id,
                course_id=assignment.course_id,
                assignment_uuid=assignment.uuid,
                assignment_title=assignment.title,
                attempt=submission.attempt,
                released_at=submission.released_at,
                resubmission_due_at=due,
                resubmission_started=started,
            )
        )
    return found


def referred_work(person, course_ids: Iterable[int]) -> list[ReferredWork]:
    """The person's referred work on these courses (e.g. a programme's units)."""
    return referred_work_of([person.pk], course_ids).get(person.pk, [])
