"""Telling people about assignments (bluelamp.notifications: in the app, and by e-mail after the
caller's transaction commits). Each notice has a dedupe key, so a job or a retried request never
sends one twice.

- Receipt: to the learner when their final submission arrives, with its receipt number and time.
- Submitted: to the markers allocated to the learner (else the tutors over them) when a final
  submission arrives, unless the assignment turned it off; anonymous marking hides the name.
- Deadline approaching: the daily `send_deadline_reminders` job, to learners who have not
  submitted, on each of the assignment's reminder days before their own due date (extension or
  resubmission counted); only the nearest threshold is sent.
- Extension granted or revoked: to the learner.
The marking side adds its own ("feedback released").
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from bluelamp.assessment.assignments import selectors
from bluelamp.assessment.assignments.models import Assignment, Extension, MarkerAllocation, Submission
from bluelamp.core.timefmt import format_datetime
from bluelamp.notifications.api import Notice, notify, notify_many, register_notification_kind
from bluelamp.organisations.api import RoleAssignment

RECEIPT = "assignments.receipt"
SUBMITTED = "assignments.submitted"
DEADLINE = "assignments.deadline"
EXTENSION = "assignments.extension"

# Reminders are looked for this far ahead of `at` (longer reminder days are cut to it).
MAX_REMINDER_DAYS = 60


def register() -> None:
    register_notification_kind(
        RECEIPT,
        "Assignment submission receipts",
        email_optional=False,
        description="Proof that your assignment arrived, with its receipt number and time. Always "
        "sent by e-mail: keep it in case your submission is ever questioned.",
    )
    register_notification_kind(
        SUBMITTED,
        "Assignments handed in for you to mark",
        email_optional=True,
        description="For markers and tutors: a learner you mark has handed in their final work.",
    )
    register_notification_kind(
        DEADLINE,
        "Assignment deadlines approaching",
        email_optional=True,
        description="A reminder a few days before an assignment you have not handed in is due.",
    )
    register_notification_kind(
        EXTENSION,
        "Assignment extensions",
        email_optional=False,
        description="When your tutor grants or withdraws an extension to an assignment's due "
        "date. Always sent by e-mail: it changes when your work is due.",
    )


def learner_path(assignment: Assignment) -> str:
    return reverse("assessment:assignment_learner", args=[assignment.uuid])


def _subject(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:199].rstrip() + "…"


def receipt_notify(submission: Submission, *, at: dt.datetime) -> None:
    assignment = submission.assignment
    late = ""
    if submission.late:
        late = " It arrived after the due date and is marked as late."
        if submission.late_penalty_percent:
            late += (
                f" A late penalty of {submission.late_penalty_percent.normalize():f}% applies to its grade."
            )
    files = submission.files.filter(kind="submission").count()
    notify(
        person=submission.person,
        kind=RECEIPT,
        subject=_subject(f"Received: {assignment.title} (receipt {submission.receipt})"),
        body=(
            f"Your submission of “{assignment.title}” ({assignment.course.title}) was received on "
            f"{format_datetime(submission.submitted_at)}. Receipt number: {submission.receipt}. "
            f"Attempt {submission.attempt}; {submission.word_count} words of online text; "
            f"{files} file{'s' if files != 1 else ''}.{late} It is now waiting to be marked: you "
            "will be told when your feedback is released."
        ),
        link=learner_path(assignment),
        dedupe_key=f"assignments.receipt:{submission.uuid}",
        at=at,
    )


def markers_of(submission: Submission) -> list:
    """The markers allocated to the learner (their own allocation, else their unit's or a unit
    above it), else the tutors whose scope covers them in their organisation."""
    from bluelamp.people.api import Person

    person = submission.person
    own = MarkerAllocation.objects.filter(assignment=submission.assignment, learner=person)
    marker_ids = list(own.values_list("marker_id", flat=True))
    if not marker_ids and person.unit_id is not None:
        path = person.unit.path if person.unit else ""
        marker_ids = [
            marker_id
            for marker_id, unit_path in MarkerAllocation.objects.filter(
                assignment=submission.assignment,
                unit__isnull=False,
                unit__organisation_id=person.organisation_id,
            ).values_list("marker_id", "unit__path")
            if path.startswith(unit_path)
        ]
    if marker_ids:
        return list(Person.objects.filter(pk__in=marker_ids, is_active=True))
    tutors = (
        RoleAssignment.objects.current()
        .filter(role="tutor", organisation_id=person.organisation_id)
        .select_related("unit", "person")
    )
    path = person.unit.path if person.unit else ""
    return [
        role.person
        for role in tutors
        if role.person.is_active
        and role.person_id != person.pk
        and (role.unit_id is None or (role.unit is not None and path and path.startswith(role.unit.path)))
    ]


def markers_notify(submission: Submission, *, at: dt.datetime) -> int:
    assignment = submission.assignment
    if not assignment.notify_markers:
        return 0
    who = (
        submission.participant_label
        if assignment.anonymous_marking and assignment.identities_revealed_at is None
        else submission.person.get_full_name()
    )
    late = " (late)" if submission.late else ""
    link = _marking_link(assignment)
    notices = [
        Notice(
            person=marker,
            kind=SUBMITTED,
            subject=_subject(f"Handed in: {assignment.title} by {who}{late}"),
            body=(
                f"{who} handed in “{assignment.title}” ({assignment.course.title}) on "
                f"{format_datetime(submission.submitted_at)}{late}, attempt {submission.attempt}. "
                "It is waiting to be marked."
            ),
            link=link,
            dedupe_key=f"assignments.submitted:{submission.uuid}",
        )
        for marker in {m.pk: m for m in markers_of(submission)}.values()
    ]
    return len(notify_many(notices, at=at))


def _marking_link(assignment: Assignment) -> str:
    """The marking side's page of the assignment when it is there, else its extensions page."""
    from django.urls import NoReverseMatch

    for name in ("assessment:assignment_marking", "assessment:assignment_submissions"):
        try:
            return reverse(name, args=[assignment.uuid])
        except NoReverseMatch:
            continue
    return reverse("assessment:assignment_extensions", args=[assignment.uuid])


