"""The SCORM commit's two statements, written once instead of built by the ORM on every commit.

A runtime commits every few seconds per learner; at a national exam or a webinar's end that is
the busiest request Bluelamp answers. Through the ORM, building the locked read (a 5-table join
with `only()`) and the two `save(update_fields=...)` cost as much CPU as the rest of the commit
(docs/performance.md, "Serving"). The SQL here is the same SQL, composed once per process from
the models' own table and column names, with values converted as the ORM converts them (the
backend's converters on the way in, `get_db_prep_save` on the way out), so the rows read are
model instances like any others and what is written is what `save()` would write.

Only the learner's own rows are locked (the session and the attempt); the SCO and package rows,
which every learner of a course shares, are read without a lock (FOR UPDATE OF), as before.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.db.models import Field, Model

from bluelamp.core.sharedcache import LocalCopies
from bluelamp.learning.models import Enrolment, Sco, ScoAttempt, ScormPackage, ScoSession
from bluelamp.learning.scorm import cmi

# What a commit reads of each row (model, fields in the order selected).
_READS: tuple[tuple[type[Model], tuple[str, ...]], ...] = (
    (ScoSession, ("id", "attempt_id", "last_sequence", "session_seconds", "terminated")),
    (
        ScoAttempt,
        (
            "id",
            "enrolment_id",
            "sco_id",
            "completion_status",
            "success_status",
            "score_scaled",
            "score_raw",
            "total_seconds",
            "commits",
        ),
    ),
    (Enrolment, ("id", "person_id", "status", "version_id", "started_at", "last_activity_at")),
    (Sco, ("id", "package_id", "completion_threshold")),
    (ScormPackage, ("id", "version")),
)


@dataclass
class CommitRows:
    session: ScoSession
    attempt: ScoAttempt  # .enrolment and .sco (with .package) attached, as select_related would


def _field(model: type[Model], name: str) -> Field:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)  # a column, not a reverse relation
    return field


def _column(model: type[Model], name: str) -> str:
    quote = connection.ops.quote_name
    return f"{quote(model._meta.db_table)}.{quote(str(_field(model, name).column))}"


def _in_model_order(model: type[Model], names: tuple[str, ...]) -> list[str]:
    """`Model.from_db` takes a subset of the columns in the model's own order."""
    return [f.attname for f in model._meta.concrete_fields if f.attname in names]


def _converters(model: type[Model], name: str) -> tuple:
    """A selected column's expression and the converters the ORM would apply to its value."""
    field = _field(model, name)
    expression = field.get_col(model._meta.db_table)
    return expression, tuple(
        connection.ops.get_db_converters(expression) + field.get_db_converters(connection)
    )


def _converted(row: Sequence, converters: Sequence[tuple]) -> list:
    """A fetched row's values as the ORM would give them to `Model.from_db`."""
    values = list(row)
    for index, (expression, functions) in enumerate(converters):
        for convert in functions:
            values[index] = convert(values[index], expression, connection)
    return values


@functools.cache
def _read_statement(vendor: str) -> tuple[str, tuple, tuple]:
    """The locked read's SQL; per selected column, its expression and converters; per model,
    the fields selected, in the order selected."""
    quote = connection.ops.quote_name
    columns = []
    converters = []
    layout = tuple((model, _in_model_order(model, names)) for model, names in _READS)
    for model, names in layout:
        for name in names:
            columns.append(_column(model, name))
            converters.append(_converters(model, name))
    table = {model: quote(model._meta.db_table) for model, _ in _READS}
    # Names from the models, never from input; the values are parameters.
    sql = (
        f"SELECT {', '.join(columns)} FROM {table[ScoSession]}"  # noqa: S608
        f" INNER JOIN {table[ScoAttempt]} ON {_column(ScoSession, 'attempt')} = {_column(ScoAttempt, 'id')}"
        f" INNER JOIN {table[Enrolment]} ON {_column(ScoAttempt, 'enrolment')} = {_column(Enrolment, 'id')}"
        f" INNER JOIN {table[Sco]} ON {_column(ScoAttempt, 'sco')} = {_column(Sco, 'id')}"
        f" INNER JOIN {table[ScormPackage]} ON {_column(Sco, 'package')} = {_column(ScormPackage, 'id')}"
        f" WHERE {_column(ScoSession, 'uuid')} = %s AND {_column(Enrolment, 'person')} = %s"
    )
    if connection.features.has_select_for_update_of:
        sql += f" FOR UPDATE OF {table[ScoSession]}, {table[ScoAttempt]}"
    elif connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    return sql, tuple(converters), layout


