"""The learner's side of an assignment: their working draft (online text and files), submitting
the final version with the declaration of own work, lateness and extensions, and starting a
resubmission after a referral. Re-exported by services.py.

A learner acts only on their own work, and only while the assignment is theirs to take
(selectors.may_take). A submitted attempt never changes again; marks and feedback are the
marking side's. Uploads are checked whole before anything is stored, and stored files are
deleted again if the transaction rolls back.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from bluelamp.assessment.assignments import files, notices, rules, selectors
from bluelamp.assessment.assignments.models import Assignment, Participant, Submission, SubmissionFile
from bluelamp.audit.api import audit_record
from bluelamp.core.timefmt import format_datetime
from bluelamp.core.validation import text_errors
from bluelamp.learning.api import activity_result

MAX_TEXT_CHARACTERS = 500_000
_RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone


def _organisation(assignment: Assignment):
    owner = assignment.course.owner
    return None if owner.is_national_body else owner


def _audit(actor, action: str, submission: Submission, **after) -> None:
    audit_record(
        actor=actor,
        action=f"assessment.assignment.{action}",
        organisation=_organisation(submission.assignment),
        obj=submission,
        object_label=f"{submission.assignment} attempt {submission.attempt} by {submission.person}",
        after={key: str(value) for key, value in after.items()},
    )


def participant_for(assignment: Assignment, person) -> Participant:
    """The learner's anonymous number at the assignment, given once (random, unique in it)."""
    existing = Participant.objects.filter(assignment=assignment, person=person).first()
    if existing is not None:
        return existing
    taken = Participant.objects.filter(assignment=assignment).count()
    high = 9999 if taken < 4000 else 99999 if taken < 40000 else 999999
    for _ in range(50):
        number = 1000 + secrets.randbelow(high - 999)
        try:
            with transaction.atomic():
                return Participant.objects.create(assignment=assignment, person=person, number=number)
        except IntegrityError:
            existing = Participant.objects.filter(assignment=assignment, person=person).first()
            if existing is not None:
                return existing
    raise RuntimeError("No free participant number after 50 tries")


def _receipt() -> str:
    code = "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(8))
    return f"A-{code[:4]}-{code[4:]}"


def _require_learner(actor, assignment: Assignment) -> None:
    if selectors.may_take(actor, assignment) is None:
        raise PermissionDenied("This assignment is not one of yours.")


def _closed_message(deadline: rules.Deadline) -> str:
    return (
        f"The deadline for this assignment passed on {format_datetime(deadline.cut_off_at)}, so work can no "
        "longer be handed in. Ask your tutor about an extension if something stopped you."
    )


def _working_submission(actor, assignment: Assignment, at: dt.datetime) -> Submission:
    """The learner's current attempt, locked, as long as it is still a draft (attempt 1 is made
    on first use)."""
    current = selectors.current_submission(assignment, actor)
    if current is None:
        participant = participant_for(assignment, actor)
        try:
            with transaction.atomic():
                current = Submission.objects.create(
                    assignment=assignment,
                    person=actor,
                    attempt=1,
                    participant_number=participant.number,
                    created_at=at,
                    updated_at=at,
                )
        except IntegrityError:
            current = selectors.current_submission(assignment, actor)
            assert current is not None
    current = Submission.objects.select_for_update().get(pk=current.pk)
    if current.status == Submission.Status.SUBMITTED:
        if current.is_released and current.referred:
            raise ValidationError(
                {"submission": "This attempt was referred: start your resubmission to hand in new work."}
            )
        raise ValidationError(
            {
                "submission": f"You handed this in on {format_datetime(current.submitted_at)}; it can no longer change."
            }
        )
    return current


def _text_problems(assignment: Assignment, text: str, *, final: bool) -> tuple[dict[str, str], int]:
    errors: dict[str, str] = {}
    count = rules.word_count(text)
    if text and not assignment.accepts_online_text:
        errors["online_text"] = "This assignment takes files only: upload your work as a file."
        return errors, count
    if len(text) > MAX_TEXT_CHARACTERS:
        errors["online_text"] = (
            f"Your text is {len(text):,} characters; at most {MAX_TEXT_CHARACTERS:,} are kept."
        )
    errors.update(text_errors(multiline=("online_text",), online_text=text))
    limit = assignment.word_limit
    if final and limit and assignment.word_limit_enforced and count > limit:
        errors["online_text"] = (
            f"Your text is {count:,} words; the limit is {limit:,}. Cut {count - limit:,} words before you submit."
        )
    return errors, count


