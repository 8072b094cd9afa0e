"""Backups: backup → wipe → restore gives the same data (table by table) and files (byte for byte);
a wrong key, a missing key and a database that is not empty are refused clearly; retention keeps
the newest N; the daily jobs back up, verify and report. SQLite here; the PostgreSQL paths run
when the suite does (CI)."""

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from bluelamp.core.plugins import jobs
from bluelamp.operations.backups import database, services, tasks
from bluelamp.operations.backups.crypto import WRONG_KEY, BackupError, WrongKeyError

KEY = b"correct horse battery staple"
AT = dt.datetime(2026, 12, 5, 3, 0, tzinfo=dt.UTC)
FILES = {
    "scorm/3f2a/index.html": b"<html><body>Kent Police induction</body></html>",
    "scorm/3f2a/media/clip.bin": bytes(range(256)) * 5000,  # more than one encryption chunk
    "evidence/empty.txt": b"",
}

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stored_files():
    for name, data in FILES.items():
        assert default_storage.save(name, ContentFile(data)) == name
    return FILES


@pytest.fixture
def data(alice, bob, stored_files):
    """Kent, Alice and Bob (with their licences, roles and audit entries) and three stored files."""
    return alice, bob


def _empty_sqlite(path: Path):
    """A Django connection to a new, empty SQLite database file (the database to restore into)."""
    return database.wrapper_class(connection)(
        {**connection.settings_dict, "NAME": str(path)}, alias="restore_target"
    )


@pytest.fixture
def empty_database(tmp_path):
    """A new, empty database of the suite's kind to restore into."""
    if connection.vendor == "postgresql":
        with database.postgresql_scratch(
            connection, f"{connection.settings_dict['NAME']}_restoretest"
        ) as target:
            yield target
        return
    target = _empty_sqlite(tmp_path / "restored.sqlite3")
    yield target
    target.close()


def _source_summary(tmp_path: Path):
    copy = tmp_path / "source-now.sqlite3"
    database.sqlite_snapshot(connection, copy)
    return database.sqlite_summary(copy)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite path")
def test_backup_wipe_restore_gives_identical_data_and_files(data, tmp_path, settings):
    backups = tmp_path / "backups"
    path = services.backup_create(to=backups, at=AT, secret=KEY)

    assert path.name == "bluelamp-backup-20261205T030000Z"
    assert sorted(p.name for p in backups.iterdir()) == [path.name]  # no temporary set left
    assert sorted(p.name for p in path.iterdir()) == ["database.enc", "files.tar.enc", "manifest.json.enc"]
    for part in path.iterdir():  # encrypted: no name or content readable
        assert b"Kent Police" not in part.read_bytes()
        assert b"scorm/3f2a" not in part.read_bytes()
    manifest = services.backup_manifest(path, secret=KEY)
    assert manifest["vendor"] == "sqlite" and manifest["time"] == AT.isoformat()
    assert manifest["tables"]["organisations_organisation"]["rows"] == 1
    assert ["organisations", "0001_initial"] in manifest["migrations"]
    assert {entry["path"]: entry["size"] for entry in manifest["files"]} == {
        name: len(content) for name, content in FILES.items()
    }
    expected_tables, _ = _source_summary(tmp_path)
    assert manifest["tables"] == expected_tables

    shutil.rmtree(settings.MEDIA_ROOT)  # wipe the files; the database goes into a new, empty one
    target = _empty_sqlite(tmp_path / "restored.sqlite3")
    cache.set("held-before-the-restore", "a row of the old database")
    try:
        comparison = services.backup_restore(path, connection=target, secret=KEY)
    finally:
        target.close()

    assert comparison.ok, comparison.problems
    assert cache.get("held-before-the-restore") is None  # the shared cache cannot outlive it
    assert all(table["ok"] and table["checksum_ok"] for table in comparison.tables)
    restored_tables, _ = database.sqlite_summary(tmp_path / "restored.sqlite3")
    assert restored_tables == expected_tables
    for name, content in FILES.items():
        assert (Path(settings.MEDIA_ROOT) / name).read_bytes() == content


def test_a_wrong_key_fails_clearly(data, tmp_path, settings, empty_database):
    path = services.backup_create(to=tmp_path, at=AT, secret=KEY)

    with pytest.raises(WrongKeyError, match=WRONG_KEY):
        services.backup_manifest(path, secret=b"not the key")
    with pytest.raises(WrongKeyError):
        services.backup_restore(path, connection=empty_database, secret=b"not the key")
    settings.BACKUP_KEY = "not the key"
    with pytest.raises(CommandError, match="restore failed: the key does not open this backup"):
        call_command("restore", str(path))


def test_a_database_that_is_not_empty_is_refused_naming_its_tables(data, tmp_path, settings):
    settings.BACKUP_KEY = KEY.decode()
    call_command("backup", "--to", str(tmp_path))
    (path,) = services.backup_sets(tmp_path)

    with pytest.raises(
        CommandError, match=r"the database is not empty: it has \d+ tables \(account_emailaddress, .* more\)"
    ):
        call_command("restore", str(path))


