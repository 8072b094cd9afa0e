"""Reads for learning, always through the reader's access.

Who sees which course (the catalogue rule, in one place):
- courses owned by the national body reach a person while their organisation holds PL-P-200
  (Digital Content Access) in force; the national body's own people always see them;
- courses owned by an organisation reach its own people while its PL-P-101 (Digital Services)
  is in force;
- learners see published courses only; those who manage an owner's courses see its drafts too.
A lapsed licence hides courses from the catalogue and from new enrolment; it never touches
enrolments already made, progress or the learner record.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any
from uuid import UUID

from django.db.models import Case, Count, F, Func, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404

from bluelamp.learning.models import (
    Activity,
    ActivityProgress,
    Completion,
    Course,
    CourseVersion,
    Enrolment,
    Sco,
    ScoAttempt,
    Tag,
)
from bluelamp.organisations.api import (
    LicenceType,
    Perm,
    access_for,
    licensed_organisation_ids,
    national_body_ids,
)
from bluelamp.people.api import access_person, people_visible


def _national_body_ids() -> list[int]:
    return national_body_ids()


def owners_available_to(organisation_id: int | None) -> list[int]:
    """Owners whose published courses people of `organisation_id` may take today."""
    if organisation_id is None:
        return []
    owners: list[int] = []
    national = _national_body_ids()
    if organisation_id in national or organisation_id in licensed_organisation_ids(
        LicenceType.DIGITAL_CONTENT_ACCESS
    ):
        owners += national
    if (
        organisation_id in licensed_organisation_ids(LicenceType.DIGITAL_SERVICES)
        and organisation_id not in owners
    ):
        owners.append(organisation_id)
    return owners


def course_available_to(course: Course, organisation_id: int | None) -> bool:
    """The course may be newly taken by people of the organisation (licence and status)."""
    return (
        course.status == Course.Status.PUBLISHED
        and course.current_version_id is not None
        and course.owner_id in owners_available_to(organisation_id)
    )


def manage_access(actor):
    return access_for(actor, Perm.LEARNING_MANAGE)


def may_manage_course(actor, course: Course) -> bool:
    """Edit the course, its versions and packages: managers of the whole owner organisation."""
    return manage_access(actor).covers_organisation(course.owner_id)


def courses_managed(actor) -> QuerySet[Course]:
    access = manage_access(actor)
    if access.national:
        return Course.objects.all()
    return Course.objects.filter(owner_id__in=access.organisation_ids)


def catalogue(
    person,
    *,
    query: str = "",
    owner: str = "",
    tag: str = "",
    duration: str = "",
) -> QuerySet[Course]:
    """Published courses the person may enrol on, filtered.

    `owner`: "national" or "own"; `duration`: "short" (≤ 30 min), "medium" (31–120), "long" (> 120).
    """
    owners = owners_available_to(person.organisation_id)
    courses = Course.objects.filter(
        status=Course.Status.PUBLISHED, current_version__isnull=False, owner_id__in=owners
    ).select_related("owner")
    national = set(_national_body_ids())
    if owner == "national":
        courses = courses.filter(owner_id__in=national)
    elif owner == "own":
        courses = courses.filter(owner_id=person.organisation_id).exclude(owner_id__in=national)
    if tag:
        courses = courses.filter(tags__name=tag)
    if duration == "short":
        courses = courses.filter(duration_minutes__lte=30)
    elif duration == "medium":
        courses = courses.filter(duration_minutes__gt=30, duration_minutes__lte=120)
    elif duration == "long":
        courses = courses.filter(duration_minutes__gt=120)
    for word in query.split():
        courses = courses.filter(
            Q(title__icontains=word)
            | Q(code__iexact=word)
            | Q(summary__icontains=word)
            | Q(tags__name__iexact=word)
        )
    if tag or query.split():
        # Only the joins through tags can repeat a course; without them DISTINCT would make
        # PostgreSQL sort every published course's whole row to count the catalogue.
        courses = courses.distinct()
    return courses.prefetch_related("tags").order_by("title", "pk")


def catalogue_tags(person) -> list[str]:
    owners = owners_available_to(person.organisation_id)
    return list(
        Tag.objects.filter(courses__status=Course.Status.PUBLISHED, courses__owner_id__in=owners)
        .distinct()
        .values_list("name", flat=True)
    )


def access_course(person, course_uuid, *, course: Course | None = None) -> Course:
    """A course the person may look at: available to their organisation, or one they are (or were)
    enrolled on, or one they manage. 404 otherwise (outsiders cannot tell it exists). `course`:
    the course of that uuid, already read (catalogue.access_course reads it from the cache)."""
    if course is None:
        course = Course.objects.select_related("owner", "current_version").filter(uuid=course_uuid).first()
    if course is None or str(course.uuid) != str(course_uuid):
        raise Http404("No such course")
    if course_available_to(course, person.organisation_id):
        return course
    if may_manage_course(person, course):
        return course
    if Enrolment.objects.filter(person=person, course=course).exists():
        return course
    raise Http404("No such course")


def live_enrolment(person, course: Course) -> Enrolment | None:
    """The person's enrolment on the course not withdrawn: the one in progress, else the latest
    completed (training that must be renewed enrols someone again after they complete it)."""
    return (
        Enrolment.objects.filter(person=person, course=course)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("version")
        .order_by(Case(When(status=Enrolment.Status.ACTIVE, then=Value(0)), default=Value(1)), "-pk")
        .first()
    )


def activities_of(version: CourseVersion) -> QuerySet[Activity]:
    return version.activities.select_related("scorm_package").order_by("order")


def progress_by_activity(enrolment: Enrolment) -> dict[int, ActivityProgress]:
    return {p.activity_id: p for p in enrolment.progress.all()}


def access_own_enrolment(person, enrolment_uuid) -> Enrolment:
    """The learner's own live enrolment (playing content). 404 for anyone else's."""
    enrolment = (
        Enrolment.objects.select_related("course", "version", "course__owner")
        .filter(uuid=enrolment_uuid, person=person)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .first()
    )
    if enrolment is None:
        raise Http404("No such enrolment")
    return enrolment


def scos_of(activity: Activity) -> list[Sco]:
    package = activity.scorm_package
    return list(package.scos.order_by("order")) if package is not None else []


def sco_attempts(enrolment: Enrolment, activity: Activity) -> dict[int, ScoAttempt]:
    return {
        attempt.sco_id: attempt
        for attempt in ScoAttempt.objects.filter(
            enrolment=enrolment, sco__package_id=activity.scorm_package_id
        )
    }


def resume_activity(activity_ids: list[int], progress: Mapping[int, Mapping[str, Any]]) -> int | None:
    """Where "Resume" goes: the activity last worked on if still in progress, else the first
    not yet complete (`progress`: activity id -> {"status", "updated_at"})."""
    in_progress = [
        (row["updated_at"], activity_id)
        for activity_id, row in progress.items()
        if row["status"] == ActivityProgress.Status.IN_PROGRESS and activity_id in activity_ids
    ]
    if in_progress:
        return max(in_progress)[1]
    for activity_id in activity_ids:
        row = progress.get(activity_id)
        if row is None or row["status"] != ActivityProgress.Status.COMPLETED:
            return activity_id
    return activity_ids[0] if activity_ids else None


def _progress_rows(enrolment_filter: Q) -> dict[int, dict[int, Mapping[str, Any]]]:
    rows: dict[int, dict[int, Mapping[str, Any]]] = defaultdict(dict)
    for row in ActivityProgress.objects.filter(enrolment_filter).values(
        "enrolment_id", "activity_id", "status", "updated_at"
    ):
        rows[row["enrolment_id"]][row["activity_id"]] = row
    return rows


def _activity_ids(version_ids) -> dict[int, list[int]]:
    ids: dict[int, list[int]] = defaultdict(list)
    for version_id, activity_id in (
        Activity.objects.filter(version_id__in=version_ids)
        .order_by("version_id", "order")
        .values_list("version_id", "pk")
    ):
        ids[version_id].append(activity_id)
    return ids


def enrolment_resume_activity(enrolment: Enrolment) -> int | None:
    return resume_activity(
        _activity_ids([enrolment.version_id])[enrolment.version_id],
        _progress_rows(Q(enrolment=enrolment))[enrolment.pk],
    )


@dataclass(frozen=True)
class LearningRow:
    """One line of "My learning": plain values, not model instances (a person may have hundreds)."""

    uuid: object
    status: str
    due_on: object
    started_at: object
    completed_at: dt.datetime | None
    score: object
    course: SimpleNamespace  # uuid, code, title
    version: SimpleNamespace  # number
    activities_total: int
    activities_done: int
    resume_activity_id: int | None


# The groups of "My learning" and which live enrolment is in which: the one rule that both the
# counts and the pages filter by. Completed by its status; otherwise in progress once started_at is
# set (the learner's first work on any activity sets it), not started before.
LEARNING_GROUPS: dict[str, Q] = {
    "in_progress": ~Q(status=Enrolment.Status.COMPLETED) & Q(started_at__isnull=False),
    "not_started": ~Q(status=Enrolment.Status.COMPLETED) & Q(started_at__isnull=True),
    "completed": Q(status=Enrolment.Status.COMPLETED),
}
_DUE_FIRST = ("due_on", "-last_activity_at", "-enrolled_at", "pk")
_LEARNING_ORDER: dict[str, tuple[Any, ...]] = {
    "in_progress": _DUE_FIRST,
    "not_started": _DUE_FIRST,
    # The latest completed first (progress.evaluate_completion sets completed_at with the status),
    # ties as the others.
    "completed": (F("completed_at").desc(nulls_last=True), *_DUE_FIRST),
}


def _live_enrolments(person) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(person=person).exclude(status=Enrolment.Status.WITHDRAWN)


class LearningGroup:
    """One group of the person's "My learning", for `Paginator`: its length is the count already
    read, and a slice is one query for just those rows (LIMIT/OFFSET), so a page of 20 costs the
    same however many enrolments the person has."""

    def __init__(self, person, name: str, count: int):
        self.person = person
        self.name = name
        self._count = count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: slice) -> list[LearningRow]:
        if not isinstance(index, slice):
            raise TypeError("Take a slice of a learning group (a page), not one row.")
        start, stop, step = index.indices(self._count)
        if step != 1:
            raise ValueError("A learning group is sliced in steps of 1.")
        if stop <= start:
            return []
        enrolments = _live_enrolments(self.person).filter(LEARNING_GROUPS[self.name])
        return _learning_rows(enrolments.order_by(*_LEARNING_ORDER[self.name]), start, stop)


@dataclass(frozen=True)
class MyLearning:
    """The person's live enrolments, counted by group (`LEARNING_GROUPS`); `group(name)` pages one."""

    person: Any
    counts: dict[str, int]

    @property
    def default_group(self) -> str:
        """The group shown first: in progress if any, else not started if any, else completed."""
        return next((name for name in ("in_progress", "not_started") if self.counts[name]), "completed")

    def group(self, name: str) -> LearningGroup:
        return LearningGroup(self.person, name, self.counts[name])


