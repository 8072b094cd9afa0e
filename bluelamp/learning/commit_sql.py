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

from django.db import connection
from django.db.models import Field, Model

from bluelamp.learning.models import Enrolment, Sco, ScoAttempt, ScormPackage, ScoSession

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
            field = _field(model, name)
            columns.append(_column(model, name))
            expression = field.get_col(model._meta.db_table)
            converters.append(
                (
                    expression,
                    tuple(connection.ops.get_db_converters(expression) + field.get_db_converters(connection)),
                )
            )
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
    values = list(row)
    for index, (expression, functions) in enumerate(converters):
        for convert in functions:
            values[index] = convert(values[index], expression, connection)
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