def test_a_storage_holding_other_files_of_the_same_names_is_refused(data, tmp_path, empty_database):
    path = services.backup_create(to=tmp_path, at=AT, secret=KEY)
    other = FileSystemStorage(location=tmp_path / "other")
    other.save("scorm/3f2a/index.html", ContentFile(b"someone else's"))

    with pytest.raises(BackupError, match=r"already holds 1 of the backup's files .*scorm/3f2a/index.html"):
        services.backup_restore(path, connection=empty_database, storage=other, secret=KEY)


def test_no_key_no_backup(data, tmp_path, settings, monkeypatch):
    settings.BACKUP_KEY = None
    settings.BACKUP_KEY_FILE = None
    monkeypatch.delenv("BACKUP_KEY", raising=False)
    monkeypatch.delenv("BACKUP_KEY_FILE", raising=False)

    with pytest.raises(CommandError, match="no backup key: set BACKUP_KEY, or BACKUP_KEY_FILE"):
        call_command("backup", "--to", str(tmp_path / "backups"))
    assert services.backup_sets(tmp_path / "backups") == []


def test_the_key_may_come_from_a_file(data, tmp_path, settings):
    key_file = tmp_path / "backup.key"
    key_file.write_text(KEY.decode() + "\n")
    settings.BACKUP_KEY = None
    settings.BACKUP_KEY_FILE = str(key_file)

    call_command("backup", "--to", str(tmp_path / "backups"))

    (path,) = services.backup_sets(tmp_path / "backups")
    assert services.backup_manifest(path, secret=KEY)["vendor"] == connection.vendor


def test_a_failed_backup_leaves_no_set(data, tmp_path, monkeypatch):
    def broken(storage, sink):
        raise OSError("disk full")

    monkeypatch.setattr(services.files, "storage_to_tar", broken)

    with pytest.raises(OSError, match="disk full"):
        services.backup_create(to=tmp_path / "backups", at=AT, secret=KEY)
    assert list((tmp_path / "backups").iterdir()) == []


def test_retention_keeps_the_newest_n(data, tmp_path):
    made = [
        services.backup_create(to=tmp_path, at=AT + dt.timedelta(days=day), secret=KEY) for day in range(4)
    ]

    removed = services.backup_prune(directory=tmp_path, keep=2)

    assert removed == made[:2]
    assert services.backup_sets(tmp_path) == made[2:]


def test_the_daily_jobs_back_up_keep_n_and_verify(data, tmp_path, settings):
    assert [tasks.backup_daily, tasks.backup_verify_daily] == [
        job for job in jobs("daily") if job.module_path.startswith("bluelamp.operations.backups")
    ]
    settings.BACKUP_DIR = None
    settings.BACKUP_KEY = KEY.decode()
    assert services.backup_scheduled() == "no backup: BACKUP_DIR is not set"
    assert services.latest_verification() is None

    settings.BACKUP_DIR = str(tmp_path)
    settings.BACKUP_KEEP = 2
    for day in range(3):
        services.backup_scheduled(at=AT + dt.timedelta(days=day))
    assert [path.name for path in services.backup_sets(tmp_path)] == [
        "bluelamp-backup-20261206T030000Z",
        "bluelamp-backup-20261207T030000Z",
    ]
    assert tasks.backup_verify_daily.call() == "verified bluelamp-backup-20261207T030000Z: ok"

    report = services.latest_verification()
    assert report is not None and report["ok"] is True and report["problems"] == []
    assert report["set"] == "bluelamp-backup-20261207T030000Z" and report["files"] == len(FILES)
    assert {"table": "organisations_organisation", "rows_expected": 1, "rows_found": 1} | {
        "checksum_ok": True,
        "ok": True,
    } in report["tables"]
    assert json.loads((tmp_path / "latest-verification.json").read_text()) == report


def test_verification_reports_a_damaged_set(data, tmp_path):
    path = services.backup_create(to=tmp_path, at=AT, secret=KEY)
    files_part = path / "files.tar.enc"
    damaged = bytearray(files_part.read_bytes())
    damaged[-20] ^= 0xFF
    files_part.write_bytes(bytes(damaged))

    report = services.backup_verify(path, secret=KEY, at=AT)

    assert report["ok"] is False
    assert report["problems"] == ["files.tar.enc is damaged (chunk 1 fails its check)"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL path (CI)")
def test_postgresql_backup_restore_and_verify(data, tmp_path, empty_database):
    path = services.backup_create(to=tmp_path, at=AT, secret=KEY)
    manifest = services.backup_manifest(path, secret=KEY)
    assert manifest["vendor"] == "postgresql"
    assert manifest["tables"] == database.postgresql_summary(connection)[0]

    comparison = services.backup_restore(
        path, connection=empty_database, storage=FileSystemStorage(location=tmp_path / "restored"), secret=KEY
    )
    assert comparison.ok, comparison.problems
    for name, content in FILES.items():
        assert (tmp_path / "restored" / name).read_bytes() == content

    report = services.backup_verify(path, secret=KEY, at=AT)
    assert report["ok"] is True, report["problems"]
