"""The database side of a backup: a consistent snapshot, its restore into an empty database, and
per-table row counts and checksums, for PostgreSQL (pg_dump/pg_restore) and SQLite (the online
backup API).

Checksums are sha256 over each table's rows in primary-key order, read through the same kind of
driver connection at backup and at restore, so equal data gives equal sums (they are comparable
within one vendor, which is all a restore needs). At backup time they are read from the very
snapshot that is dumped: the SQLite copy, or PostgreSQL's exported snapshot that pg_dump shares.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
import subprocess  # noqa: S404 (pg_dump and pg_restore are the tools for the job)
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connections
from django.utils.connection import ConnectionProxy

from bluelamp.operations.backups.crypto import BackupError

TableSums = dict[str, dict[str, Any]]


def _canonical(value: Any) -> str:
    if value is None:
        return "N"
    if isinstance(value, bytes | bytearray | memoryview):
        return "b" + bytes(value).hex()
    return f"{type(value).__name__}:{value!r}"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _table_sums(cursor: Any, tables: list[str], primary_keys: Callable[[str], list[str]]) -> TableSums:
    sums: TableSums = {}
    for table in sorted(tables):
        keys = primary_keys(table)
        order = f" ORDER BY {', '.join(_quote(key) for key in keys)}" if keys else ""
        cursor.execute(f"SELECT * FROM {_quote(table)}{order}")  # noqa: S608 (names from the catalogue)
        digest = hashlib.sha256()
        lines: list[bytes] = []
        rows = 0
        while batch := cursor.fetchmany(2000):
            for row in batch:
                line = ("\x1f".join(_canonical(value) for value in row) + "\n").encode()
                if keys:
                    digest.update(line)
                else:
                    lines.append(line)
                rows += 1
        for line in sorted(lines):  # no primary key: the rows' own order
            digest.update(line)
        sums[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return sums


def _migrations(cursor: Any, tables: list[str]) -> list[list[str]]:
    if "django_migrations" not in tables:
        return []
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [[app, name] for app, name in cursor.fetchall()]


# SQLite ---------------------------------------------------------------------------------------


def _sqlite_tables(cursor: Any) -> list[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return [name for (name,) in cursor.fetchall()]


def sqlite_summary(path: Path) -> tuple[TableSums, list[list[str]]]:
    """Row counts and checksums per table, and the migrations applied, of an SQLite file (read
    through a plain sqlite3 connection, without Django's type converters)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        cursor = connection.cursor()
        tables = _sqlite_tables(cursor)

        def primary_keys(table: str) -> list[str]:
            cursor.execute(f"PRAGMA table_info({_quote(table)})")
            columns = sorted((pk, name) for _, name, _, _, _, pk in cursor.fetchall() if pk)
            return [name for _, name in columns] or ["rowid"]

        return _table_sums(cursor, tables, primary_keys), _migrations(cursor, tables)
    finally:
        connection.close()


def sqlite_snapshot(connection: Any, target: Path) -> None:
    """A consistent copy of a live SQLite database (Django connection) into `target`, through
    the online backup API: writers may go on meanwhile."""
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()


def sqlite_file_of(connection: Any) -> Path:
    name = str(connection.settings_dict["NAME"])
    if not name or name == ":memory:" or "mode=memory" in name:
        raise BackupError("the database is SQLite in memory: restore needs a database file")
    return Path(name)


def sqlite_restore(connection: Any, source: Path) -> None:
    """Copy the snapshot `source` into the (empty) database of the Django connection."""
    connection.ensure_connection()
    origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        origin.backup(connection.connection)
    finally:
        origin.close()


# PostgreSQL -----------------------------------------------------------------------------------


def _pg_tables(cursor: Any) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return [name for (name,) in cursor.fetchall()]


def _pg_primary_keys(cursor: Any) -> Callable[[str], list[str]]:
    def primary_keys(table: str) -> list[str]:
        cursor.execute(
            "SELECT a.attname FROM pg_index i "
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            "WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)",
            [_quote(table)],
        )
        return [name for (name,) in cursor.fetchall()]

    return primary_keys


def _pg_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq's environment for pg_dump/pg_restore: the password never appears on a command line."""
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return env


def _pg_tool(name: str, server_major: int) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not on PATH: install PostgreSQL {server_major}'s client tools "
            f"(Debian: postgresql-client-{server_major})"
        )
    output = subprocess.run([path, "--version"], capture_output=True, text=True, check=False).stdout  # noqa: S603
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    if match is None:
        raise BackupError(f"{path} --version says {output.strip()!r}: cannot tell its version")
    if int(match.group(1)) < server_major:
        raise BackupError(
            f"{path} is version {match.group(1)}, older than the server ({server_major}): "
            f"install PostgreSQL {server_major}'s client tools, or put them first on PATH"
        )
    return path


