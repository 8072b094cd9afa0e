"""The files a learner may hand in (and a marker may hand back): which types Bluelamp knows, and
the check of one upload against an assignment's limits. A file is judged by its contents as well
as its name: a renamed program is not a PDF."""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class FileType:
    extension: str
    label: str
    content_type: str
    signatures: tuple[bytes, ...] = ()  # the start of a real file; () for plain text
    zip_member: str = ""  # a member an Office Open XML or OpenDocument file always has


FILE_TYPES: dict[str, FileType] = {
    t.extension: t
    for t in [
        FileType("pdf", "PDF", "application/pdf", (b"%PDF-",)),
        FileType(
            "docx",
            "Word (DOCX)",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (_ZIP,),
            "word/document.xml",
        ),
        FileType("doc", "Word 97-2003 (DOC)", "application/msword", (_OLE,)),
        FileType(
            "odt",
            "OpenDocument text (ODT)",
            "application/vnd.oasis.opendocument.text",
            (_ZIP,),
            "content.xml",
        ),
        FileType("rtf", "Rich text (RTF)", "application/rtf", (b"{\\rtf",)),
        FileType("txt", "Plain text (TXT)", "text/plain"),
        FileType(
            "xlsx",
            "Excel (XLSX)",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (_ZIP,),
            "xl/workbook.xml",
        ),
        FileType(
            "pptx",
            "PowerPoint (PPTX)",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            (_ZIP,),
            "ppt/presentation.xml",
        ),
        FileType("png", "PNG image", "image/png", (b"\x89PNG\r\n\x1a\n",)),
        FileType("jpg", "JPEG image", "image/jpeg", (b"\xff\xd8\xff",)),
        FileType("jpeg", "JPEG image", "image/jpeg", (b"\xff\xd8\xff",)),
    ]
}
# An assignment that names no types accepts these (written work).
DEFAULT_FILE_TYPES = ("pdf", "docx", "doc", "odt", "rtf", "txt")


def parse_types(text: str | list[str]) -> tuple[list[str], list[str]]:
    """(known extensions, unknown ones) from "pdf, .docx DOC" or a list, lower-cased, in order,
    without duplicates."""
    items = text if isinstance(text, list) else text.replace(",", " ").replace(";", " ").split()
    known: list[str] = []
    unknown: list[str] = []
    for item in items:
        extension = item.strip().lower().lstrip(".").lstrip("*").lstrip(".")
        if not extension:
            continue
        bucket = known if extension in FILE_TYPES else unknown
        if extension not in bucket:
            bucket.append(extension)
    return known, unknown


def types_in_words(extensions) -> str:
    """'PDF, DOCX or TXT'."""
    names = [e.upper() for e in extensions]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{max(size // 1024, 1)} KB"


def clean_name(name: str) -> str:
    """The file's own name, without a path or characters that cannot be shown."""
    base = PurePath((name or "").replace("\\", "/")).name
    return "".join(ch for ch in base if ch.isprintable()).strip()[:255] or "file"


@dataclass(frozen=True)
class CheckedFile:
    upload: object
    name: str
    extension: str
    size: int
    content_type: str
    sha256: str


def check_upload(upload, *, allowed: list[str] | tuple[str, ...], max_bytes: int) -> CheckedFile:
    """The upload, checked: a ValidationError naming the file, what is wrong and what is
    accepted."""
    allowed = list(allowed) or list(DEFAULT_FILE_TYPES)
    name = clean_name(upload.name)
    extension = PurePath(name).suffix.lower().lstrip(".")
    accepted = types_in_words(allowed)
    if extension not in allowed:
        shown = f".{extension} files" if extension else "files without an extension"
        raise ValidationError(f"{name}: {shown} are not accepted here. Upload a {accepted} file.")
    size = upload.size or 0
    if size == 0:
        raise ValidationError(f"{name} is empty. Upload a {accepted} file with your work in it.")
    if size > max_bytes:
        raise ValidationError(
            f"{name} is {megabytes(size)}: each file must be {megabytes(max_bytes)} or smaller."
        )
    kind = FILE_TYPES[extension]
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    if kind.signatures and not head.startswith(kind.signatures):
        raise ValidationError(
            f"{name} is not a real {extension.upper()} file (its contents are of another type). "
            f"Upload a {accepted} file."
        )
    if not kind.signatures and b"\x00" in head:
        raise ValidationError(f"{name} is not a plain text file. Upload a {accepted} file.")
    if kind.zip_member:
        try:
            with zipfile.ZipFile(upload) as archive:
                ok = kind.zip_member in archive.namelist()
        except zipfile.BadZipFile:
            ok = False
        upload.seek(0)
        if not ok:
            raise ValidationError(f"{name} is not a real {kind.label} file. Upload a {accepted} file.")
    digest = hashlib.sha256()
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(
        upload=upload,
        name=name,
        extension=extension,
        size=size,
        content_type=kind.content_type,
        sha256=digest.hexdigest(),
    )