def read_locked(session_uuid, person_pk: int) -> CommitRows | None:
    """The learner's session with its attempt, enrolment, SCO and package (only what a commit
    reads), the session and attempt rows locked until the transaction ends; None if the session
    is not the learner's."""
    sql, converters, layout = _read_statement(connection.vendor)
    uuid_field = ScoSession._meta.get_field("uuid")
    with connection.cursor() as cursor:
        cursor.execute(sql, [uuid_field.get_db_prep_value(session_uuid, connection), person_pk])
        row = cursor.fetchone()
    if row is None:
        return None
    values = _converted(row, converters)
    instances = {}
    start = 0
    for model, names in layout:
        instances[model] = model.from_db(connection.alias, names, values[start : start + len(names)])
        start += len(names)
    sco = instances[Sco]
    sco.package = instances[ScormPackage]
    attempt = instances[ScoAttempt]
    attempt.enrolment = instances[Enrolment]
    attempt.sco = sco
    session = instances[ScoSession]
    session.attempt = attempt
    return CommitRows(session=session, attempt=attempt)


def write(
    session: ScoSession, session_fields: Sequence[str], attempt: ScoAttempt, attempt_fields: Sequence[str]
):
    """UPDATE the session's and the attempt's given fields, as `save(update_fields=...)` would
    (no signals: neither model has receivers), in one statement where the database allows."""
    session_sql, session_params = _update(session, session_fields)
    attempt_sql, attempt_params = _update(attempt, attempt_fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A data-modifying WITH: both rows in one round trip.
            cursor.execute(f"WITH s AS ({session_sql}) {attempt_sql}", [*session_params, *attempt_params])
        else:
            cursor.execute(session_sql, session_params)
            cursor.execute(attempt_sql, attempt_params)


def _update(instance: Model, names: Sequence[str]) -> tuple[str, list]:
    model = type(instance)
    quote = connection.ops.quote_name
    assignments = []
    params = []
    for name in names:
        field = _field(model, name)
        assignments.append(f"{quote(str(field.column))} = %s")
        params.append(field.get_db_prep_save(getattr(instance, field.attname), connection))
    pk = model._meta.pk
    params.append(pk.get_db_prep_value(instance.pk, connection))
    # Names from the models, never from input; the values are parameters.
    where = quote(str(pk.column))
    sql = f"UPDATE {quote(model._meta.db_table)} SET {', '.join(assignments)} WHERE {where} = %s"  # noqa: S608
    return sql, params


# --- the common commit in one statement (PostgreSQL) -------------------------------------------
#
# Most commits are bookmarks and suspend data: nothing that a course's progress follows changes,
# and the enrolment was touched less than a minute ago. On PostgreSQL such a commit is written by
# one statement, in autocommit: it locks the learner's session and attempt rows (as the locked
# read does), checks in SQL that the commit is the learner's, in sequence, of an enrolment not
# withdrawn and touched within the minute, and that it changes no status nor score, and writes
# both rows. That is one round trip instead of four (BEGIN, the locked read, the write, COMMIT).
# Anything else (the first commit of a session in this process, a status or score that may
# change, a commit out of sequence, someone else's session) writes nothing here and is left to
# the transaction in progress.sco_commit, which decides it as it always has. The conditions are
# sufficient, not necessary, for the rules there to keep every status: where they hold, the
# rules would leave completion, success and score as they are (tested against each other).


@dataclass(frozen=True)
class KnownSession:
    """What parsing a session's commits needs of its SCO and package: neither changes once
    imported (a new upload is a new package), so it is read once per process, by the
    transaction, and the statement reads neither row."""

    version: str
    completion_threshold: Decimal | None


# Sessions this process has seen committed to by their learner, by "uuid:person id".
_known = LocalCopies(20_000, seconds=3600)


def known_session(session_uuid, person_pk: int) -> KnownSession | None:
    if connection.vendor != "postgresql":
        return None
    return _known.get(f"{session_uuid}:{person_pk}")


def remember_session(session_uuid, person_pk: int, known: KnownSession) -> None:
    if connection.vendor == "postgresql":
        _known.put(f"{session_uuid}:{person_pk}", known)


# What the statement returns of the attempt: what the locked read reads of it.
_RETURNED = dict(_READS)[ScoAttempt]


@functools.cache
def _quick_statement() -> tuple[str, tuple, list[str]]:
    quote = connection.ops.quote_name
    table = {model: quote(model._meta.db_table) for model, _ in _READS}
    session, attempt = table[ScoSession], table[ScoAttempt]

    def col(model, name):
        return _column(model, name)

    def bare(model, name):
        return quote(str(_field(model, name).column))

    names = _in_model_order(ScoAttempt, _RETURNED)
    returned = [col(ScoAttempt, name) for name in names]
    converters = tuple(_converters(ScoAttempt, name) for name in names)
    # Names from the models, never from input; the values are parameters.
    sql = (
        f"WITH old AS (SELECT {col(ScoSession, 'id')} AS sid, {col(ScoSession, 'session_seconds')} AS ss,"  # noqa: S608
        f" {col(ScoAttempt, 'id')} AS aid FROM {session}"
        f" INNER JOIN {attempt} ON {col(ScoSession, 'attempt')} = {col(ScoAttempt, 'id')}"
        f" INNER JOIN {table[Enrolment]} ON {col(ScoAttempt, 'enrolment')} = {col(Enrolment, 'id')}"
        f" WHERE {col(ScoSession, 'uuid')} = %(uuid)s AND {col(Enrolment, 'person')} = %(person)s"
        f" AND {col(Enrolment, 'status')} <> %(withdrawn)s::text"
        f" AND {col(Enrolment, 'started_at')} IS NOT NULL"
        f" AND {col(Enrolment, 'last_activity_at')} > %(touch_after)s::timestamptz"
        f" AND {col(ScoSession, 'last_sequence')} < %(sequence)s::integer"
        # No status nor score can change (see above).
        f" AND {col(ScoAttempt, 'completion_status')} IN ('completed', %(completion)s::text)"
        f" AND (%(success)s::text = 'unknown' OR {col(ScoAttempt, 'success_status')} = %(success)s::text"
        f" OR ({col(ScoAttempt, 'success_status')} = 'passed' AND %(success)s::text = 'failed'))"
        f" AND (%(score)s::numeric IS NULL OR {col(ScoAttempt, 'score_scaled')} = %(score)s::numeric)"
        f" FOR UPDATE OF {session}, {attempt}),"
        f" s AS (UPDATE {session} SET {bare(ScoSession, 'last_sequence')} = %(sequence)s::integer,"
        f" {bare(ScoSession, 'last_commit_at')} = %(at)s::timestamptz,"
        f" {bare(ScoSession, 'session_seconds')} = COALESCE(%(session_seconds)s::numeric, old.ss),"
        f" {bare(ScoSession, 'terminated')} = {col(ScoSession, 'terminated')} OR %(terminate)s::boolean"
        f" FROM old WHERE {col(ScoSession, 'id')} = old.sid)"
        f" UPDATE {attempt} SET {bare(ScoAttempt, 'cmi')} = %(cmi)s,"
        f" {bare(ScoAttempt, 'score_raw')} = CASE WHEN %(has_raw)s::boolean THEN %(score_raw)s::numeric"
        f" ELSE {col(ScoAttempt, 'score_raw')} END,"
        f" {bare(ScoAttempt, 'location')} = %(location)s::text,"
        f" {bare(ScoAttempt, 'suspend_data')} = %(suspend_data)s::text,"
        f" {bare(ScoAttempt, 'exit')} = %(exit)s::text,"
        # The total is the sum of each session's latest time: replace this session's share.
        f" {bare(ScoAttempt, 'total_seconds')} = LEAST(%(max_seconds)s::numeric, GREATEST(0,"
        f" {col(ScoAttempt, 'total_seconds')} - old.ss + COALESCE(%(session_seconds)s::numeric, old.ss))),"
        f" {bare(ScoAttempt, 'commits')} = {col(ScoAttempt, 'commits')} + 1,"
        f" {bare(ScoAttempt, 'updated_at')} = %(at)s::timestamptz"
        f" FROM old WHERE {col(ScoAttempt, 'id')} = old.aid RETURNING {', '.join(returned)}"
    )
    return sql, converters, names


def _run_first_thing(sql: str, params: dict):
    """The statement's row (or None), run with no check of the connection first.

    Django checks a kept connection (CONN_HEALTH_CHECKS) with a SELECT 1 before a request's first
    statement: a round trip as dear as this one. Outside a transaction the statement goes first
    instead, and if it finds the connection closed (PostgreSQL restarted, the network cut), the
    connection is opened again and the statement sent once more. A commit written just before
    the connection dropped is not written twice: its sequence number is no longer ahead, so the
    second run writes nothing and the transaction acknowledges the commit as already there."""
    checking = connection.in_atomic_block or connection.connection is None
    if not checking:
        connection.health_check_done = True  # type: ignore[attr-defined]
    try:
        return _execute(sql, params)
    except (OperationalError, InterfaceError):
        lost = connection.connection is None or connection.connection.closed
        if checking or not lost:
            raise
    connection.close()
    return _execute(sql, params)


def _execute(sql: str, params: dict):
    with connection.cursor() as cursor:  # connected (and checked, unless just done so above)
        if not settings.SCORM_COMMIT_PREPARED:
            cursor.execute(sql, params)
            return cursor.fetchone()
        # The same wrapper (Django's, logging queries where it does) around a cursor that binds
        # on the server and has the statement prepared: planning its joins cost PostgreSQL more
        # than running it (0.3 against 0.04 ms).
        with _preparing_cursor_class()(connection.connection) as preparing:
            prepared = type(cursor)(preparing, connection)
            prepared.execute(sql, params)
            return prepared.fetchone()


@functools.cache
def _preparing_cursor_class():
    """psycopg's server-binding cursor, preparing every statement it runs (once per connection;
    Django turns psycopg's own preparing off, for connection poolers: SCORM_COMMIT_PREPARED)."""
    import psycopg

    class PreparingCursor(psycopg.Cursor):
        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

    return PreparingCursor


def write_unless_status_changes(
    *,
    session_uuid,
    person_pk: int,
    known: KnownSession,
    sequence: int,
    result,
    data,
    score_raw: tuple[bool, Decimal | None],
    terminate: bool,
    at,
    touch_after,
) -> ScoAttempt | None:
    """Store a commit that changes no status nor score of a session known to be the learner's, in
    one statement; the attempt as written, or None if the commit is not such a one (nothing
    written: the caller decides it in a transaction)."""
    sql, converters, names = _quick_statement()
    attempt_field = functools.partial(_field, ScoAttempt)
    has_raw, raw = score_raw
    params = {
        "uuid": ScoSession._meta.get_field("uuid").get_db_prep_value(session_uuid, connection),
        "person": person_pk,
        "withdrawn": Enrolment.Status.WITHDRAWN,
        "touch_after": touch_after,
        "sequence": sequence,
        "completion": result.completion_status,
        "success": result.success_status,
        "score": result.score_scaled,
        "at": at,
        "session_seconds": result.session_seconds,
        "terminate": terminate,
        "cmi": attempt_field("cmi").get_db_prep_save(data, connection),
        "has_raw": has_raw,
        "score_raw": raw,
        "location": result.location,
        "suspend_data": result.suspend_data,
        "exit": result.exit,
        "max_seconds": cmi.MAX_SECONDS,
    }
    row = _run_first_thing(sql, params)
    if row is None:
        return None
    attempt = ScoAttempt.from_db(connection.alias, names, _converted(row, converters))
    attempt.cmi = data
    attempt.location, attempt.suspend_data, attempt.exit = result.location, result.suspend_data, result.exit
    attempt.updated_at = at
    return attempt
