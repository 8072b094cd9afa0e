"""The outsider cases of the marking side's routes (see tests/test_every_url_has_an_outsider.py):
Kent has a course with an assignment; Bob handed in his work (with a file); Alice, who manages the
course, marked it (with a feedback file) and made it ready for release; a group of Kent is
allocated to Bob as marker; Alice drew a moderation sample. Essex's people and someone signed out
must neither see, mark, release, download, allocate nor verify any of it.

Also the helpers the marking tests build their data with, through the core part's services."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.test_every_url_has_an_outsider import OWN, REFUSED, Case

AT = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
SUBMITTED_AT = dt.datetime(2026, 3, 6, 15, tzinfo=dt.UTC)
MARKED_AT = dt.datetime(2026, 3, 16, 11, tzinfo=dt.UTC)


def _marking(w, rest=""):
    return f"/assessment/assignments/marking/{w.marking_assignment.uuid}/{rest}"


def _submission(w, rest=""):
    return f"/assessment/assignments/marking/submissions/{w.marking_submission.uuid}/{rest}"


def _sample(w, rest=""):
    return f"/assessment/assignments/verification/samples/{w.marking_sample.uuid}/{rest}"


CASES = {
    "assessment/assignments/marking/": Case(
        lambda w: "/assessment/assignments/marking/",
        OWN,
        why="the assignments with work the reader marks (their own learners' only)",
    ),
    "assessment/assignments/marking/<>/": Case(lambda w: _marking(w), REFUSED),
    "assessment/assignments/marking/<>/release/": Case(
        lambda w: _marking(w, "release/"), REFUSED, methods=("post",)
    ),
    "assessment/assignments/marking/<>/reveal/": Case(
        lambda w: _marking(w, "reveal/"), REFUSED, methods=("post",)
    ),
    "assessment/assignments/marking/<>/download/": Case(lambda w: _marking(w, "download/"), REFUSED),
    "assessment/assignments/marking/<>/markers/": Case(
        lambda w: _marking(w, "markers/"), REFUSED, methods=("get", "post")
    ),
    "assessment/assignments/marking/<>/markers/<>/remove/": Case(
        lambda w: _marking(w, f"markers/{w.marking_allocation.pk}/remove/"), REFUSED, methods=("post",)
    ),
    "assessment/assignments/marking/submissions/<>/": Case(
        lambda w: _submission(w), REFUSED, methods=("get", "post")
    ),
    "assessment/assignments/marking/submissions/<>/files/<>/": Case(
        lambda w: _submission(w, f"files/{w.marking_file.uuid}/"), REFUSED
    ),
    "assessment/assignments/marking/submissions/<>/files/<>/remove/": Case(
        lambda w: _submission(w, f"files/{w.marking_feedback_file.uuid}/remove/"), REFUSED, methods=("post",)
    ),
    "assessment/assignments/verification/": Case(
        lambda w: "/assessment/assignments/verification/",
        OWN,
        why="the assignments with marked work the reader may verify (their own learners' only)",
    ),
    "assessment/assignments/verification/<>/": Case(
        lambda w: f"/assessment/assignments/verification/{w.marking_assignment.uuid}/",
        REFUSED,
        methods=("get", "post"),
    ),
    "assessment/assignments/verification/samples/<>/": Case(lambda w: _sample(w), REFUSED),
    "assessment/assignments/verification/samples/<>/add/": Case(
        lambda w: _sample(w, "add/"), REFUSED, methods=("post",)
    ),
    "assessment/assignments/verification/samples/<>/close/": Case(
        lambda w: _sample(w, "close/"), REFUSED, methods=("post",)
    ),
    "assessment/assignments/verification/samples/<>/print/": Case(lambda w: _sample(w, "print/"), REFUSED),
    "assessment/assignments/verification/samples/<>/export.<>": Case(
        lambda w: _sample(w, "export.csv"), REFUSED
    ),
    "assessment/assignments/verification/samples/<>/items/<>/": Case(
        lambda w: _sample(w, f"items/{w.marking_item.pk}/"), REFUSED, methods=("get", "post")
    ),
    "api/v1/marking-submissions/": Case(
        lambda w: f"/api/v1/marking-submissions/?assignment={w.marking_assignment.uuid}",
        OWN,
        why="the submissions of an assignment the reader marks; anyone else's assignment is refused as unknown",
    ),
    "api/v1/marking-submissions/<>/": Case(
        lambda w: f"/api/v1/marking-submissions/{w.marking_submission.uuid}/", REFUSED
    ),
    "api/v1/moderation-samples/": Case(
        lambda w: f"/api/v1/moderation-samples/?assignment={w.marking_assignment.uuid}",
        OWN,
        why="the samples of an assignment the reader marks; anyone else's assignment is refused as unknown",
    ),
    "api/v1/moderation-samples/<>/": Case(
        lambda w: f"/api/v1/moderation-samples/{w.marking_sample.uuid}/", REFUSED
    ),
}


# --- helpers for the marking tests ---------------------------------------------------------------


@pytest.fixture
def fixed_clock(monkeypatch):
    """Never today's date: "now" is MARKED_AT for whatever a test does not date itself (the
    marking tests import this as an autouse fixture)."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: MARKED_AT)
    return MARKED_AT