def _upload_problems(
    assignment: Assignment, submission: Submission, uploads: Sequence
) -> tuple[list[str], list[files.CheckedFile]]:
    if not uploads:
        return [], []
    if not assignment.accepts_files:
        return ["This assignment takes online text only: paste or type your work instead."], []
    problems: list[str] = []
    have = submission.files.filter(kind=SubmissionFile.Kind.SUBMISSION).count()
    if have + len(uploads) > assignment.max_files:
        problems.append(
            f"You can hand in at most {assignment.max_files} file{'s' if assignment.max_files != 1 else ''}: "
            f"you have {have} and chose {len(uploads)} more. Remove a file first, or choose fewer."
        )
    checked = []
    for upload in uploads:
        try:
            checked.append(
                files.check_upload(
                    upload,
                    allowed=assignment.allowed_file_types,
                    max_bytes=assignment.max_file_mb * 1024 * 1024,
                )
            )
        except ValidationError as problem:
            problems.extend(problem.messages)
    return problems, checked


def _store(submission: Submission, checked: list[files.CheckedFile], *, actor, at, stored: list[str]) -> None:
    for item in checked:
        row = SubmissionFile(
            submission=submission,
            kind=SubmissionFile.Kind.SUBMISSION,
            original_name=item.name,
            size=item.size,
            content_type=item.content_type,
            sha256=item.sha256,
            uploaded_at=at,
            uploaded_by=actor,
        )
        row.file.save(item.name, item.upload, save=False)  # type: ignore[arg-type]  # an UploadedFile
        stored.append(row.file.name or "")
        row.save()


def _delete_stored(stored: list[str]) -> None:
    for name in stored:
        if name:
            default_storage.delete(name)


def _write(
    *,
    actor,
    assignment: Assignment,
    online_text: str | None,
    uploads: Sequence,
    final: bool,
    declaration: bool,
    at,
) -> Submission:
    _require_learner(actor, assignment)
    at = at or timezone.now()
    uploads = [upload for upload in uploads if upload]
    stored: list[str] = []
    try:
        with transaction.atomic():
            submission = _working_submission(actor, assignment, at)
            extension = selectors.extension_in_force(assignment, actor)
            deadline = selectors.person_deadline(
                assignment, actor, submission=submission, extension=extension
            )
            if rules.is_closed(deadline, at):
                raise ValidationError({"submission": _closed_message(deadline)})
            text = (
                submission.online_text if online_text is None else online_text.replace("\r\n", "\n").strip()
            )
            errors, count = _text_problems(assignment, text, final=final)
            problems, checked = _upload_problems(assignment, submission, uploads)
            if problems:
                errors["uploads"] = " ".join(problems)
            if final:
                if assignment.requires_declaration and not declaration:
                    errors["declaration"] = (
                        "Confirm the declaration that this is your own work before you submit."
                    )
                has_files = (
                    bool(checked) or submission.files.filter(kind=SubmissionFile.Kind.SUBMISSION).exists()
                )
                if not text and not has_files and "uploads" not in errors:
                    what = {
                        (True, True): "Write your answer or upload a file",
                        (True, False): "Write your answer",
                        (False, True): "Upload your work",
                    }[(assignment.accepts_online_text, assignment.accepts_files)]
                    errors["online_text" if assignment.accepts_online_text else "uploads"] = (
                        f"{what} before you submit: there is nothing to hand in yet."
                    )
            if errors:
                raise ValidationError(errors)
            submission.online_text, submission.word_count = text, count
            submission.updated_at = at
            _store(submission, checked, actor=actor, at=at, stored=stored)
            if final:
                seconds = rules.late_by(deadline, at)
                submission.status = Submission.Status.SUBMITTED
                submission.submitted_at = at
                submission.declaration_accepted_at = at if assignment.requires_declaration else None
                submission.receipt = _receipt()
                submission.late = seconds > 0
                submission.late_by_seconds = seconds
                submission.extension = extension if deadline.extended else None
                if assignment.late_policy == Assignment.LatePolicy.PENALTY:
                    submission.late_penalty_percent = rules.late_penalty(
                        seconds_late=seconds,
                        percent_per_day=assignment.late_penalty_percent_per_day,
                        cap_percent=assignment.late_penalty_cap_percent,
                    )
            submission.save()
            if final:
                _audit(
                    actor,
                    "submitted",
                    submission,
                    receipt=submission.receipt,
                    words=submission.word_count,
                    files=submission.files.filter(kind=SubmissionFile.Kind.SUBMISSION).count(),
                    late_by_seconds=submission.late_by_seconds,
                    penalty_percent=submission.late_penalty_percent,
                )
                activity_result(
                    person=actor,
                    course=assignment.course,
                    kind=selectors.KIND,
                    target=str(assignment.uuid),
                    status="in_progress",
                    at=at,
                )
                notices.receipt_notify(submission, at=at)
                notices.markers_notify(submission, at=at)
    except BaseException:
        _delete_stored(stored)
        raise
    return submission


