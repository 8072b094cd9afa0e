"""Reading assignments, and the `access_*` helpers the pages and the API fetch through: each gives
"not found" (Http404) alike for what does not exist and for what is not the reader's.

- Setting up (settings, criteria): the course's managers (shared/access.py `may_set_up`).
- Taking (the learner's page): a person whose live enrolment's version holds the assignment's
  activity.
- Extensions: the course's managers and those who may mark at least one of its learners
  (`may_mark`); each learner only by those who may mark them.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from bluelamp.assessment.assignments import rules
from bluelamp.assessment.assignments.models import (
    Assignment,
    Extension,
    Participant,
    Submission,
    SubmissionFile,
)
from bluelamp.assessment.shared.access import learners_q, may_mark, may_set_up
from bluelamp.learning.api import Activity, Course, Enrolment, courses_managed, live_enrolment
from bluelamp.organisations.api import Perm, access_for
from bluelamp.people.api import Person

KIND = "assignment"


def _uuid(value) -> uuid_lib.UUID:
    try:
        return value if isinstance(value, uuid_lib.UUID) else uuid_lib.UUID(str(value))
    except ValueError:
        raise Http404("No such assignment") from None


def _assignment(assignment_uuid) -> Assignment:
    assignment = (
        Assignment.objects.select_related("course", "course__owner")
        .filter(uuid=_uuid(assignment_uuid))
        .first()
    )
    if assignment is None:
        raise Http404("No such assignment")
    return assignment


# --- setting up ----------------------------------------------------------------------------------


def access_course_setup(actor, course_uuid) -> Course:
    """A course whose assignments the actor may set up."""
    try:
        key = uuid_lib.UUID(str(course_uuid))
    except ValueError:
        raise Http404("No such course") from None
    course = Course.objects.select_related("owner").filter(uuid=key).first()
    if course is None or not may_set_up(actor, course):
        raise Http404("No such course")
    return course


def access_assignment_setup(actor, assignment_uuid) -> Assignment:
    assignment = _assignment(assignment_uuid)
    if not may_set_up(actor, assignment.course):
        raise Http404("No such assignment")
    return assignment


def assignments_of_course(course) -> QuerySet[Assignment]:
    return Assignment.objects.filter(course=course).order_by("title", "pk")


def _marker_people_q(actor, prefix: str) -> Q:
    q = Q(pk__in=[])
    for perm in (Perm.LEARNING_TUTOR, Perm.LEARNING_MANAGE):
        access = access_for(actor, perm)
        if access.anything:
            q |= access.people_q(prefix)
    return q


def assignments_visible(actor) -> QuerySet[Assignment]:
    """Assignments of the courses the actor manages, and of courses with learners they may mark."""
    managed = Q(course__in=courses_managed(actor))
    marked = Exists(
        Enrolment.objects.filter(course=OuterRef("course"))
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .filter(_marker_people_q(actor, "person__"))
    )
    return (
        Assignment.objects.filter(managed | Q(marked))
        .select_related("course")
        .order_by("course__code", "title")
    )


# --- learners ------------------------------------------------------------------------------------


def activity_holds(version_id: int, assignment: Assignment) -> bool:
    return Activity.objects.filter(version_id=version_id, kind=KIND, target=str(assignment.uuid)).exists()


def may_take(person, assignment: Assignment) -> Enrolment | None:
    """The person's live enrolment when its version holds the assignment; else None."""
    enrolment = live_enrolment(person, assignment.course)
    if enrolment is None or not activity_holds(enrolment.version_id, assignment):
        return None
    return enrolment


def access_assignment_as_learner(person, assignment_uuid) -> tuple[Assignment, Enrolment]:
    assignment = _assignment(assignment_uuid)
    enrolment = may_take(person, assignment)
    if enrolment is None:
        raise Http404("No such assignment")
    return assignment, enrolment


def learners_of(assignment: Assignment) -> QuerySet[Person]:
    """People enrolled (not withdrawn) on a version of the course that holds the assignment."""
    holding = Activity.objects.filter(kind=KIND, target=str(assignment.uuid)).values("version_id")
    enrolled = (
        Enrolment.objects.filter(course_id=assignment.course_id, version_id__in=holding)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .values("person_id")
    )
    return Person.objects.filter(pk__in=enrolled)


