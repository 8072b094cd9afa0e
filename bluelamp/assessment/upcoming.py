"""Assessment's part of a person's upcoming tasks (bluelamp/core/upcoming.py): assignments of the
courses they are enrolled on that are due in the window and not yet handed in (their own due
date: an extension or a resubmission's counts), a referral's resubmission not yet started, and
quizzes that close in the window which they have neither passed nor used up their attempts at.

Only what their enrolment's version of the course holds counts, as on the pages where they take
it; the applets' models are read through their own modules, inside assessment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q
from django.urls import reverse

from bluelamp.assessment.assignments import selectors as assignment_selectors
from bluelamp.assessment.assignments.models import Assignment, Extension, Submission
from bluelamp.assessment.quizzes import selectors as quiz_selectors
from bluelamp.assessment.quizzes.models import Adjustment, Attempt, Quiz
from bluelamp.core.timefmt import LONDON, london
from bluelamp.core.upcoming import UpcomingTask, register_upcoming_source
from bluelamp.learning.api import Activity, Enrolment


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The window as aware datetimes: from `start`'s London midnight to the one after `end`."""
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=LONDON),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=LONDON),
    )


def _held_targets(person) -> tuple[dict[str, str], dict[str, str]]:
    """The uuids of the assignments and quizzes the person's enrolments in progress hold."""
    versions = Enrolment.objects.filter(person=person, status=Enrolment.Status.ACTIVE).values("version_id")
    assignments: dict[str, str] = {}
    quizzes: dict[str, str] = {}
    for kind, target in Activity.objects.filter(
        version_id__in=versions, kind__in=[assignment_selectors.KIND, quiz_selectors.KIND]
    ).values_list("kind", "target"):
        (assignments if kind == assignment_selectors.KIND else quizzes)[target] = kind
    return assignments, quizzes


def _assignment_tasks(person, targets: Iterable[str], start: dt.date, end: dt.date) -> list[UpcomingTask]:
    rows = list(Assignment.objects.filter(uuid__in=list(targets)).select_related("course"))
    if not rows:
        return []
    latest: dict[int, Submission] = {}
    for submission in Submission.objects.filter(assignment__in=rows, person=person).order_by("attempt"):
        latest[submission.assignment_id] = submission
    extensions = {
        e.assignment_id: e
        for e in Extension.objects.filter(assignment__in=rows, person=person, revoked_at__isnull=True)
    }
    tasks = []
    for assignment in rows:
        current = latest.get(assignment.pk)
        kind = "Assignment"
        if current is not None and current.status == Submission.Status.SUBMITTED:
            released = current.released_at
            resubmit = (
                current.referred
                and current.is_released
                and current.attempt - 1 < assignment.resubmissions_allowed
            )
            if not resubmit or released is None:
                continue  # handed in: nothing left to do by a date
            # Due as submission_start_resubmission will date it, once started.
            due_at: dt.datetime | None = released + dt.timedelta(days=assignment.resubmission_days)
            kind, attempt = "Resubmission", current.attempt + 1
        else:
            deadline = assignment_selectors.person_deadline(
                assignment, person, submission=current, extension=extensions.get(assignment.pk)
            )
            due_at = deadline.due_at
            attempt = current.attempt if current is not None else 1
            if attempt > 1:
                kind = "Resubmission"
        if due_at is None:
            continue
        due_on = london(due_at).date()
        if start <= due_on <= end:
            tasks.append(
                UpcomingTask(
                    key=f"assessment.assignment:{assignment.uuid}:{attempt}",
                    title=assignment.title,
                    due_on=due_on,
                    kind=kind,
                    href=reverse("assessment:assignment_learner", args=[assignment.uuid]),
                    context=assignment.course.title,
                )
            )
    return tasks


def _quiz_tasks(person, targets: Iterable[str], start: dt.date, end: dt.date) -> list[UpcomingTask]:
    low, high = _bounds(start, end)
    quizzes = list(
        Quiz.objects.filter(uuid__in=list(targets), close_at__gte=low, close_at__lt=high).select_related(
            "course"
        )
    )
    if not quizzes:
        return []
    attempts: dict[int, list[Attempt]] = {}
    for attempt in Attempt.objects.filter(quiz__in=quizzes, person=person, preview=False).order_by("number"):
        attempts.setdefault(attempt.quiz_id, []).append(attempt)
    adjustments = {
        a.quiz_id: a
        for a in Adjustment.objects.filter(quiz__in=quizzes, person=person, revoked_at__isnull=True)
    }
    tasks = []
    for quiz in quizzes:
        mine = attempts.get(quiz.pk, [])
        if quiz_selectors.passed(quiz, quiz_selectors.quiz_grade(quiz, mine)):
            continue
        allowed = quiz_selectors.attempts_allowed(quiz, adjustments.get(quiz.pk))
        finished = [a for a in mine if a.state != Attempt.State.IN_PROGRESS]
        if allowed and len(finished) >= allowed:
            continue  # no attempt left to make
        assert quiz.close_at is not None  # the query asked for it
        tasks.append(
            UpcomingTask(
                key=f"assessment.quiz:{quiz.uuid}",
                title=quiz.title,
                due_on=london(quiz.close_at).date(),
                kind="Quiz closes",
                href=reverse("assessment:quiz_start", args=[quiz.uuid]),
                context=quiz.course.title,
            )
        )
    return tasks


def tasks_due(person, start: dt.date, end: dt.date) -> list[UpcomingTask]:
    assignments, quizzes = _held_targets(person)
    tasks: list[UpcomingTask] = []
    if assignments:
        tasks += _assignment_tasks(person, assignments, start, end)
    if quizzes:
        tasks += _quiz_tasks(person, quizzes, start, end)
    return tasks


def people_due(start: dt.date, end: dt.date) -> set[int]:
    """Everyone enrolled on a course with an assignment or a quiz falling due in the window, and
    those with an extension or a resubmission due then (a superset: each is then asked)."""
    low, high = _bounds(start, end)
    # A resubmission not yet started is due `resubmission_days` after its referral's release:
    # at most a year (the form's limit) before the window.
    released_after = low - dt.timedelta(days=366)
    courses = set(
        Assignment.objects.filter(due_at__gte=low, due_at__lt=high).values_list("course_id", flat=True)
    ) | set(Quiz.objects.filter(close_at__gte=low, close_at__lt=high).values_list("course_id", flat=True))
    ids = set(
        Enrolment.objects.filter(course_id__in=courses, status=Enrolment.Status.ACTIVE).values_list(
            "person_id", flat=True
        )
    )
    ids |= set(
        Extension.objects.filter(revoked_at__isnull=True, due_at__gte=low, due_at__lt=high).values_list(
            "person_id", flat=True
        )
    )
    ids |= set(
        Submission.objects.filter(
            Q(status=Submission.Status.DRAFT, due_at__gte=low, due_at__lt=high)
            | Q(referred=True, released_at__gte=released_after, released_at__lt=high)
        ).values_list("person_id", flat=True)
    )
    return ids


def register() -> None:
    register_upcoming_source("assessment", tasks_due, people=people_due)
