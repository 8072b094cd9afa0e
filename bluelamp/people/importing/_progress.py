"""Recording how far an import has got, where the progress page can see it while it runs."""

import logging

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from bluelamp.people.models import ImportRun

logger = logging.getLogger(__name__)


class RunProgress:
    """Progress of `run`, written at most every 2 % (each update is one small UPDATE).

    On PostgreSQL an apply is one long transaction (and may be in the middle of a COPY when it
    reports): an update made through its own connection would wait for that connection, and
    would show only at commit anyway. So updates go through a second connection of their own, in
    autocommit: each is visible at once, and none waits on the import, whose transaction does
    not touch the run's row until its last statement. A lock timeout bounds each update all the
    same: progress is best effort, and never holds up or fails an import.

    Elsewhere (SQLite, one writer at a time) updates go through the import's own connection, and
    a transaction's show when it commits.
    """

    LOCK_TIMEOUT = "2s"

    def __init__(self, run: ImportRun):
        self.run_id = run.pk
        self.last_phase: str | None = None
        self.last_done = -1
        self.own: BaseDatabaseWrapper | None = None
        self.prepared = False
        self.broken = False
        if connection.vendor == "postgresql":
            self.own = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, phase: str, done: int, total: int) -> None:
        step = max(total // 50, 1)
        if phase == self.last_phase and done - self.last_done < step and done != total:
            return
        self.last_phase, self.last_done = phase, done
        if self.own is None:
            ImportRun.objects.filter(pk=self.run_id).update(
                phase=phase, progress_done=done, progress_total=total
            )
        elif not self.broken:
            self._write_apart(self.own, phase, done, total)

    def _write_apart(self, own: BaseDatabaseWrapper, phase: str, done: int, total: int) -> None:
        meta = ImportRun._meta
        quote = own.ops.quote_name
        # The stubs allow for relations, which have no column; these fields all have one.
        columns = [
            quote(meta.get_field(name).column)  # type: ignore[union-attr, arg-type]
            for name in ("phase", "progress_done", "progress_total")
        ]
        try:
            with own.cursor() as cursor:
                if not self.prepared:
                    cursor.execute(f"SET lock_timeout = '{self.LOCK_TIMEOUT}'")
                    self.prepared = True
                cursor.execute(
                    f"UPDATE {quote(meta.db_table)} SET {columns[0]} = %s, {columns[1]} = %s, "  # noqa: S608
                    f"{columns[2]} = %s WHERE {quote(meta.pk.column)} = %s",  # type: ignore[arg-type]  # the id has a column
                    [phase, done, total, self.run_id],
                )
        except DatabaseError:
            # Never fail an import for its progress bar; the page shows the last update it had.
            logger.warning("Import run %s: progress could not be recorded", self.run_id, exc_info=True)
            self.broken = True

    def close(self) -> None:
        if self.own is not None:
            self.own.close()
