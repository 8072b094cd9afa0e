"""Backups: take a set, restore one into an empty database, verify the latest in a scratch
database, and keep the last N (docs/backups.md).

A set is a directory `bluelamp-backup-<UTC time>` holding three encrypted parts: the manifest
(time, vendor, tables with row counts and checksums, migrations, files with sizes and sha256),
the database dump and a tar of the stored files. It is written under a hidden temporary name and
renamed when complete, so a set that looks complete is complete.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection as default_connection

from bluelamp.operations.backups import database, files
from bluelamp.operations.backups.crypto import (
    BackupError,
    DecryptingReader,
    EncryptingWriter,
    backup_key_configured,
    backup_secret,
    decrypt_file,
    encrypt_file,
)

SET_PREFIX = "bluelamp-backup-"
MANIFEST = "manifest.json.enc"
DATABASE = "database.enc"
FILES = "files.tar.enc"
REPORT = "latest-verification.json"
FORMAT = 1

Log = Callable[[str], None]


def _quiet(message: str) -> None:
    pass


def backup_directory() -> Path | None:
    """BACKUP_DIR (setting, then environment), or None when backups are not configured."""
    value = getattr(settings, "BACKUP_DIR", None) or os.environ.get("BACKUP_DIR", "")
    return Path(value) if value else None


def backup_keep() -> int:
    value = getattr(settings, "BACKUP_KEEP", None)
    if value is None or value == "":
        value = os.environ.get("BACKUP_KEEP", "") or 14
    try:
        keep = int(value)
    except ValueError:
        raise BackupError(
            f"BACKUP_KEEP={value!r}: give a whole number of sets to keep (at least 1)"
        ) from None
    if keep < 1:
        raise BackupError(f"BACKUP_KEEP={keep}: keep at least 1 set")
    return keep


def _utc(at: dt.datetime | None) -> dt.datetime:
    return (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)


def backup_sets(directory: Path) -> list[Path]:
    """The complete sets in `directory`, oldest first (names sort by their UTC time)."""
    if not directory.is_dir():
        return []
    return sorted(path for path in directory.iterdir() if path.is_dir() and path.name.startswith(SET_PREFIX))


def backup_create(
    *,
    to: Path,
    at: dt.datetime | None = None,
    connection: Any = None,
    storage: Any = None,
    secret: bytes | None = None,
    log: Log = _quiet,
) -> Path:
    """Take a backup set of the database and the stored files into directory `to`; its path.

    The database is snapshotted first and the files after: files are stored before the rows
    that name them, so every file the snapshot refers to is in the set.
    """
    connection = connection or default_connection
    storage = storage or default_storage
    secret = secret if secret is not None else backup_secret()
    if connection.vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"database vendor {connection.vendor!r}: backups support PostgreSQL and SQLite")
    moment = _utc(at)
    to.mkdir(parents=True, exist_ok=True)
    name = f"{SET_PREFIX}{moment:%Y%m%dT%H%M%SZ}"
    final = to / name
    suffix = 1
    while final.exists():
        suffix += 1
        final = to / f"{name}-{suffix}"
    partial = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".partial", dir=to))
    try:
        log(f"Database ({connection.vendor}): snapshot")
        if connection.vendor == "sqlite":
            with tempfile.TemporaryDirectory(dir=partial) as scratch:
                copy = Path(scratch) / "database.sqlite3"
                database.sqlite_snapshot(connection, copy)
                tables, migrations = database.sqlite_summary(copy)
                encrypt_file(copy, partial / DATABASE, secret)
        else:
            with (partial / DATABASE).open("wb") as sink, EncryptingWriter(sink, secret) as writer:
                tables, migrations = database.postgresql_snapshot(connection, writer)
        log(f"  {len(tables)} tables, {sum(t['rows'] for t in tables.values())} rows")
        log("Stored files")
        with (partial / FILES).open("wb") as sink, EncryptingWriter(sink, secret) as writer:
            listed = files.storage_to_tar(storage, writer)
        log(f"  {len(listed)} files, {sum(entry['size'] for entry in listed)} bytes")
        manifest = {
            "format": FORMAT,
            "time": moment.isoformat(),
            "vendor": connection.vendor,
            "tables": tables,
            "migrations": migrations,
            "files": listed,
        }
        with (partial / MANIFEST).open("wb") as sink, EncryptingWriter(sink, secret) as writer:
            writer.write(json.dumps(manifest, indent=1, sort_keys=True).encode())
        os.rename(partial, final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    log(f"Wrote {final}")
    return final


def backup_manifest(source: Path, *, secret: bytes | None = None) -> dict[str, Any]:
    """The set's manifest, decrypted (WrongKeyError when the key does not open it)."""
    secret = secret if secret is not None else backup_secret()
    if not (source / MANIFEST).is_file():
        raise BackupError(f"{source}: not a backup set (no {MANIFEST}); give a directory named {SET_PREFIX}…")
    with (source / MANIFEST).open("rb") as stream:
        manifest: dict[str, Any] = json.loads(DecryptingReader(stream, secret, name=MANIFEST).read())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source}: backup format {manifest.get('format')!r}, this Bluelamp reads {FORMAT}")
    return manifest


