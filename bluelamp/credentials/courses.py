"""Courses as achievements: certificates for them, issued when a learner completes one on
Bluelamp (learning tells credentials through its completions listener)."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_module

from bluelamp.credentials.achievements import Achievement, AchievementKind
from bluelamp.credentials.models import Certificate, CertificateTemplate
from bluelamp.learning.api import Completion, Course, courses_managed

KIND = "course"


def _as_achievement(course: Course) -> Achievement:
    return Achievement(
        kind=KIND, uuid=course.uuid, code=course.code, title=course.title, owner=course.owner,
        description=course.summary,
    )  # fmt: skip


def _find(key: uuid_module.UUID) -> Achievement | None:
    course = Course.objects.select_related("owner").filter(uuid=key).first()
    return _as_achievement(course) if course else None


def _choices(user) -> list[Achievement]:
    return [
        _as_achievement(course) for course in courses_managed(user).select_related("owner").order_by("code")
    ]


COURSE_KIND = AchievementKind(key=KIND, label="Course", find=_find, choices=_choices)


def issue_on_completion(*, person_ids: list[int], at: dt.datetime) -> None:
    """Completions on Bluelamp of courses whose certificate is issued automatically get it (once
    each). Imported history and external records do not: an administrator issues those."""
    from bluelamp.credentials.services import certificate_issue

    templates = {
        t.achievement_uuid: t
        for t in CertificateTemplate.objects.filter(
            achievement_kind=KIND, state=CertificateTemplate.State.ACTIVE, issue_automatically=True
        ).select_related("owner")
    }
    if not templates:
        return
    completions = (
        Completion.objects.filter(
            person_id__in=person_ids, source=Completion.Source.PLATFORM, course__uuid__in=list(templates)
        )
        .select_related("person", "course")
        .order_by("pk")
    )
    done = set(
        Certificate.objects.filter(
            template__in=list(templates.values()), person_id__in=person_ids
        ).values_list("template_id", "source_ref")
    )
    for completion in completions:
        if completion.course is None:  # not in this query (course__uuid__in), for the type checker
            continue
        template = templates[completion.course.uuid]
        if (template.pk, str(completion.uuid)) in done:
            continue
        certificate_issue(
            actor=None,
            template=template,
            person=completion.person,
            achieved_on=completion.completed_on,
            source_ref=str(completion.uuid),
            at=at,
        )


def _backlog(template: CertificateTemplate):
    """Completions of the template's course on record (on Bluelamp, imported or external) that
    have no certificate of it yet."""
    issued = Certificate.objects.filter(template=template).values("source_ref")
    return (
        Completion.objects.filter(course__uuid=template.achievement_uuid)
        .exclude(uuid__in=[str(ref) for ref in issued.values_list("source_ref", flat=True)])
        .select_related("person")
        .order_by("completed_on", "pk")
    )


def backlog_count(template: CertificateTemplate) -> int:
    if template.achievement_kind != KIND or template.state != CertificateTemplate.State.ACTIVE:
        return 0
    return _backlog(template).count()


def issue_backlog(*, actor, template: CertificateTemplate, at: dt.datetime, limit: int = 2000) -> int:
    """Issue the certificate to everyone who completed the course before it existed (up to
    `limit` at a time; the badges are signed by tasks after commit). Returns how many."""
    from bluelamp.credentials.services import certificate_issue

    issued = 0
    for completion in _backlog(template)[:limit]:
        certificate_issue(
            actor=actor, template=template, person=completion.person, achieved_on=completion.completed_on,
            source_ref=str(completion.uuid), at=at,
        )  # fmt: skip
        issued += 1
    return issued