def my_learning(person) -> MyLearning:
    """The person's live (not withdrawn) enrolments, counted by group in one aggregate query on the
    (person, status) index; the rows come a page at a time from `MyLearning.group`."""
    counts = _live_enrolments(person).aggregate(
        **{name: Count("pk", filter=rule) for name, rule in LEARNING_GROUPS.items()}
    )
    return MyLearning(person=person, counts=counts)


def _learning_rows(enrolments: QuerySet[Enrolment], start: int, stop: int) -> list[LearningRow]:
    """`enrolments[start:stop]` (filtered and ordered) as rows with `activities_total`,
    `activities_done` and `resume_activity_id` (as `resume_activity` decides). One query: the
    counts and the resume target are correlated subqueries on the (version, order) and
    (enrolment, activity) indexes, worked out only for the rows the slice keeps."""
    completed = ActivityProgress.Status.COMPLETED
    version_activities = Activity.objects.filter(version_id=OuterRef("version_id"))
    progress = ActivityProgress.objects.filter(enrolment_id=OuterRef("pk"))
    rows = enrolments.annotate(
        activities_total=_count(version_activities),
        activities_done=_count(
            progress.filter(status=completed, activity__version_id=OuterRef("version_id"))
        ),
        last_in_progress=Subquery(
            progress.filter(status=ActivityProgress.Status.IN_PROGRESS)
            .order_by("-updated_at", "-pk")
            .values("activity_id")[:1]
        ),
        first_unfinished=Subquery(
            version_activities.exclude(
                pk__in=ActivityProgress.objects.filter(
                    enrolment_id=OuterRef(OuterRef("pk")), status=completed
                ).values("activity_id")
            )
            .order_by("order")
            .values("pk")[:1]
        ),
        first_activity=Subquery(version_activities.order_by("order").values("pk")[:1]),
    ).values_list(
        "uuid",
        "status",
        "due_on",
        "started_at",
        "completed_at",
        "score",
        "course__uuid",
        "course__code",
        "course__title",
        "version__number",
        "activities_total",
        "activities_done",
        "last_in_progress",
        "first_unfinished",
        "first_activity",
    )[start:stop]
    return [
        LearningRow(
            uuid=uuid,
            status=status,
            due_on=due_on,
            started_at=started_at,
            completed_at=completed_at,
            score=score,
            course=SimpleNamespace(uuid=course_uuid, code=code, title=title),
            version=SimpleNamespace(number=number),
            activities_total=total,
            activities_done=done,
            resume_activity_id=last_in_progress or first_unfinished or first_activity,
        )
        for (
            uuid,
            status,
            due_on,
            started_at,
            completed_at,
            score,
            course_uuid,
            code,
            title,
            number,
            total,
            done,
            last_in_progress,
            first_unfinished,
            first_activity,
        ) in rows
    ]


