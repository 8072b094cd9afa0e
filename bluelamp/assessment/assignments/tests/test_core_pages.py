"""The pages, as people use them: a course manager adds an assignment from the course's draft and
sets it up; a learner reaches it from the course, saves a draft, submits with the declaration,
and sees marks only once released; a bad file keeps what they typed; a tutor grants an
extension; outsiders are told "not found"."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from bluelamp.assessment.assignments.models import Assignment, Submission, SubmissionFile
from bluelamp.assessment.assignments.tests.helpers import AT, course_with_assignment, enrol, pdf, refer
from bluelamp.assessment.assignments.web import clock
from bluelamp.learning.api import Activity, course_create
from bluelamp.notifications.api import Notification
from conftest import force_sign_in, make_person, with_mfa

pytestmark = pytest.mark.django_db

DUE_2031 = dt.datetime(2031, 3, 11, 17, tzinfo=dt.UTC)


def client_for(person) -> Client:
    from bluelamp.organisations.api import requires_mfa

    if requires_mfa(person):
        with_mfa(person)
    client = Client()
    force_sign_in(client, person)
    return client


@pytest.fixture
def taking(kent, alice, bob, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: AT)
    course, assignment = course_with_assignment(kent, alice, due_at=DUE_2031, cut_off_at=None)
    enrol(alice, course, bob)
    return course, assignment


def _settings_post(**changes):
    data = {
        "title": "Leading change",
        "brief": "Write **1500 words**.",
        "grading": "criteria",
        "scale": "pass_refer",
        "max_points": "100",
        "due_date": "2031-03-11",
        "due_time": "17:00",
        "late_policy": "accept",
        "word_limit": "1500",
        "accepts_online_text": "on",
        "accepts_files": "on",
        "allowed_file_types": "pdf, docx",
        "max_file_mb": "20",
        "max_files": "3",
        "requires_declaration": "on",
        "declaration_text": "This is my own work.",
        "allows_drafts": "on",
        "resubmissions_allowed": "1",
        "resubmission_days": "28",
        "moderation_sample_percent": "10",
        "borderline_criteria": "1",
        "reminder_days": "3, 1",
        "notify_markers": "on",
    }
    data.update(changes)
    return data


def test_a_manager_adds_an_assignment_from_the_course_and_sets_it_up(kent, alice):
    course = course_create(actor=alice, owner=kent, code="CMI-7", title="CMI 7", summary="x")
    client = client_for(alice)
    course_page = client.get(f"/learning/manage/{course.uuid}/").content.decode()
    new_url = f"/assessment/assignments/courses/{course.uuid}/new/"
    assert new_url in course_page
    assert client.get(new_url).status_code == 200
    response = client.post(new_url, _settings_post())
    assignment = Assignment.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/assessment/assignments/{assignment.uuid}/criteria/"
    )
    assert assignment.due_at == DUE_2031 and assignment.allowed_file_types == ["pdf", "docx"]
    assert Activity.objects.get(kind="assignment").target == str(assignment.uuid)
    # British summer time: 17:00 in July is 16:00 UTC.
    client.post(f"/assessment/assignments/{assignment.uuid}/settings/", _settings_post(due_date="2031-07-01"))
    assignment.refresh_from_db()
    assert assignment.due_at == dt.datetime(2031, 7, 1, 16, tzinfo=dt.UTC)
    page = client.get(f"/assessment/assignments/{assignment.uuid}/criteria/")
    response = client.post(
        f"/assessment/assignments/{assignment.uuid}/criteria/", {"code": "AC 1.1", "text": "Explain change"}
    )
    assert response.status_code == 302 and assignment.criteria.get().code == "AC 1.1"
    assert page.status_code == 200
    listing = client.get("/assessment/assignments/").content.decode()
    assert "Leading change" in listing


def test_bad_settings_are_named_and_what_was_typed_is_kept(kent, alice):
    course = course_create(actor=alice, owner=kent, code="CMI-7", title="CMI 7", summary="x")
    client = client_for(alice)
    response = client.post(
        f"/assessment/assignments/courses/{course.uuid}/new/",
        _settings_post(cut_off_date="2031-03-10", cut_off_time="09:00", allowed_file_types="pdf, exe"),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body
    assert "The cut-off (10 March 2031 at 9:00am) is before the due date (11 March 2031 at 5:00pm)" in body
    assert "Unknown file type .exe" in body
    assert 'value="Leading change"' in body and "Write **1500 words**." in body
    assert not Assignment.objects.exists()


def test_a_learner_drafts_submits_and_sees_feedback_only_on_release(taking, bob):
    course, assignment = taking
    client = client_for(bob)
    enrolment = bob.enrolments.get() if hasattr(bob, "enrolments") else None
    activity = Activity.objects.get(kind="assignment", version__course=course)
    from bluelamp.learning.api import Enrolment

    enrolment = Enrolment.objects.get(person=bob)
    response = client.get(f"/learning/enrolments/{enrolment.uuid}/activities/{activity.pk}/")
    url = f"/assessment/assignments/{assignment.uuid}/"
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert "<strong>leading change</strong>" in page
    assert "11 March 2031 at 5:00pm (UK time)" in page
    assert "AC 1.1" in page
    response = client.post(url, {"online_text": "My first thoughts.", "uploads": [pdf()], "action": "draft"})
    assert response.status_code == 302
    draft = Submission.objects.get()
    assert draft.status == "draft" and draft.files.count() == 1
    page = client.get(url).content.decode()
    assert "My first thoughts." in page and "essay.pdf" in page and "has not been handed in yet" in page
    response = client.post(url, {"online_text": "My final answer.", "action": "submit"})
    assert response.status_code == 400
    assert "Confirm the declaration" in response.content.decode()
    assert "My final answer." in response.content.decode()
    response = client.post(url, {"online_text": "My final answer.", "declaration": "on", "action": "submit"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    done = Submission.objects.get()
    assert done.status == "submitted" and done.online_text == "My final answer."
    assert "Submitted, waiting for marking." in page and done.receipt in page
    assert "Submit your final work" not in page
    done.feedback = "KEEP WORKING ON AC 1.2"
    done.state = Submission.State.READY_FOR_RELEASE
    done.save()
    assert "KEEP WORKING ON AC 1.2" not in client.get(url).content.decode()
    refer(done, at=AT + dt.timedelta(days=1))
    SubmissionFile.objects.create(
        submission=done,
        kind="feedback",
        original_name="comments.pdf",
        size=10,
        file=SimpleUploadedFile("c.pdf", b"%PDF-"),
    )
    page = client.get(url).content.decode()
    assert "AC 1.2 is not yet met" in page and "Referred" in page and "comments.pdf" in page
    assert "Start your resubmission" in page
    response = client.post(f"/assessment/assignments/{assignment.uuid}/resubmit/")
    assert response.status_code == 302
    assert Submission.objects.filter(attempt=2, status="draft").exists()
    feedback = SubmissionFile.objects.get(kind="feedback")
    assert client.get(f"{url}files/{feedback.uuid}/").status_code == 200


def test_a_refused_file_keeps_the_text_and_stores_nothing(taking, bob):
    _course, assignment = taking
    client = client_for(bob)
    url = f"/assessment/assignments/{assignment.uuid}/"
    response = client.post(
        url,
        {
            "online_text": "Text I typed.",
            "uploads": [SimpleUploadedFile("virus.exe", b"MZ")],
            "action": "draft",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "virus.exe: .exe files are not accepted here" in body and "Text I typed." in body
    assert not Submission.objects.filter(online_text="Text I typed.").exists()
    assert not SubmissionFile.objects.exists()


def test_a_tutor_grants_an_extension_on_the_page(taking, kent, bob):
    _course, assignment = taking
    tom = make_person(
        kent, "tom@kent.police.uk", first="Tom", last="Tutor", staff_number="K8", roles=["tutor"]
    )
    client = client_for(tom)
    url = f"/assessment/assignments/{assignment.uuid}/extensions/"
    assert "Bob Officer" in client.get(url).content.decode()
    response = client.post(
        url, {"person": bob.pk, "due_date": "2031-03-10", "due_time": "12:00", "reason": "Court"}
    )
    assert response.status_code == 400 and "must be after the learner" in response.content.decode()
    response = client.post(
        url, {"person": bob.pk, "due_date": "2031-03-25", "due_time": "12:00", "reason": "Court"}
    )
    assert response.status_code == 302
    extension = assignment.extensions.get()
    assert extension.due_at == dt.datetime(2031, 3, 25, 12, tzinfo=dt.UTC) and extension.approved_by == tom
    assert Notification.objects.filter(person=bob, kind="assignments.extension").exists()
    page = client_for(bob).get(f"/assessment/assignments/{assignment.uuid}/").content.decode()
    assert "25 March 2031 at midday (UK time) — your extension" in page
    response = client.post(f"{url}{extension.uuid}/revoke/", {"reason": "Court date moved"})
    assert response.status_code == 302
    extension.refresh_from_db()
    assert extension.revoked_by == tom


def test_outsiders_are_told_not_found(taking, alice, charlie):
    _course, assignment = taking
    client = client_for(charlie)
    for path in ("", "settings/", "criteria/", "extensions/"):
        assert client.get(f"/assessment/assignments/{assignment.uuid}/{path}").status_code == 404
    # Alice sets it up but is not taking it.
    assert client_for(alice).get(f"/assessment/assignments/{assignment.uuid}/").status_code == 404
