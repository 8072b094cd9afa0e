"""The outsider cases of the assignments applet's core routes (see
tests/test_every_url_has_an_outsider.py): Kent has a course with an assignment (criteria, a
draft by Bob with a file, an extension Alice granted him). Essex's people and someone signed out
must neither see nor change any of it, nor see it listed."""

from tests.test_every_url_has_an_outsider import OWN, REFUSED, Case


def _a(w, rest=""):
    return f"/assessment/assignments/{w.assignment.uuid}/{rest}"


def _form(url):
    return Case(url, REFUSED, methods=("get", "post"))


CASES = {
    "assessment/assignments/": Case(
        lambda w: "/assessment/assignments/",
        OWN,
        why="the assignments of the courses the reader manages, or whose learners they mark",
    ),
    "assessment/assignments/courses/<>/new/": _form(
        lambda w: f"/assessment/assignments/courses/{w.course.uuid}/new/"
    ),
    "assessment/assignments/<>/settings/": _form(lambda w: _a(w, "settings/")),
    "assessment/assignments/<>/criteria/": _form(lambda w: _a(w, "criteria/")),
    "assessment/assignments/<>/criteria/import/": _form(lambda w: _a(w, "criteria/import/")),
    "assessment/assignments/<>/criteria/<>/": _form(lambda w: _a(w, f"criteria/{w.criterion.pk}/")),
    "assessment/assignments/<>/criteria/<>/move/": Case(
        lambda w: _a(w, f"criteria/{w.criterion.pk}/move/"), REFUSED, methods=("post",)
    ),
    "assessment/assignments/<>/criteria/<>/remove/": _form(
        lambda w: _a(w, f"criteria/{w.criterion.pk}/remove/")
    ),
    "assessment/assignments/<>/": _form(lambda w: _a(w)),
    "assessment/assignments/<>/resubmit/": Case(lambda w: _a(w, "resubmit/"), REFUSED, methods=("post",)),
    "assessment/assignments/<>/files/<>/": Case(lambda w: _a(w, f"files/{w.submission_file.uuid}/"), REFUSED),
    "assessment/assignments/<>/files/<>/remove/": Case(
        lambda w: _a(w, f"files/{w.submission_file.uuid}/remove/"), REFUSED, methods=("post",)
    ),
    "assessment/assignments/<>/extensions/": _form(lambda w: _a(w, "extensions/")),
    "assessment/assignments/<>/extensions/<>/revoke/": _form(
        lambda w: _a(w, f"extensions/{w.assignment_extension.uuid}/revoke/")
    ),
    "api/v1/assignments/": Case(
        lambda w: "/api/v1/assignments/", OWN, why="the assignments of the courses the reader sets up"
    ),
    "api/v1/assignments/<>/": Case(lambda w: f"/api/v1/assignments/{w.assignment.uuid}/", REFUSED),
    "api/v1/assignment-submissions/": Case(
        lambda w: "/api/v1/assignment-submissions/", OWN, why="the reader's own submissions"
    ),
    "api/v1/assignment-submissions/<>/": Case(
        lambda w: f"/api/v1/assignment-submissions/{w.submission.uuid}/", REFUSED
    ),
}


def build(w) -> None:
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from bluelamp.assessment.assignments import services
    from bluelamp.learning.api import course_create, enrol_people, version_publish

    at = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
    course = course_create(
        actor=w.alice, owner=w.kent, code="KENTONLY-ASG", title="KENTONLY CMI", summary="x"
    )
    version = course.versions.get()
    w.assignment = services.assignment_create(
        actor=w.alice,
        course=course,
        version=version,
        data=services.AssignmentInput(
            title="KENTONLY assignment",
            brief="KENTONLY brief",
            due_at=dt.datetime(2031, 3, 11, 17, tzinfo=dt.UTC),
        ),
        at=at,
    )
    w.criterion = services.criterion_add(
        actor=w.alice, assignment=w.assignment, code="AC 1.1", text="KENTONLY criterion"
    )
    version_publish(actor=w.alice, version=version)
    enrol_people(actor=w.alice, course=course, people=[w.bob])
    w.submission = services.submission_save_draft(
        actor=w.bob,
        assignment=w.assignment,
        online_text="KENTONLY essay",
        uploads=[SimpleUploadedFile("kentonly.pdf", b"%PDF-1.4 KENTONLY\n", content_type="application/pdf")],
        at=at,
    )
    w.submission_file = w.submission.files.get()
    w.assignment_extension = services.extension_grant(
        actor=w.alice,
        assignment=w.assignment,
        person=w.bob,
        due_at=dt.datetime(2031, 3, 18, 17, tzinfo=dt.UTC),
        reason="KENTONLY reason",
        at=at,
    )