def submitted(assignment, person, *, text="My answer about leading change.", files=(), at=SUBMITTED_AT):
    """The person's final submission (they must be enrolled on the assignment's course)."""
    from bluelamp.assessment.assignments import services

    return services.submission_submit(
        actor=person, assignment=assignment, online_text=text, uploads=list(files), declaration=True, at=at
    )


def criteria_input(assignment, *, met=None, comment=""):
    """A MarkInput judging every criterion of a criteria assignment: `met` a list of booleans (all
    met when not given)."""
    from bluelamp.assessment.assignments import marking

    criteria = marking.criteria_of(assignment)
    met = [True] * len(criteria) if met is None else met
    return marking.MarkInput(
        judgements={
            c.pk: marking.JudgementInput(met=m, comment=comment) for c, m in zip(criteria, met, strict=True)
        },
        feedback="Clear and well argued.",
    )


def marked_ready(actor, submission, data=None, *, at=MARKED_AT):
    from bluelamp.assessment.assignments import marking

    data = data or criteria_input(submission.assignment)
    submission = marking.marking_save(actor=actor, submission=submission, data=data, at=at)
    return marking.marking_ready(actor=actor, submission=submission, at=at)


def build(w) -> None:
    from bluelamp.assessment.assignments import marking, moderation
    from bluelamp.assessment.assignments.models import SubmissionFile
    from bluelamp.assessment.assignments.tests.helpers import course_with_assignment, enrol, pdf

    course, assignment = course_with_assignment(
        w.kent,
        w.alice,
        code="KENTONLY-MARK",
        title="KENTONLY assignment",
        brief="KENTONLY brief",
    )
    enrol(w.alice, course, w.bob)
    submission = submitted(assignment, w.bob, text="KENTONLY work", files=[pdf("kentonly-bob-officer.pdf")])
    w.marking_assignment = assignment
    w.marking_submission = submission
    w.marking_file = submission.files.get(kind=SubmissionFile.Kind.SUBMISSION)
    w.marking_allocation = marking.allocation_add(
        actor=w.alice, assignment=assignment, marker=w.bob, units=[w.unit], at=MARKED_AT
    )[0]
    data = criteria_input(assignment, comment="KENTONLY comment")
    submission = marking.marking_save(
        actor=w.alice,
        submission=submission,
        data=data,
        feedback_file=pdf("kentonly-feedback.pdf"),
        at=MARKED_AT,
    )
    w.marking_feedback_file = submission.files.get(kind=SubmissionFile.Kind.FEEDBACK)
    marking.marking_ready(actor=w.alice, submission=submission, at=MARKED_AT)
    w.marking_sample = moderation.sample_draw(
        actor=w.alice, assignment=assignment, percent=100, seed=1, at=MARKED_AT
    )
    w.marking_item = w.marking_sample.items.get()
