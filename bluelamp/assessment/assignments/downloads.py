"""A marker's download of the work they mark: one ZIP file of an assignment's handed-in
submissions (those allocated to them, or all for the course's managers), built in a temporary
file on disk (never held in memory) and streamed from it.

Inside: one folder per learner ("participant-4821" while marking is anonymous, else
"lastname-firstname-<id>"), one folder per attempt in it, the learner's files under safe names
(while anonymous, "file-1.pdf": a file's own name may carry its author's), the online text as
online-text.txt, and index.csv listing every submission. A download larger than
`MAX_BYTES` (the learner's files before compression) is refused with the size and what to do.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from bluelamp.assessment.assignments import marking
from bluelamp.assessment.assignments.files import megabytes
from bluelamp.assessment.assignments.models import Assignment, Submission, SubmissionFile
from bluelamp.audit.api import audit_record
from bluelamp.core.exports import csv_write
from bluelamp.core.timefmt import format_datetime

# The learner's files, before compression: above this a download is refused (split it by state).
MAX_BYTES = getattr(settings, "BLUELAMP_ASSIGNMENT_DOWNLOAD_MAX_BYTES", 500 * 1024 * 1024)

INDEX_HEADER = [
    "Folder",
    "Learner",
    "Attempt",
    "Submitted",
    "Late",
    "Extension to",
    "State",
    "Marker",
    "Grade",
    "Outcome",
    "Words",
    "Files",
]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str, *, fallback: str = "file", limit: int = 80) -> str:
    """A file or folder name any system can hold: ASCII letters, digits, dot, dash and underscore;
    no leading dot or dash; at most `limit` characters, keeping the extension."""
    ascii_name = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    cleaned = _UNSAFE.sub("-", ascii_name).strip(".-_")
    cleaned = re.sub(r"-+\.", ".", re.sub(r"-{2,}", "-", cleaned))
    if not cleaned:
        return fallback
    if len(cleaned) > limit:
        suffix = PurePath(cleaned).suffix[:11]
        cleaned = cleaned[: limit - len(suffix)].rstrip(".-_") + suffix
    return cleaned


def folder_of(submission: Submission, *, hidden: bool) -> str:
    if hidden:
        return f"participant-{submission.participant_number}"
    person = submission.person
    return safe_name(f"{person.last_name}-{person.first_name}", fallback="learner").lower() + f"-{person.pk}"


def file_name(row: SubmissionFile, index: int, *, hidden: bool) -> str:
    extension = safe_name(PurePath(row.original_name).suffix.lstrip("."), fallback="").lower()[:10]
    if hidden:
        return f"file-{index}.{extension}" if extension else f"file-{index}"
    return safe_name(row.original_name, fallback=f"file-{index}")


def zip_name(assignment: Assignment) -> str:
    course = safe_name(assignment.course.code, fallback="course", limit=40)
    title = safe_name(assignment.title, fallback="assignment", limit=60)
    return f"{course}-{title}-submissions.zip".lower()


@dataclass(frozen=True)
class Download:
    file: IO[bytes]
    filename: str
    submissions: int
    files: int


def _unique(name: str, taken: set[str]) -> str:
    """`name`, or `name-2` etc. when a file of the folder has it already (in any case: Windows and
    macOS do not tell essay.pdf from essay.PDF)."""
    stem, suffix = PurePath(name).stem, PurePath(name).suffix
    candidate, n = name, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{stem}-{n}{suffix}"
    taken.add(candidate.lower())
    return candidate


def submissions_zip(
    *, actor, assignment: Assignment, state: str = "", at: dt.datetime | None = None
) -> Download:
    """The ZIP of the handed-in work the actor may mark (optionally only in `state`), in a
    temporary file the caller streams and closes (closing deletes it). Refused (ValidationError)
    when there is nothing, or when it would be larger than MAX_BYTES; audited."""
    at = at or timezone.now()
    if not marking.may_open_marking(actor, assignment):
        raise PermissionDenied("You may not download this assignment's work")
    if state and state not in Submission.State.values:
        raise ValidationError(
            {"state": f"“{state}” is not a marking state. Use one of: {', '.join(Submission.State.values)}."}
        )
    submissions = marking.submissions_for_marking(actor, assignment, state=state)
    if not submissions:
        raise ValidationError({"state": "There is no handed-in work for you to download here."})
    files = list(
        SubmissionFile.objects.filter(
            submission__in=submissions, kind=SubmissionFile.Kind.SUBMISSION
        ).order_by("submission_id", "uploaded_at", "pk")
    )
    total = sum(f.size for f in files) + sum(len(s.online_text.encode()) for s in submissions)
    if total > MAX_BYTES:
        raise ValidationError(
            {
                "state": f"These submissions come to {megabytes(total)}, more than the {megabytes(MAX_BYTES)} one "
                "download may hold. Download them a part at a time: choose a state (for example, not marked) "
                "and download again."
            }
        )
    by_submission: dict[int, list[SubmissionFile]] = {}
    for row in files:
        by_submission.setdefault(row.submission_id, []).append(row)
    hidden = marking.identities_hidden(assignment)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - the response streams and closes it
    index_rows = []
    try:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for submission in submissions:
                folder = f"{folder_of(submission, hidden=hidden)}/attempt-{submission.attempt}"
                taken: set[str] = set()
                if submission.online_text.strip():
                    archive.writestr(f"{folder}/{_unique('online-text.txt', taken)}", submission.online_text)
                for n, row in enumerate(by_submission.get(submission.pk, []), start=1):
                    name = _unique(file_name(row, n, hidden=hidden), taken)
                    with row.file.open("rb") as source, archive.open(f"{folder}/{name}", "w") as target:
                        shutil.copyfileobj(source, target, 1024 * 1024)
                index_rows.append(
                    _index_row(submission, folder, hidden, len(by_submission.get(submission.pk, [])))
                )
            text = io.StringIO()
            text.write("\ufeff")
            csv_write(text, header=INDEX_HEADER, rows=index_rows)
            archive.writestr("index.csv", text.getvalue())
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="assessment.assignment.downloaded",
            organisation=None if assignment.course.owner.is_national_body else assignment.course.owner,
            obj=assignment,
            object_label=assignment.title,
            after={"submissions": len(submissions), "files": len(files), "state": state or "all"},
        )
    return Download(
        file=handle, filename=zip_name(assignment), submissions=len(submissions), files=len(files)
    )


def _index_row(submission: Submission, folder: str, hidden: bool, files: int) -> list:
    return [
        folder,
        marking.learner_label(submission, hidden=hidden),
        submission.attempt,
        format_datetime(submission.submitted_at),
        "Late" if submission.late else "",
        format_datetime(submission.extension.due_at) if submission.extension is not None else "",
        submission.get_state_display(),
        marking.person_name(submission.marker),
        submission.final_grade if submission.final_grade is not None else "",
        submission.get_outcome_display(),
        submission.word_count,
        files,
    ]
