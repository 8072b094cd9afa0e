"""External and CPD records with their evidence, and who may add or remove them."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.learning.listeners import completions_changed
from bluelamp.learning.models import Completion
from bluelamp.learning.records.checks import _check_date, _parse_decimal
from bluelamp.learning.selectors import manage_access

# --- who may write ------------------------------------------------------------------------------


def may_administer_record(actor, person) -> bool:
    """`actor` is a training administrator (learning.manage) whose scope covers `person`."""
    if actor is None or not getattr(actor, "pk", None):
        return False
    access = manage_access(actor)
    return access.covers_unit(person.organisation_id, person.unit.path if person.unit_id else None)


def may_remove(actor, completion: Completion) -> bool:
    """External records may be removed by whoever recorded them or an administrator in scope."""
    if completion.source != Completion.Source.EXTERNAL or not getattr(actor, "pk", None):
        return False
    return completion.recorded_by_id == actor.pk or may_administer_record(actor, completion.person)


# --- evidence files -----------------------------------------------------------------------------

_ZIP = b"PK\x03\x04"
EVIDENCE_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (_ZIP,)),
}
EVIDENCE_ACCEPTED = "a PDF, JPG, PNG or Word (DOCX) file"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{max(size // 1024, 1)} KB"


def check_evidence(upload) -> str:
    """The evidence file's extension (pdf, jpg, png, docx), or a ValidationError saying what is
    wrong with it and what is accepted."""
    limit = settings.BLUELAMP_EVIDENCE_MAX_BYTES
    name = PurePath(upload.name or "").name or "The file"
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in EVIDENCE_TYPES:
        shown = f".{extension} files" if extension else "files without an extension"
        raise ValidationError(
            f"{name} cannot be used as evidence: {shown} are not accepted. Upload {EVIDENCE_ACCEPTED}."
        )
    if upload.size == 0:
        raise ValidationError(f"{name} is empty. Upload {EVIDENCE_ACCEPTED} with something in it.")
    if upload.size > limit:
        raise ValidationError(
            f"{name} is {_megabytes(upload.size)}: evidence must be {_megabytes(limit)} or smaller."
        )
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    if not head.startswith(EVIDENCE_TYPES[extension][1]):
        raise ValidationError(
            f"{name} is not a real {extension.upper()} file (its contents are of another type). "
            f"Upload {EVIDENCE_ACCEPTED}."
        )
    if extension == "docx":
        import zipfile

        try:
            with zipfile.ZipFile(upload) as archive:
                is_word = "word/document.xml" in archive.namelist()
        except zipfile.BadZipFile:
            is_word = False
        upload.seek(0)
        if not is_word:
            raise ValidationError(f"{name} is not a Word document. Upload {EVIDENCE_ACCEPTED}.")
    return "jpg" if extension == "jpeg" else extension


def evidence_content_type(completion: Completion) -> str:
    extension = PurePath(completion.evidence.name or "").suffix.lower().lstrip(".")
    return EVIDENCE_TYPES.get(extension, ("application/octet-stream",))[0]


# --- external and CPD records -------------------------------------------------------------------


def record_external(
    *,
    actor,
    person,
    title: str,
    provider: str = "",
    completed_on: dt.date | None,
    hours=None,
    score=None,
    evidence=None,
    notes: str = "",
    at: dt.datetime | None = None,
) -> Completion:
    """Add an external or CPD record to `person`'s learner record.

    The learner adds their own; a training administrator adds one for anyone in their scope.
    `evidence` is an uploaded file (PDF, JPG, PNG or DOCX, up to BLUELAMP_EVIDENCE_MAX_BYTES).
    """
    if not (getattr(actor, "pk", None) and (actor.pk == person.pk or may_administer_record(actor, person))):
        raise PermissionDenied("You cannot add to this person's learner record.")
    at = at or timezone.now()
    errors: dict[str, str] = {}
    title = " ".join((title or "").split())
    provider = " ".join((provider or "").split())
    notes = (notes or "").strip()
    if not title:
        errors["title"] = "Enter the name of the course or activity."
    elif len(title) > 200:
        errors["title"] = "The title must be 200 characters or fewer."
    if len(provider) > 200:
        errors["provider"] = "The provider must be 200 characters or fewer."
    if completed_on is None:
        errors["completed_on"] = "Enter the date you completed it, for example 2025-03-15."
    elif problem := _check_date(completed_on, timezone.localdate(at)):
        errors["completed_on"] = problem
    hours_value, problem = _parse_decimal(
        hours, low=Decimal("0.01"), high=Decimal("999.99"), label="CPD hours"
    )
    if problem:
        errors["hours"] = problem
    score_value, problem = _parse_decimal(score, low=Decimal(0), high=Decimal(100), label="The score")
    if problem:
        errors["score"] = problem
    if len(notes) > 2000:
        errors["notes"] = "Notes must be 2,000 characters or fewer."
    extension = None
    if evidence:
        try:
            extension = check_evidence(evidence)
        except ValidationError as exc:
            errors["evidence"] = exc.messages[0]
    if errors or completed_on is None:  # no date is an error above
        raise ValidationError(errors)

    completion = Completion(
        person=person,
        course_title=title,
        provider=provider,
        organisation_id=person.organisation_id,
        completed_on=completed_on,
        hours=hours_value,
        score=score_value,
        source=Completion.Source.EXTERNAL,
        notes=notes,
        recorded_at=at,
        recorded_by=actor,
    )
    saved_file = ""
    try:
        with transaction.atomic():
            if evidence:
                # Stored under a name of our own (the upload's is not trusted as a path); the name
                # as uploaded, without any folders or control characters, is kept for downloads.
                uploaded = PurePath((evidence.name or "").replace("\\", "/")).name
                completion.evidence_name = "".join(ch for ch in uploaded if ch.isprintable())[:255]
                completion.evidence.save(f"{uuid_lib.uuid4().hex}.{extension}", evidence, save=False)
                saved_file = completion.evidence.name or ""
            completion.full_clean()
            completion.save()
            audit_record(
                actor=actor,
                action="learning.record_external",
                organisation=person.organisation,
                obj=completion,
                object_label=f"{person.get_full_name()}: {title}",
                after={
                    "title": title,
                    "provider": provider,
                    "completed_on": completed_on.isoformat(),
                    "hours": str(hours_value) if hours_value is not None else None,
                    "score": str(score_value) if score_value is not None else None,
                    "evidence": bool(saved_file),
                },
            )
            completions_changed(person_ids=[person.pk], at=at)
    except Exception:
        if saved_file:
            completion.evidence.storage.delete(saved_file)
        raise
    return completion


def record_remove(*, actor, completion: Completion) -> None:
    """Remove an external or CPD record (and its evidence). Completions on Bluelamp and imported
    history are never removed."""
    if completion.source != Completion.Source.EXTERNAL:
        raise ValidationError(
            "Only external or CPD records can be removed. Completions on Bluelamp and imported "
            "history stay on the learner record."
        )
    if not may_remove(actor, completion):
        raise PermissionDenied(
            "Only whoever recorded it, or a training administrator, can remove this record."
        )
    person = completion.person
    with transaction.atomic():
        locked = Completion.objects.select_for_update().filter(pk=completion.pk).first()
        if locked is None:
            return  # removed already (a second click)
        evidence_name = locked.evidence.name if locked.evidence else ""
        audit_record(
            actor=actor,
            action="learning.record_remove",
            organisation=person.organisation,
            obj=locked,
            object_label=f"{person.get_full_name()}: {locked.course_title}",
            before={
                "title": locked.course_title,
                "provider": locked.provider,
                "completed_on": locked.completed_on.isoformat(),
                "hours": str(locked.hours) if locked.hours is not None else None,
                "score": str(locked.score) if locked.score is not None else None,
                "evidence": bool(evidence_name),
                "recorded_by": locked.recorded_by_id,
            },
        )
        locked.delete()
        completions_changed(person_ids=[person.pk])
        if evidence_name:
            storage = locked.evidence.storage
            transaction.on_commit(lambda: storage.delete(evidence_name))