def extension_notify(extension: Extension, *, revoked: bool, at: dt.datetime) -> None:
    assignment = extension.assignment
    if revoked:
        deadline = selectors.person_deadline(assignment, extension.person, extension=None)
        due = format_datetime(deadline.due_at) if deadline.due_at else "no set date"
        subject = f"Extension withdrawn: {assignment.title}"
        body = (
            f"Your extension to “{assignment.title}” ({assignment.course.title}) was withdrawn. "
            f"Your work is due on {due}."
        )
        key = f"assignments.extension_revoked:{extension.uuid}"
    else:
        subject = f"Extension granted: {assignment.title}"
        body = (
            f"You have an extension to “{assignment.title}” ({assignment.course.title}): your work "
            f"is now due on {format_datetime(extension.due_at)}."
        )
        key = f"assignments.extension:{extension.uuid}"
    notify(
        person=extension.person,
        kind=EXTENSION,
        subject=_subject(subject),
        body=body,
        link=learner_path(assignment),
        dedupe_key=key,
        at=at,
    )


def _days(value) -> list[int]:
    return sorted({int(d) for d in (value or []) if 0 < int(d) <= MAX_REMINDER_DAYS})


def deadline_reminders_send(*, at: dt.datetime | None = None) -> int:
    """Remind learners who have not handed in of their own due date approaching; returns how
    many notices were made. Idempotent: each (attempt, due date, threshold) is sent once."""
    at = at or timezone.now()
    notices: list[Notice] = []
    for assignment in selectors.due_soon(at, days=MAX_REMINDER_DAYS).select_related("course"):
        days = _days(assignment.reminder_days)
        if not days:
            continue
        learners = list(selectors.learners_of(assignment).filter(is_active=True))
        latest: dict[int, Submission] = {}
        for submission in Submission.objects.filter(assignment=assignment).order_by("attempt"):
            latest[submission.person_id] = submission
        extensions = {
            e.person_id: e for e in Extension.objects.filter(assignment=assignment, revoked_at__isnull=True)
        }
        for person in learners:
            current = latest.get(person.pk)
            if current is not None and current.status == Submission.Status.SUBMITTED:
                continue  # handed in (a referred learner's resubmission is reminded once started)
            deadline = selectors.person_deadline(
                assignment, person, submission=current, extension=extensions.get(person.pk)
            )
            due = deadline.due_at
            if due is None or due <= at:
                continue
            left = due - at
            threshold = next((d for d in days if left <= dt.timedelta(days=d)), None)
            if threshold is None:
                continue
            attempt = current.attempt if current is not None else 1
            notices.append(
                Notice(
                    person=person,
                    kind=DEADLINE,
                    subject=_subject(f"Due {_in_words(left)}: {assignment.title}"),
                    body=(
                        f"“{assignment.title}” ({assignment.course.title}) is due on "
                        f"{format_datetime(due)}, and you have not handed it in yet."
                        + (" Save your draft and submit it when it is ready." if current else "")
                    ),
                    link=learner_path(assignment),
                    dedupe_key=f"assignments.deadline:{assignment.uuid}:{attempt}:{due.isoformat()}:{threshold}",
                )
            )
    return len(notify_many(notices, at=at)) if notices else 0


def _in_words(left: dt.timedelta) -> str:
    hours = left.total_seconds() / 3600
    if hours < 24:
        return "within a day"
    days = int(hours // 24)
    return f"in {days} day{'s' if days != 1 else ''}"
