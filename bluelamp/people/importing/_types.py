"""The file's rows, the report of what is wrong, and the result of an import."""

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bluelamp.people.models import ImportRun, Person

REQUIRED_COLUMNS = ["staff_number", "email", "first_name", "last_name"]
OPTIONAL_COLUMNS = ["unit", "rank", "job_role", "line_manager_staff_number", "start_date", "status"]
ACCEPTED_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
STATUSES = {"active": Person.Status.ACTIVE, "leaver": Person.Status.LEAVER}
MAX_STORED_ERRORS = 500
_BATCH = 5000
# A pragmatic address check (the same shape Django's EmailValidator accepts, without its cost).
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)

Progress = Callable[[str, int, int], None]

# Fields compared and written, in the order of Person's columns.
_DIFF_FIELDS = [
    "email",
    "first_name",
    "last_name",
    "unit_id",
    "rank",
    "job_role",
    "employment_start_date",
    "status",
]


@dataclass
class RowError:
    row: int  # the line number in the file; the header is row 1
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        value = f" (value “{self.value}”)" if self.value else ""
        return f"{where}{value}: {self.reason}"


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    leavers: int = 0
    rejoined: int = 0
    new_units: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # Why the file as a whole could not be read or the import could not finish (nothing applied).
    failure: str = ""
    changes: list[dict] = field(default_factory=list)  # a sample of field changes, for the report
    applied: bool = False
    run: ImportRun | None = None
    columns: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.failure

    def summary(self) -> dict:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "leavers": self.leavers,
            "rejoined": self.rejoined,
            "new_units": len(self.new_units),
            "errors": len(self.errors),
        }


@dataclass
class _Row:
    line: int
    staff_number: str
    email: str
    first_name: str
    last_name: str
    unit_path: str
    rank: str
    job_role: str
    manager_staff_number: str
    start_date: dt.date | None
    status: str


class _Existing:
    """The organisation's people as tuples, keyed by staff number."""

    __slots__ = ("id", "values", "line_manager_id", "is_active")

    def __init__(self, id, values, line_manager_id, is_active):
        self.id = id
        self.values = values
        self.line_manager_id = line_manager_id
        self.is_active = is_active


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