def learners_markable_by(actor, assignment: Assignment) -> QuerySet[Person]:
    return (
        learners_of(assignment)
        .filter(learners_q(actor, assignment.course, prefix=""))
        .select_related("unit", "organisation")
        .order_by("last_name", "first_name", "pk")
    )


def submissions_of(assignment: Assignment, person) -> list[Submission]:
    return list(
        Submission.objects.filter(assignment=assignment, person=person)
        .prefetch_related("files", "judgements__criterion", "judgements__level")
        .order_by("attempt")
    )


def current_submission(assignment: Assignment, person) -> Submission | None:
    return Submission.objects.filter(assignment=assignment, person=person).order_by("-attempt").first()


def extension_in_force(assignment: Assignment, person) -> Extension | None:
    return (
        Extension.objects.filter(assignment=assignment, person=person, revoked_at__isnull=True)
        .select_related("approved_by")
        .first()
    )


def participant_number(assignment: Assignment, person) -> int | None:
    return (
        Participant.objects.filter(assignment=assignment, person=person)
        .values_list("number", flat=True)
        .first()
    )


def person_deadline(
    assignment: Assignment,
    person,
    *,
    submission: Submission | None = None,
    extension: Extension | None | bool = True,
) -> rules.Deadline:
    """The learner's own due date and cut-off for `submission` (their current attempt when not
    given). `extension=True` looks the extension up; pass one (or None) when already known."""
    if submission is None:
        submission = current_submission(assignment, person)
    if extension is True:
        extension = extension_in_force(assignment, person)
    return rules.deadline(
        due_at=assignment.due_at,
        cut_off_at=assignment.cut_off_at,
        refuse_late=assignment.late_policy == Assignment.LatePolicy.REFUSE,
        attempt_due_at=submission.due_at if submission is not None else None,
        extension_due_at=extension.due_at if isinstance(extension, Extension) else None,
    )


def access_own_file(person, assignment: Assignment, file_uuid) -> SubmissionFile:
    """A file of the learner's own submission, or a feedback file of theirs once released."""
    try:
        key = uuid_lib.UUID(str(file_uuid))
    except ValueError:
        raise Http404("No such file") from None
    row = (
        SubmissionFile.objects.select_related("submission")
        .filter(uuid=key, submission__assignment=assignment, submission__person=person)
        .first()
    )
    if row is None:
        raise Http404("No such file")
    if row.kind == SubmissionFile.Kind.FEEDBACK and row.submission.state != Submission.State.RELEASED:
        raise Http404("No such file")
    return row


# --- extensions ----------------------------------------------------------------------------------


def access_assignment_for_extensions(actor, assignment_uuid) -> Assignment:
    """The course's managers, and those who may mark at least one of the assignment's learners."""
    assignment = _assignment(assignment_uuid)
    if may_set_up(actor, assignment.course):
        return assignment
    if learners_of(assignment).filter(learners_q(actor, assignment.course, prefix="")).exists():
        return assignment
    raise Http404("No such assignment")


def access_extension(actor, assignment: Assignment, extension_uuid) -> Extension:
    try:
        key = uuid_lib.UUID(str(extension_uuid))
    except ValueError:
        raise Http404("No such extension") from None
    extension = (
        Extension.objects.select_related("person", "person__unit", "approved_by")
        .filter(uuid=key, assignment=assignment)
        .first()
    )
    if extension is None or not may_mark(actor, learner=extension.person, course=assignment.course):
        raise Http404("No such extension")
    return extension


def extensions_visible(actor, assignment: Assignment) -> QuerySet[Extension]:
    return (
        Extension.objects.filter(assignment=assignment)
        .filter(learners_q(actor, assignment.course))
        .select_related("person", "approved_by", "revoked_by")
        .order_by("revoked_at", "person__last_name", "person__first_name", "-approved_at")
    )


def due_soon(at: dt.datetime, *, days: int) -> QuerySet[Assignment]:
    """Assignments with a due date, an extension or a resubmission falling within `days` after
    `at` (the deadline reminders' candidates)."""
    until = at + dt.timedelta(days=days)
    return Assignment.objects.filter(
        Q(due_at__gt=at, due_at__lte=until)
        | Q(extensions__revoked_at__isnull=True, extensions__due_at__gt=at, extensions__due_at__lte=until)
        | Q(
            submissions__status=Submission.Status.DRAFT,
            submissions__due_at__gt=at,
            submissions__due_at__lte=until,
        )
    ).distinct()
