"""Kinds of activity other domains add (kinds.py): a course manager adds one to a draft, a
learner is sent to its domain's page, and the domain's result completes the activity, the course
and the learner record."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bluelamp.learning import kinds
from bluelamp.learning.api import (
    ActivityKind,
    Completion,
    activity_add,
    activity_result,
    course_create,
    enrol_self,
    register_activity_kind,
    version_publish,
    version_start,
)
from conftest import make_person


@pytest.fixture
def check_kind():
    kind = ActivityKind(
        key="check",
        label="Knowledge check",
        add_url=lambda course, draft: f"/checks/new/{course.uuid}/",
        learner_url=lambda enrolment, activity: f"/checks/{activity.target}/take/",
        manage_url=lambda course, activity: f"/checks/{activity.target}/",
        describe=lambda activity: f"Check {activity.target}",
    )
    register_activity_kind(kind)
    yield kind
    kinds._KINDS.pop("check", None)


@pytest.fixture
def course_with_check(national, check_kind):
    author = make_person(national, "nina@national.example", roles=["training_admin"])
    course = course_create(actor=author, owner=national, code="CHK-1", title="Checked", summary="x")
    version = course.versions.get()
    activity_add(actor=author, version=version, kind="page", title="Read", body="Read this.")
    activity_add(actor=author, version=version, kind="check", title="The check", target="abc-1")
    version_publish(actor=author, version=version)
    course.refresh_from_db()
    return course, author


def test_a_registered_kind_needs_its_target(national, check_kind):
    author = make_person(national, "nina@national.example", roles=["training_admin"])
    course = course_create(actor=author, owner=national, code="CHK-2", title="Checked", summary="x")
    with pytest.raises(ValidationError) as error:
        activity_add(actor=author, version=course.versions.get(), kind="check", title="The check")
    assert "must say which knowledge check" in str(error.value)
    with pytest.raises(ValidationError) as error:
        activity_add(actor=author, version=course.versions.get(), kind="nonsense", title="X")
    assert "Knowledge check" in str(error.value)


def test_learning_s_own_kinds_cannot_be_registered_again():
    with pytest.raises(ValueError):
        register_activity_kind(ActivityKind("page", "Page", lambda c, d: "", lambda e, a: ""))


def test_learner_goes_to_the_domain_s_page_and_its_result_completes_the_course(
    client, signed_in, bob, course_with_check
):
    course, _ = course_with_check
    enrolment = enrol_self(person=bob, course=course)
    signed_in(bob)
    page_activity, check = enrolment.version.activities.order_by("order")
    response = client.get(reverse("learning:activity", args=[enrolment.uuid, check.pk]))
    assert response.status_code == 302 and response["Location"] == "/checks/abc-1/take/"
    client.get(reverse("learning:activity", args=[enrolment.uuid, page_activity.pk]))

    failed = activity_result(
        person=bob, course=course, kind="check", target="abc-1", status="failed", score=40
    )
    assert failed.status == "failed" and not Completion.objects.filter(person=bob).exists()
    passed = activity_result(
        person=bob, course=course, kind="check", target="abc-1", status="completed", score=90
    )
    assert passed.status == "completed"
    assert Completion.objects.get(person=bob).course == course
    # A later worse attempt keeps the completion; the score follows it.
    later = activity_result(
        person=bob, course=course, kind="check", target="abc-1", status="failed", score=50
    )
    assert later.status == "completed" and later.score == 50
    # Another target, or someone not enrolled: nothing.
    assert activity_result(person=bob, course=course, kind="check", target="zzz", status="completed") is None


def test_not_enrolled_gets_nothing(charlie, course_with_check):
    course, _ = course_with_check
    assert (
        activity_result(person=charlie, course=course, kind="check", target="abc-1", status="completed")
        is None
    )


def test_a_new_draft_keeps_the_target_and_the_manager_sees_its_links(client, signed_in, course_with_check):
    course, author = course_with_check
    draft = version_start(actor=author, course=course)
    assert draft.activities.get(kind="check").target == "abc-1"
    signed_in(author)
    body = client.get(reverse("learning:manage_course", args=[course.uuid])).content.decode()
    assert f"/checks/new/{course.uuid}/" in body
    assert "/checks/abc-1/" in body and "Check abc-1" in body and "Knowledge check" in body
    check = draft.activities.get(kind="check")
    edit = client.get(reverse("learning:manage_activity_edit", args=[course.uuid, check.pk]))
    assert edit.status_code == 200
