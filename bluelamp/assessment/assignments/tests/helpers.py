"""Assignments for tests, built through the services: a Kent course holding an assignment, its
criteria, learners enrolled; and the referred state (which the marking side writes), made
through the models where a test needs it before marking."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from bluelamp.assessment.assignments import services
from bluelamp.assessment.assignments.models import Submission
from bluelamp.learning.api import course_create, enrol_people, version_publish

# A Monday morning; the assignment is due a week later at 5pm (GMT, so 17:00 UTC).
AT = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
DUE = dt.datetime(2026, 3, 9, 17, tzinfo=dt.UTC)
CUT_OFF = dt.datetime(2026, 3, 12, 17, tzinfo=dt.UTC)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "essay.pdf", size: int | None = None) -> SimpleUploadedFile:
    body = PDF if size is None else PDF + b"0" * (size - len(PDF))
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def settings(**overrides) -> services.AssignmentInput:
    values: dict[str, Any] = dict(
        title="Unit 5001 assignment",
        brief="Write about **leading change** in your team.",
        due_at=DUE,
        cut_off_at=CUT_OFF,
        word_limit=50,
        word_limit_enforced=True,
        allowed_file_types=["pdf", "docx"],
        max_file_mb=1,
        max_files=2,
        reminder_days=[3, 1],
    )
    values.update(overrides)
    return services.AssignmentInput(**values)


def course_with_assignment(owner, actor, *, code="CMI-5001", criteria=2, publish=True, **overrides):
    """A course whose version 1 holds one assignment (with `criteria` criteria), published."""
    course = course_create(actor=actor, owner=owner, code=code, title=f"CMI {code}", summary="Leadership.")
    version = course.versions.get()
    assignment = services.assignment_create(
        actor=actor, course=course, version=version, data=settings(**overrides), at=AT
    )
    for n in range(1, criteria + 1):
        services.criterion_add(
            actor=actor,
            assignment=assignment,
            code=f"AC 1.{n}",
            learning_outcome="1. Understand leading change",
            text=f"Explain point {n}",
            levels_text="Not yet | 0\nMet | 2\nExceeded | 4" if assignment.grading == "rubric" else "",
        )
    if publish:
        version_publish(actor=actor, version=version)
        course.refresh_from_db()
    return course, assignment


def enrol(actor, course, *people):
    return enrol_people(actor=actor, course=course, people=list(people)).enrolled


def refer(submission: Submission, *, at: dt.datetime, referred: bool = True) -> Submission:
    """What the marking side does on release (for tests written before it): released, referred
    (or passed), with feedback."""
    submission.state = Submission.State.RELEASED
    submission.referred = referred
    submission.outcome = Submission.Outcome.REFER if referred else Submission.Outcome.PASS
    submission.grade = Decimal(50) if referred else Decimal(100)
    submission.feedback = "AC 1.2 is not yet met: explain the second point."
    submission.released_at = at
    submission.save()
    return submission