@dataclass
class Comparison:
    """Row counts and checksums found, table by table, against the manifest's."""

    tables: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def compare_tables(expected: database.TableSums, found: database.TableSums) -> Comparison:
    comparison = Comparison()
    for table in sorted(set(expected) | set(found)):
        want, got = expected.get(table), found.get(table)
        ok = want == got
        comparison.tables.append(
            {
                "table": table,
                "rows_expected": want["rows"] if want else None,
                "rows_found": got["rows"] if got else None,
                "checksum_ok": bool(want and got and want["sha256"] == got["sha256"]),
                "ok": ok,
            }
        )
        if want is None:
            comparison.problems.append(f"table {table} is not in the backup")
        elif got is None:
            comparison.problems.append(f"table {table} is missing")
        elif not ok:
            comparison.problems.append(
                f"table {table}: {got['rows']} rows (expected {want['rows']})"
                if got["rows"] != want["rows"]
                else f"table {table}: checksum differs"
            )
    return comparison


def backup_restore(
    source: Path,
    *,
    connection: Any = None,
    storage: Any = None,
    secret: bytes | None = None,
    log: Log = _quiet,
) -> Comparison:
    """Restore the set `source` into an empty database and storage, then compare every table's
    row count and checksum (and every file's sha256) with the manifest."""
    connection = connection or default_connection
    storage = storage or default_storage
    secret = secret if secret is not None else backup_secret()
    manifest = backup_manifest(source, secret=secret)
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            f"the backup is of a {manifest['vendor']} database; this one is {connection.vendor}: "
            "restore into the same kind of database"
        )
    present = database.tables_in(connection)
    if present:
        shown = ", ".join(present[:8]) + (f" and {len(present) - 8} more" if len(present) > 8 else "")
        raise BackupError(
            f"the database is not empty: it has {len(present)} tables ({shown}); "
            "restore only into an empty database (create a new one and point DATABASE_URL at it)"
        )
    conflicts = files.storage_conflicts(storage, manifest["files"])
    if conflicts:
        raise BackupError(
            f"the storage already holds {len(conflicts)} of the backup's files with other contents "
            f"({', '.join(conflicts[:5])}): restore into an empty storage"
        )
    log(f"Restoring {source.name} (taken {manifest['time']}, {manifest['vendor']})")
    if connection.vendor == "sqlite":
        target = database.sqlite_file_of(connection)
        with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
            copy = Path(scratch) / "database.sqlite3"
            decrypt_file(source / DATABASE, copy, secret)
            database.sqlite_restore(connection, copy)
    else:
        with (source / DATABASE).open("rb") as stream:
            database.postgresql_restore(connection, DecryptingReader(stream, secret, name=DATABASE))
    connection.close()
    log(f"  database: {len(manifest['tables'])} tables")
    # The shared cache holds rows of the database it served before (organisations, people and
    # their roles by id, catalogue pages): none of them may outlive the restore.
    cache.clear()
    log("  cache: cleared")
    with (source / FILES).open("rb") as stream:
        written = files.tar_to_storage(
            DecryptingReader(stream, secret, name=FILES), storage, manifest["files"]
        )
    log(f"  files: {written} written ({len(manifest['files'])} in the backup)")
    found, _ = database.summary_of(connection)
    comparison = compare_tables(manifest["tables"], found)
    for entry in manifest["files"]:
        if not storage.exists(entry["path"]):
            comparison.problems.append(f"file {entry['path']} is missing")
        elif files.storage_sha256(storage, entry["path"]) != entry["sha256"]:
            comparison.problems.append(f"file {entry['path']} differs")
    return comparison


def _check_files(source: Path, secret: bytes, listed: list[dict[str, Any]]) -> list[str]:
    """Every file in the set's archive against the manifest, without storing any."""
    import hashlib

    expected = {entry["path"]: entry["sha256"] for entry in listed}
    seen: set[str] = set()
    problems: list[str] = []
    with (source / FILES).open("rb") as stream:
        reader = DecryptingReader(stream, secret, name=FILES)
        with tarfile.open(fileobj=reader, mode="r|") as archive:  # type: ignore[call-overload]
            for member in archive:
                data = archive.extractfile(member)
                digest = hashlib.sha256()
                while data is not None and (block := data.read(1024 * 1024)):
                    digest.update(block)
                if expected.get(member.name) != digest.hexdigest():
                    problems.append(f"file {member.name} differs from the manifest")
                seen.add(member.name)
    problems += [f"file {name} is missing from the archive" for name in sorted(set(expected) - seen)]
    return problems


