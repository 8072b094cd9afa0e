"""The learner's side: a draft, then the final version with the declaration; the word limit;
files refused with nothing left behind; late work, the cut-off and extensions; resubmission
after a referral; the gradebook and the course after release; no one else's work."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from bluelamp.assessment.assignments import selectors, services
from bluelamp.assessment.assignments.models import Submission, SubmissionFile
from bluelamp.assessment.assignments.tests.helpers import (
    AT,
    CUT_OFF,
    DUE,
    course_with_assignment,
    enrol,
    pdf,
    refer,
)
from bluelamp.assessment.gradebook.models import Grade
from bluelamp.learning.api import ActivityProgress, Enrolment

pytestmark = pytest.mark.django_db

TEXT = "Leading change starts with listening to the team."


@pytest.fixture
def setup(kent, alice, bob):
    course, assignment = course_with_assignment(kent, alice)
    enrol(alice, course, bob)
    return course, assignment


def _stored_files() -> list:
    root = django_settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_draft_then_the_final_version_with_the_declaration(setup, bob):
    _course, assignment = setup
    draft = services.submission_save_draft(
        actor=bob, assignment=assignment, online_text=TEXT, uploads=[pdf()], at=AT
    )
    assert (draft.status, draft.attempt, draft.word_count) == ("draft", 1, 8)
    assert draft.files.get().original_name == "essay.pdf"
    assert 1000 <= draft.participant_number <= 9999
    with pytest.raises(ValidationError) as error:
        services.submission_submit(actor=bob, assignment=assignment, at=AT)
    assert "Confirm the declaration" in error.value.message_dict["declaration"][0]
    assert Submission.objects.get().status == "draft"
    done = services.submission_submit(
        actor=bob, assignment=assignment, declaration=True, at=AT + dt.timedelta(hours=1)
    )
    assert done.pk == draft.pk and done.status == "submitted" and done.state == "not_marked"
    assert done.submitted_at == done.declaration_accepted_at == AT + dt.timedelta(hours=1)
    assert done.receipt.startswith("A-") and len(done.receipt) == 11
    assert not done.late and done.late_penalty_percent == 0
    with pytest.raises(ValidationError) as error:
        services.submission_save_draft(actor=bob, assignment=assignment, online_text="changed", at=AT)
    assert "can no longer change" in error.value.message_dict["submission"][0]
    with pytest.raises(ValidationError):
        services.submission_file_remove(actor=bob, file=done.files.get(), at=AT)
    progress = ActivityProgress.objects.get(enrolment__person=bob, activity__kind="assignment")
    assert progress.status == "in_progress"


def test_nothing_to_hand_in_is_refused(setup, bob):
    _course, assignment = setup
    with pytest.raises(ValidationError) as error:
        services.submission_submit(actor=bob, assignment=assignment, online_text="", declaration=True, at=AT)
    assert "nothing to hand in" in error.value.message_dict["online_text"][0]


def test_an_enforced_word_limit_refuses_the_final_version_but_keeps_the_draft(setup, bob):
    _course, assignment = setup
    long_text = " ".join(["word"] * 60)
    draft = services.submission_save_draft(actor=bob, assignment=assignment, online_text=long_text, at=AT)
    assert draft.word_count == 60
    with pytest.raises(ValidationError) as error:
        services.submission_submit(actor=bob, assignment=assignment, declaration=True, at=AT)
    assert "60 words; the limit is 50. Cut 10 words" in error.value.message_dict["online_text"][0]
    assignment.word_limit_enforced = False
    assignment.save()
    assert (
        services.submission_submit(actor=bob, assignment=assignment, declaration=True, at=AT).status
        == "submitted"
    )


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("run.exe", b"MZ\x90\x00"),
            "run.exe: .exe files are not accepted here. Upload a PDF or DOCX file.",
        ),
        (SimpleUploadedFile("fake.pdf", b"MZ\x90\x00not a pdf"), "fake.pdf is not a real PDF file"),
        (SimpleUploadedFile("empty.pdf", b""), "empty.pdf is empty"),
        (pdf("huge.pdf", size=1024 * 1024 + 1), "huge.pdf is 1.0 MB: each file must be 1.0 MB or smaller."),
        (SimpleUploadedFile("zip.docx", b"PK\x03\x04garbage"), "zip.docx is not a real Word (DOCX) file"),
    ],
)
def test_a_bad_file_is_refused_and_nothing_is_kept(setup, bob, upload, message):
    _course, assignment = setup
    with pytest.raises(ValidationError) as error:
        services.submission_save_draft(
            actor=bob, assignment=assignment, online_text=TEXT, uploads=[pdf("good.pdf"), upload], at=AT
        )
    assert message in error.value.message_dict["uploads"][0]
    assert not SubmissionFile.objects.exists()
    assert _stored_files() == []
    assert Submission.objects.filter(online_text=TEXT).count() == 0


def test_too_many_files_are_refused(setup, bob):
    _course, assignment = setup
    services.submission_save_draft(actor=bob, assignment=assignment, uploads=[pdf("a.pdf")], at=AT)
    with pytest.raises(ValidationError) as error:
        services.submission_save_draft(
            actor=bob, assignment=assignment, uploads=[pdf("b.pdf"), pdf("c.pdf")], at=AT
        )
    assert "at most 2 files: you have 1 and chose 2 more" in error.value.message_dict["uploads"][0]
    assert SubmissionFile.objects.count() == 1 and len(_stored_files()) == 1


def test_a_removed_draft_file_leaves_storage_after_commit(setup, bob, django_capture_on_commit_callbacks):
    _course, assignment = setup
    draft = services.submission_save_draft(actor=bob, assignment=assignment, uploads=[pdf()], at=AT)
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_file_remove(actor=bob, file=draft.files.get(), at=AT)
    assert not SubmissionFile.objects.exists() and _stored_files() == []


def test_late_work_is_flagged(setup, bob):
    _course, assignment = setup
    at = DUE + dt.timedelta(hours=1, minutes=30)
    done = services.submission_submit(
        actor=bob, assignment=assignment, online_text=TEXT, declaration=True, at=at
    )
    assert done.late and done.late_by_seconds == 5400 and done.late_penalty_percent == 0


def test_a_late_penalty_per_day_is_capped(kent, alice, bob):
    course, assignment = course_with_assignment(
        kent,
        alice,
        late_policy="penalty",
        late_penalty_percent_per_day=Decimal(5),
        late_penalty_cap_percent=Decimal(10),
    )
    enrol(alice, course, bob)
    done = services.submission_submit(
        actor=bob,
        assignment=assignment,
        online_text=TEXT,
        declaration=True,
        at=DUE + dt.timedelta(days=1, hours=2),
    )
    assert done.late_penalty_percent == Decimal(10)  # two days started, 5% each
    from bluelamp.assessment.assignments.rules import penalised

    assert penalised(Decimal(80), done.late_penalty_percent) == Decimal(72)


def test_after_the_cut_off_work_is_refused_unless_an_extension_covers_it(setup, alice, bob):
    _course, assignment = setup
    after = CUT_OFF + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.submission_submit(
            actor=bob, assignment=assignment, online_text=TEXT, declaration=True, at=after
        )
    assert "passed on 12 March 2026 at 5:00pm" in error.value.message_dict["submission"][0]
    assert "extension" in error.value.message_dict["submission"][0]
    extension = services.extension_grant(
        actor=alice,
        assignment=assignment,
        person=bob,
        due_at=CUT_OFF + dt.timedelta(days=2),
        reason="Illness",
        at=AT,
    )
    done = services.submission_submit(
        actor=bob, assignment=assignment, online_text=TEXT, declaration=True, at=after
    )
    assert not done.late and done.extension == extension


def test_refused_late_work_is_refused_from_the_due_date(kent, alice, bob):
    course, assignment = course_with_assignment(kent, alice, late_policy="refuse", cut_off_at=None)
    enrol(alice, course, bob)
    with pytest.raises(ValidationError) as error:
        services.submission_submit(
            actor=bob,
            assignment=assignment,
            online_text=TEXT,
            declaration=True,
            at=DUE + dt.timedelta(minutes=1),
        )
    assert "passed on 9 March 2026 at 5:00pm" in error.value.message_dict["submission"][0]


def test_work_without_drafts_is_handed_in_in_one_go(kent, alice, bob):
    course, assignment = course_with_assignment(kent, alice, allows_drafts=False)
    enrol(alice, course, bob)
    with pytest.raises(ValidationError) as error:
        services.submission_save_draft(actor=bob, assignment=assignment, online_text=TEXT, at=AT)
    assert "in one go" in error.value.message_dict["submission"][0]
    done = services.submission_submit(
        actor=bob, assignment=assignment, online_text=TEXT, uploads=[pdf()], declaration=True, at=AT
    )
    assert done.status == "submitted" and done.files.count() == 1


def test_a_referred_learner_starts_a_resubmission_from_a_copy(setup, bob):
    course, assignment = setup
    first = services.submission_submit(
        actor=bob, assignment=assignment, online_text=TEXT, uploads=[pdf()], declaration=True, at=AT
    )
    with pytest.raises(ValidationError) as error:
        services.submission_start_resubmission(actor=bob, submission=first, at=AT)
    assert "Only a referred submission" in error.value.message_dict["submission"][0]
    released = AT + dt.timedelta(days=10)
    refer(first, at=released)
    second = services.submission_start_resubmission(
        actor=bob, submission=first, at=released + dt.timedelta(hours=1)
    )
    assert (second.attempt, second.previous, second.status) == (2, first, "draft")
    assert second.online_text == TEXT and second.participant_number == first.participant_number
    assert second.due_at == released + dt.timedelta(days=28)
    copy = second.files.get()
    assert copy.original_name == "essay.pdf" and copy.file.name != first.files.get().file.name
    with pytest.raises(ValidationError) as error:
        services.submission_start_resubmission(actor=bob, submission=first, at=released)
    assert "already started" in error.value.message_dict["submission"][0]
    # The resubmission is due 28 days after the release, whatever the assignment's dates.
    deadline = selectors.person_deadline(assignment, bob)
    assert deadline.due_at == second.due_at and deadline.cut_off_at == second.due_at + (CUT_OFF - DUE)
    done = services.submission_submit(
        actor=bob, assignment=assignment, declaration=True, at=released + dt.timedelta(days=5)
    )
    assert done.pk == second.pk and not done.late
    refer(done, at=released + dt.timedelta(days=20))
    with pytest.raises(ValidationError) as error:
        services.submission_start_resubmission(
            actor=bob, submission=done, at=released + dt.timedelta(days=21)
        )
    assert "allows 1 resubmission, and you have used them" in error.value.message_dict["submission"][0]


def test_release_records_the_grade_and_the_course_result(setup, alice, bob):
    course, assignment = setup
    first = services.submission_submit(
        actor=bob, assignment=assignment, online_text=TEXT, declaration=True, at=AT
    )
    refer(first, at=AT + dt.timedelta(days=3))
    services.submission_after_release(first, at=AT + dt.timedelta(days=3))
    grade = Grade.objects.get(person=bob)
    assert grade.raw == Decimal(50) and "AC 1.2" in grade.feedback
    progress = ActivityProgress.objects.get(enrolment__person=bob, activity__kind="assignment")
    assert progress.status == "failed" and progress.score == Decimal(50)
    second = services.submission_start_resubmission(actor=bob, submission=first, at=AT + dt.timedelta(days=4))
    services.submission_submit(
        actor=bob, assignment=assignment, declaration=True, at=AT + dt.timedelta(days=5)
    )
    second.refresh_from_db()
    refer(second, at=AT + dt.timedelta(days=8), referred=False)
    services.submission_after_release(second, at=AT + dt.timedelta(days=8))
    progress.refresh_from_db()
    assert progress.status == "completed" and progress.score == Decimal(100)
    assert Grade.objects.get(person=bob).raw == Decimal(100)
    assert Enrolment.objects.get(person=bob).status == "completed"


def test_no_one_else_submits_or_sees_the_assignment(setup, charlie, alice):
    _course, assignment = setup
    for outsider in (charlie, alice):  # alice manages the course but is not taking it
        with pytest.raises(PermissionDenied):
            services.submission_save_draft(actor=outsider, assignment=assignment, online_text=TEXT, at=AT)
        assert selectors.may_take(outsider, assignment) is None
    assert not Submission.objects.exists()