def submission_save_draft(
    *, actor, assignment: Assignment, online_text: str | None = None, uploads: Sequence = (), at=None
) -> Submission:
    """Keep the learner's work so far (text replaced when given, files added). Refused once
    handed in, after the cut-off, or where the assignment takes work in one go."""
    if not assignment.allows_drafts:
        raise ValidationError(
            {"submission": "This assignment takes your work in one go: submit it when it is ready."}
        )
    return _write(
        actor=actor,
        assignment=assignment,
        online_text=online_text,
        uploads=uploads,
        final=False,
        declaration=False,
        at=at,
    )


def submission_submit(
    *,
    actor,
    assignment: Assignment,
    online_text: str | None = None,
    uploads: Sequence = (),
    declaration: bool = False,
    at=None,
) -> Submission:
    """Hand in the final version (with any last text and files): the declaration confirmed, the
    word limit kept where enforced, lateness and any penalty recorded, a receipt issued, and the
    learner and their markers told. It cannot change afterwards."""
    return _write(
        actor=actor,
        assignment=assignment,
        online_text=online_text,
        uploads=uploads,
        final=True,
        declaration=declaration,
        at=at,
    )


def submission_file_remove(*, actor, file: SubmissionFile, at=None) -> None:
    """Take a file out of the learner's draft."""
    submission = file.submission
    if submission.person_id != actor.pk or file.kind != SubmissionFile.Kind.SUBMISSION:
        raise PermissionDenied("This file is not yours to remove.")
    assignment = submission.assignment
    _require_learner(actor, assignment)
    at = at or timezone.now()
    name = file.file.name
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        if locked.status != Submission.Status.DRAFT:
            raise ValidationError({"submission": "This work was handed in; its files can no longer change."})
        file.delete()
        locked.updated_at = at
        locked.save(update_fields=["updated_at"])
        transaction.on_commit(lambda: default_storage.delete(name) if name else None)


def may_resubmit(submission: Submission) -> bool:
    """A released referral with resubmissions left, and no resubmission yet."""
    return (
        submission.is_released
        and submission.referred
        and submission.attempt - 1 < submission.assignment.resubmissions_allowed
        and not Submission.objects.filter(
            assignment_id=submission.assignment_id,
            person_id=submission.person_id,
            attempt__gt=submission.attempt,
        ).exists()
    )


def submission_start_resubmission(*, actor, submission: Submission, at=None) -> Submission:
    """The learner's next attempt after a referral: a draft holding a copy of the referred
    attempt's text and files, due the assignment's resubmission days after the referral was
    released."""
    assignment = submission.assignment
    if submission.person_id != actor.pk:
        raise PermissionDenied("This submission is not yours.")
    _require_learner(actor, assignment)
    at = at or timezone.now()
    stored: list[str] = []
    try:
        with transaction.atomic():
            submission = (
                Submission.objects.select_for_update().select_related("assignment").get(pk=submission.pk)
            )
            if not (submission.is_released and submission.referred):
                raise ValidationError({"submission": "Only a referred submission can be resubmitted."})
            if Submission.objects.filter(
                assignment=assignment, person=actor, attempt__gt=submission.attempt
            ).exists():
                raise ValidationError({"submission": "You have already started your resubmission."})
            if submission.attempt - 1 >= assignment.resubmissions_allowed:
                allowed = assignment.resubmissions_allowed
                raise ValidationError(
                    {
                        "submission": f"This assignment allows {allowed} resubmission{'s' if allowed != 1 else ''}, "
                        "and you have used them. Speak to your tutor about what happens next."
                    }
                )
            released = submission.released_at or at
            new = Submission.objects.create(
                assignment=assignment,
                person=actor,
                attempt=submission.attempt + 1,
                previous=submission,
                participant_number=submission.participant_number,
                due_at=released + dt.timedelta(days=assignment.resubmission_days),
                online_text=submission.online_text,
                word_count=submission.word_count,
                created_at=at,
                updated_at=at,
            )
            for old in submission.files.filter(kind=SubmissionFile.Kind.SUBMISSION):
                copy = SubmissionFile(
                    submission=new,
                    kind=SubmissionFile.Kind.SUBMISSION,
                    original_name=old.original_name,
                    size=old.size,
                    content_type=old.content_type,
                    sha256=old.sha256,
                    uploaded_at=at,
                    uploaded_by=actor,
                )
                with old.file.open("rb") as handle:
                    copy.file.save(old.original_name, ContentFile(handle.read()), save=False)
                stored.append(copy.file.name or "")
                copy.save()
            _audit(actor, "resubmission_started", new, previous=submission.uuid, due_at=new.due_at)
            activity_result(
                person=actor,
                course=assignment.course,
                kind=selectors.KIND,
                target=str(assignment.uuid),
                status="in_progress",
                at=at,
            )
    except BaseException:
        _delete_stored(stored)
        raise
    return new