def _count(queryset) -> Coalesce:
    return Coalesce(
        Subquery(
            queryset.order_by().values(_one=Value(1)).annotate(n=Func("pk", function="COUNT")).values("n")[:1]
        ),
        0,
    )


def transcript(person) -> QuerySet[Completion]:
    return (
        Completion.objects.filter(person=person)
        .select_related("organisation", "course")
        .order_by("-completed_on", "-pk")
    )


def access_record_of(reader, person_id: int):
    """The person whose learner record `reader` may read: themselves, their reports (line manager),
    or people within a training administrator's scope. 404 otherwise."""
    if reader.pk == person_id:
        return access_person(reader, person_id)
    access = manage_access(reader)
    person = access_person(reader, person_id)  # 404 unless visible at all (incl. line manager)
    if person.line_manager_id == reader.pk:
        return person
    if people_visible(reader, Perm.LEARNING_MANAGE).filter(pk=person.pk).exists() or access.national:
        return person
    raise Http404("No such person")


def access_enrolment(reader, enrolment_uuid) -> Enrolment:
    """An enrolment of the reader's own, or of someone whose learner record they may read
    (`access_record_of`); withdrawn ones included, as history. 404 otherwise, the same as for an
    enrolment that does not exist."""
    try:
        enrolment_uuid = UUID(str(enrolment_uuid))
    except ValueError:
        raise Http404("No such enrolment") from None
    enrolment = (
        Enrolment.objects.select_related(
            "person", "person__organisation", "person__unit", "course", "version"
        )
        .filter(uuid=enrolment_uuid)
        .first()
    )
    if enrolment is None:
        raise Http404("No such enrolment")
    if enrolment.person_id != reader.pk:
        try:
            access_record_of(reader, enrolment.person_id)
        except Http404:
            # The same words as for no enrolment: "no such person" would say that it exists.
            raise Http404("No such enrolment") from None
    return enrolment


