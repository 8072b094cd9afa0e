"""A package's files in Django's default storage (file system, or S3-compatible in production).

Files go under `scorm/<package uuid>/` with their paths inside the zip. Storing happens before
the database rows are written; if anything fails afterwards the caller deletes the files again,
so a refused or failed upload leaves nothing behind.
"""

from __future__ import annotations

import mimetypes
import zipfile
from typing import IO

from django.core.files.base import File
from django.core.files.storage import default_storage

from bluelamp.learning.scorm.package import safe_member_name

# Types browsers need right for SCORM content that mimetypes may not know on every system.
_EXTRA_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".vtt": "text/vtt",
    ".xml": "application/xml",
    ".xsd": "application/xml",
    ".swf": "application/x-shockwave-flash",
}


def content_type(path: str) -> str:
    lowered = path.lower()
    for extension, kind in _EXTRA_TYPES.items():
        if lowered.endswith(extension):
            return kind
    guessed, _ = mimetypes.guess_type(path)
    if guessed and guessed.startswith("text/") and "charset" not in guessed:
        return f"{guessed}; charset=utf-8"
    return guessed or "application/octet-stream"


def store_package(upload: IO[bytes], prefix: str) -> list[str]:
    """Unpack every file of the (already checked) zip into storage under `prefix`."""
    stored: list[str] = []
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            for info in archive.infolist():
                name = safe_member_name(info.filename)
                if name is None or info.is_dir():
                    continue
                with archive.open(info) as member:
                    saved = default_storage.save(prefix + name, File(member, name=name))
                if saved != prefix + name:
                    # Storage renamed it (already there): the package uuid is new, so this is a bug.
                    default_storage.delete(saved)
                    raise RuntimeError(f"Storage already held {prefix + name}")
                stored.append(saved)
    except BaseException:
        delete_files(stored)
        raise
    return stored


def delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            pass


def delete_package(prefix: str) -> None:
    """Every stored file under `prefix` (used when a package's rows are rolled back)."""

    def walk(folder: str) -> list[str]:
        try:
            directories, files = default_storage.listdir(folder)
        except (FileNotFoundError, NotADirectoryError):
            return []
        names = [folder + name for name in files]
        for directory in directories:
            names += walk(f"{folder}{directory}/")
        return names

    delete_files(walk(prefix))


def open_file(prefix: str, path: str):
    """The stored file at `path` inside the package, or None if there is none (or it escapes)."""
    name = safe_member_name(path)
    if name is None:
        return None
    full = prefix + name
    try:
        return default_storage.open(full, "rb")
    except (FileNotFoundError, IsADirectoryError, OSError):
        return None