def backup_verify(
    source: Path,
    *,
    connection: Any = None,
    secret: bytes | None = None,
    at: dt.datetime | None = None,
    log: Log = _quiet,
) -> dict[str, Any]:
    """Restore the set into a scratch database (a new SQLite file, or `<name>_verify` on the
    PostgreSQL server, created and dropped) and compare each table's row count and checksum
    with the manifest; check every file's sha256. The report, as JSON-ready data."""
    connection = connection or default_connection
    secret = secret if secret is not None else backup_secret()
    moment = _utc(at)
    report: dict[str, Any] = {"time": moment.isoformat(), "set": source.name, "ok": False, "tables": []}
    try:
        manifest = backup_manifest(source, secret=secret)
        report["backup_time"] = manifest["time"]
        report["vendor"] = manifest["vendor"]
        if manifest["vendor"] == "sqlite":
            with tempfile.TemporaryDirectory(dir=source.parent) as scratch:
                copy = Path(scratch) / "verify.sqlite3"
                decrypt_file(source / DATABASE, copy, secret)
                found, _ = database.sqlite_summary(copy)
        elif connection.vendor == "postgresql":
            with (
                database.postgresql_scratch(
                    connection, f"{connection.settings_dict['NAME']}_verify"
                ) as scratch,
                (source / DATABASE).open("rb") as stream,
            ):
                database.postgresql_restore(scratch, DecryptingReader(stream, secret, name=DATABASE))
                found, _ = database.postgresql_summary(scratch)
        else:
            raise BackupError(
                "a PostgreSQL backup is verified on a PostgreSQL server: this database is not one"
            )
        comparison = compare_tables(manifest["tables"], found)
        comparison.problems += _check_files(source, secret, manifest["files"])
        report.update(
            ok=comparison.ok,
            tables=comparison.tables,
            files=len(manifest["files"]),
            problems=comparison.problems,
        )
    except BackupError as error:
        report["problems"] = [str(error)]
    log(f"Verified {source.name}: {'ok' if report['ok'] else 'FAILED: ' + '; '.join(report['problems'])}")
    return report


def verification_write(report: dict[str, Any], directory: Path) -> Path:
    """Write the report as `latest-verification.json` beside the sets (replaced whole)."""
    target = directory / REPORT
    temporary = directory / f".{REPORT}.partial"
    temporary.write_text(json.dumps(report, indent=1, sort_keys=True))
    os.replace(temporary, target)
    return target


def latest_verification(directory: Path | None = None) -> dict[str, Any] | None:
    """The last verification's report (time, set, ok, tables, problems), or None when backups
    are not configured or none has been verified yet: for the change/release status page."""
    directory = directory or backup_directory()
    if directory is None:
        return None
    try:
        report: dict[str, Any] = json.loads((directory / REPORT).read_text())
    except (OSError, ValueError):
        return None
    return report


def backup_prune(*, directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` complete sets; the paths deleted. (A `.partial` set that
    a killed run left is not touched: another run may be writing it.)"""
    if keep < 1:
        raise BackupError(f"keep {keep}: keep at least 1 set")
    removed = backup_sets(directory)[:-keep]
    for path in removed:
        shutil.rmtree(path)
    return removed


def backup_scheduled(*, at: dt.datetime | None = None, log: Log = _quiet) -> str:
    """The daily backup: a set into BACKUP_DIR, then keep the newest BACKUP_KEEP. Without
    BACKUP_DIR or a key, nothing (and says why)."""
    directory = backup_directory()
    if directory is None:
        return "no backup: BACKUP_DIR is not set"
    if not backup_key_configured():
        return "no backup: neither BACKUP_KEY nor BACKUP_KEY_FILE is set"
    path = backup_create(to=directory, at=at, log=log)
    removed = backup_prune(directory=directory, keep=backup_keep())
    return f"wrote {path.name}; removed {len(removed)} old set(s)"


def verify_scheduled(*, at: dt.datetime | None = None, log: Log = _quiet) -> str:
    """The daily verification of the latest set; its report beside the sets."""
    directory = backup_directory()
    if directory is None:
        return "no verification: BACKUP_DIR is not set"
    if not backup_key_configured():
        return "no verification: neither BACKUP_KEY nor BACKUP_KEY_FILE is set"
    sets = backup_sets(directory)
    if not sets:
        return f"no verification: no backup set in {directory}"
    report = backup_verify(sets[-1], at=at, log=log)
    verification_write(report, directory)
    return f"verified {sets[-1].name}: {'ok' if report['ok'] else 'FAILED'}"
