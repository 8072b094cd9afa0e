"""What files a ticket accepts: the size limit and the allowed types, checked by content too."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5

_ZIP = b"PK\x03\x04"


@dataclass(frozen=True)
class _Kind:
    content_type: str
    # The file must start with one of these (None: plain text, checked by decoding).
    magic: tuple[bytes, ...] | None


ALLOWED: dict[str, _Kind] = {
    "pdf": _Kind("application/pdf", (b"%PDF-",)),
    "png": _Kind("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": _Kind("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": _Kind("image/jpeg", (b"\xff\xd8\xff",)),
    "gif": _Kind("image/gif", (b"GIF87a", b"GIF89a")),
    "txt": _Kind("text/plain", None),
    "csv": _Kind("text/csv", None),
    "docx": _Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (_ZIP,)),
    "xlsx": _Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (_ZIP,)),
}
ACCEPTED_TEXT = "PDF, PNG, JPEG, GIF, TXT, CSV, DOCX or XLSX, up to 10 MB each"
# For the file input's `accept` attribute.
ACCEPT_ATTRIBUTE = ",".join(f".{ext}" for ext in ALLOWED)


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut off at the end of the sample is still text.
        return exc.start >= len(head) - 3
    return True


def check_upload(upload) -> str:
    """The content type to store for `upload`, or a ValidationError naming the file and saying
    what is accepted."""
    name = PurePath(upload.name or "").name or "The file"
    extension = PurePath(name).suffix.lower().lstrip(".")
    kind = ALLOWED.get(extension)
    if kind is None:
        shown = f".{extension} files" if extension else "files without an extension"
        raise ValidationError(f"{name} cannot be attached: {shown} are not accepted. Attach {ACCEPTED_TEXT}.")
    if upload.size > MAX_BYTES:
        raise ValidationError(
            f"{name} is {human_size(upload.size)}: it must be 10 MB or smaller. Attach {ACCEPTED_TEXT}."
        )
    if upload.size == 0:
        raise ValidationError(f"{name} is empty. Attach a file with something in it.")
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    matches = _looks_like_text(head) if kind.magic is None else head.startswith(kind.magic)
    if not matches:
        raise ValidationError(
            f"{name} is not a real {extension.upper()} file (its contents are of another type). "
            f"Attach {ACCEPTED_TEXT}."
        )
    return kind.content_type


def check_uploads(uploads: Sequence) -> list[str]:
    """Check every file; all the problems at once, under the form's "attachments" field."""
    errors: list[str] = []
    types: list[str] = []
    if len(uploads) > MAX_FILES:
        errors.append(f"You attached {len(uploads)} files: attach {MAX_FILES} or fewer at a time.")
    for upload in uploads:
        try:
            types.append(check_upload(upload))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"attachments": errors})
    return types