def _pg_connection(connection: Any, *, autocommit: bool = False) -> Any:
    """A driver connection of its own (never one from Django's pool, if pooling is on), with the
    same type adapters as Django's, so checksums read the same values on both sides."""
    return connection.Database.connect(**connection.get_connection_params(), autocommit=autocommit)


def _pg_server_major(raw: Any) -> int:
    with raw.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def postgresql_snapshot(connection: Any, sink: Any) -> tuple[TableSums, list[list[str]]]:
    """pg_dump --format=custom into `sink`, from a snapshot exported by a REPEATABLE READ
    transaction in which the checksums are read too: the dump and its manifest see the same data."""
    raw = _pg_connection(connection)
    try:
        server_major = _pg_server_major(raw)
        raw.rollback()
        pg_dump = _pg_tool("pg_dump", server_major)
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            tables = _pg_tables(cursor)
            sums = _table_sums(cursor, tables, _pg_primary_keys(cursor))
            migrations = _migrations(cursor, tables)
        with tempfile.TemporaryFile() as errors:
            process = subprocess.Popen(  # noqa: S603
                [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--no-password"],
                stdout=subprocess.PIPE,
                stderr=errors,
                env=_pg_environment(connection.settings_dict),
            )
            assert process.stdout is not None
            while block := process.stdout.read(1024 * 1024):
                sink.write(block)
            if process.wait() != 0:
                errors.seek(0)
                raise BackupError(f"pg_dump failed: {errors.read().decode(errors='replace').strip()}")
        raw.rollback()
        return sums, migrations
    finally:
        raw.close()


def postgresql_restore(connection: Any, source: Any) -> None:
    """pg_restore of a custom-format dump from `source` into the (empty) database of the Django
    connection, in one transaction: a failure leaves the database as empty as it was."""
    raw = _pg_connection(connection, autocommit=True)
    try:
        server_major = _pg_server_major(raw)
    finally:
        raw.close()
    pg_restore = _pg_tool("pg_restore", server_major)
    settings_dict = connection.settings_dict
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(  # noqa: S603
            [
                pg_restore,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                "--no-password",
                f"--dbname={settings_dict['NAME']}",
            ],
            stdin=subprocess.PIPE,
            stderr=errors,
            env=_pg_environment(settings_dict),
        )
        assert process.stdin is not None
        try:
            while block := source.read(1024 * 1024):
                process.stdin.write(block)
            process.stdin.close()
        except BrokenPipeError:
            pass
        if process.wait() != 0:
            errors.seek(0)
            raise BackupError(f"pg_restore failed: {errors.read().decode(errors='replace').strip()}")


def postgresql_summary(connection: Any) -> tuple[TableSums, list[list[str]]]:
    raw = _pg_connection(connection)
    try:
        with raw.cursor() as cursor:
            tables = _pg_tables(cursor)
            return _table_sums(cursor, tables, _pg_primary_keys(cursor)), _migrations(cursor, tables)
    finally:
        raw.rollback()
        raw.close()


@contextmanager
def postgresql_scratch(connection: Any, name: str) -> Iterator[Any]:
    """A scratch database `name` on the same server (dropped first if a failed run left it),
    as a Django connection; dropped again afterwards."""
    admin = _pg_connection(connection, autocommit=True)
    scratch = wrapper_class(connection)({**connection.settings_dict, "NAME": name}, alias=f"{name}-scratch")
    try:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {_quote(name)}")
            cursor.execute(f"CREATE DATABASE {_quote(name)}")
        yield scratch
    finally:
        scratch.close()
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {_quote(name)}")
        admin.close()


# Either ----------------------------------------------------------------------------------------


def wrapper_class(connection: Any) -> type:
    """The backend's DatabaseWrapper class (`django.db.connection` is a proxy to it), to open a
    connection to another database of the same server."""
    if isinstance(connection, ConnectionProxy):
        return type(connections[connection._alias])
    return type(connection)


def tables_in(connection: Any) -> list[str]:
    """The tables of the connection's database (a restore goes only into a database without any)."""
    if connection.vendor == "postgresql":
        raw = _pg_connection(connection)
        try:
            with raw.cursor() as cursor:
                return sorted(_pg_tables(cursor))
        finally:
            raw.rollback()
            raw.close()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            return sorted(_sqlite_tables(cursor))
    raise BackupError(f"database vendor {connection.vendor!r}: backups support PostgreSQL and SQLite")


def summary_of(connection: Any) -> tuple[TableSums, list[list[str]]]:
    if connection.vendor == "postgresql":
        return postgresql_summary(connection)
    return sqlite_summary(sqlite_file_of(connection))
