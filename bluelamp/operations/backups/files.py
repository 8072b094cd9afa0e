"""The stored files' side of a backup: every file of a Django storage (the default storage: the
file system here, S3-compatible in production), through the Storage API only, as a tar stream."""

from __future__ import annotations

import hashlib
import posixpath
import tarfile
from collections.abc import Iterator
from typing import IO, Any

from django.core.files.base import File

from bluelamp.operations.backups.crypto import CHUNK, BackupError


def storage_names(storage: Any, path: str = "") -> Iterator[str]:
    """Every file's name in `storage`, depth first, sorted (a storage whose folder does not exist
    yet holds nothing)."""
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield posixpath.join(path, name) if path else name
    for directory in sorted(directories):
        yield from storage_names(storage, posixpath.join(path, directory) if path else directory)


class _Hashing:
    def __init__(self, source: IO[bytes]) -> None:
        self.source = source
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.digest.update(data)
        return data


def storage_to_tar(storage: Any, sink: Any) -> list[dict[str, Any]]:
    """Write every stored file into a tar stream on `sink`; the manifest's list of them."""
    listed: list[dict[str, Any]] = []
    with tarfile.open(fileobj=sink, mode="w|") as archive:  # type: ignore[call-overload]
        for name in storage_names(storage):
            info = tarfile.TarInfo(name)
            info.size = storage.size(name)
            with storage.open(name, "rb") as stored:
                hashing = _Hashing(stored)
                archive.addfile(info, hashing)  # type: ignore[arg-type]
            listed.append({"path": name, "size": info.size, "sha256": hashing.digest.hexdigest()})
    return listed


def storage_sha256(storage: Any, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as stored:
        while block := stored.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def storage_conflicts(storage: Any, listed: list[dict[str, Any]]) -> list[str]:
    """Files of the backup that the storage already holds with other contents (a restore would
    overwrite someone's file: it refuses instead)."""
    return [
        entry["path"]
        for entry in listed
        if storage.exists(entry["path"]) and storage_sha256(storage, entry["path"]) != entry["sha256"]
    ]


def tar_to_storage(source: Any, storage: Any, listed: list[dict[str, Any]]) -> int:
    """Save the tar stream's files into `storage` under their own names; those already there
    with the same contents are left as they are. Returns how many were written."""
    expected = {entry["path"] for entry in listed}
    written = 0
    with tarfile.open(fileobj=source, mode="r|") as archive:  # type: ignore[call-overload]
        for member in archive:
            if not member.isfile() or member.name not in expected:
                raise BackupError(
                    f"the files archive holds {member.name!r}, which its manifest does not list"
                )
            data = archive.extractfile(member)
            assert data is not None
            if storage.exists(member.name):
                continue
            saved = storage.save(member.name, File(data, name=member.name))
            if saved != member.name:
                raise BackupError(
                    f"the storage saved {member.name!r} as {saved!r}: restore into an empty storage"
                )
            written += 1
    return written