def enrolments_of(person) -> QuerySet[Enrolment]:
    """The person's enrolments, withdrawn ones included (the caller has checked who may read them)."""
    return Enrolment.objects.filter(person=person).select_related("person", "course", "version")


def people_enrollable_by(actor):
    """People the actor may enrol: within their learning-management scope, plus direct reports."""
    from bluelamp.people.api import Person

    access = manage_access(actor)
    if access.national:
        # Q() | Q(x) is just Q(x) in Django: a national manager's empty filter must stay "everyone".
        return Person.objects.filter(is_active=True)
    return Person.objects.filter(access.people_q() | Q(line_manager_id=actor.pk), is_active=True)


def enrolments_of_course(actor, course: Course) -> QuerySet[Enrolment]:
    """Enrolments on the course among the people the actor may see (leavers' included: their
    enrolments are history an administrator may still need)."""
    from bluelamp.people.api import Person

    access = manage_access(actor)
    if access.national:
        people = Person.objects.all()
    else:
        people = Person.objects.filter(access.people_q() | Q(line_manager_id=actor.pk))
    visible = people.values("pk")
    return (
        Enrolment.objects.filter(course=course, person_id__in=visible)
        .select_related("person", "person__organisation", "version")
        .order_by("person__last_name", "person__first_name", "-enrolled_at")
    )


def versions_of(course: Course) -> QuerySet[CourseVersion]:
    return course.versions.prefetch_related(
        Prefetch("activities", queryset=Activity.objects.select_related("scorm_package").order_by("order"))
    ).order_by("-number")


def has_reports(person) -> bool:
    """The person line-manages someone (their team's learning is theirs to see)."""
    from bluelamp.people.api import Person

    return Person.objects.filter(line_manager_id=person.pk, is_active=True).exists()
