"""Importing historical completions from CSV: checked in full, then all or nothing."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.core import csvfiles
from bluelamp.learning.listeners import completions_changed
from bluelamp.learning.models import Completion, CompletionImportRun, Course, CourseVersion
from bluelamp.learning.records.checks import _check_date, _parse_decimal
from bluelamp.learning.selectors import manage_access
from bluelamp.organisations.api import Organisation
from bluelamp.people.api import Person

# --- importing historical completions ----------------------------------------------------------

HISTORY_COLUMNS = [
    "staff_number",
    "email",
    "course_code",
    "course_title",
    "completed_on",
    "score",
    "version",
    "provider",
]
MAX_HISTORY_BYTES = 50 * 1024 * 1024
MAX_STORED_ROWS = 500
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
_BATCH = 2000

logger = logging.getLogger(__name__)


class HistoryImportError(Exception):
    """An import stopped by an unexpected error; `result.run` records it as failed, with a reason."""

    def __init__(self, result: HistoryResult):
        super().__init__(result.failure)
        self.result = result


@dataclass
class HistoryRowError:
    row: int  # the line in the file; the header is row 1
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict:
        return {
            "kind": "error",
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
        }

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        value = f" (value “{self.value}”)" if self.value else ""
        return f"{where}{value}: {self.reason}"


@dataclass
class HistoryDuplicate:
    row: int
    person: str
    course: str
    completed_on: dt.date
    reason: str

    def as_dict(self) -> dict:
        return {
            "kind": "duplicate",
            "row": self.row,
            "column": "",
            "value": f"{self.person}, {self.course}, {self.completed_on.isoformat()}",
            "reason": self.reason,
        }

    def __str__(self) -> str:
        return f"row {self.row}: skipped, {self.person} {self.course} {self.completed_on.isoformat()} — {self.reason}"


@dataclass
class HistoryResult:
    rows: int = 0
    created: int = 0  # written, or (when only checked) that would be written
    duplicates: list[HistoryDuplicate] = field(default_factory=list)
    errors: list[HistoryRowError] = field(default_factory=list)
    # Why the file as a whole could not be read or the import could not finish (nothing written).
    failure: str = ""
    applied: bool = False
    run: CompletionImportRun | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and not self.failure


@dataclass
class _HistoryRow:
    line: int
    person_id: int
    person_name: str
    course: Course | None
    version: CourseVersion | None
    course_code: str
    course_title: str
    version_number: int | None
    completed_on: dt.date
    score: Decimal | None
    provider: str


def _parse_date(raw: str) -> dt.date | None:
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, fmt).date()  # noqa: DTZ007 (a date, not a time)
        except ValueError:
            continue
    return None


class _Lookups:
    """The organisation's people and the courses its rows may name, read once."""

    def __init__(self, organisation: Organisation, actor, check_access: bool):
        self.by_staff_number: dict[str, tuple] = {}
        self.by_email: dict[str, tuple] = {}
        for row in Person.objects.filter(organisation=organisation).values_list(
            "pk", "staff_number", "email", "first_name", "last_name", "unit__path"
        ):
            if row[1]:
                self.by_staff_number[row[1]] = row
            self.by_email[row[2].lower()] = row
        self.access = None if not check_access else manage_access(actor)
        self.organisation = organisation
        national = Organisation.objects.filter(kind=Organisation.Kind.NATIONAL_BODY).values_list(
            "pk", flat=True
        )
        self.courses: dict[str, Course] = {}
        # The organisation's own course wins over a national one with the same code.
        for course in Course.objects.filter(Q(owner=organisation) | Q(owner_id__in=list(national))):
            key = course.code.lower()
            if key not in self.courses or course.owner_id == organisation.pk:
                self.courses[key] = course
        self.versions: dict[int, dict[int, CourseVersion]] = {}
        for version in CourseVersion.objects.filter(course_id__in=[c.pk for c in self.courses.values()]):
            self.versions.setdefault(version.course_id, {})[version.number] = version

    def in_scope(self, person_row: tuple) -> bool:
        return self.access is None or self.access.covers_unit(self.organisation.pk, person_row[5])


def _read_history(text: str, organisation: Organisation, lookups: _Lookups, result: HistoryResult, today):
    errors = result.errors
    reader = csvfiles.records(text)
    try:
        header = next(reader)
    except StopIteration:
        errors.append(
            HistoryRowError(
                1,
                "",
                "",
                "The file is empty: expected a header row naming " + ", ".join(HISTORY_COLUMNS) + ".",
            )
        )
        return []
    header = [h.strip().lower() for h in header]
    seen: set[str] = set()
    for name in header:
        if name not in HISTORY_COLUMNS:
            errors.append(
                HistoryRowError(
                    1, name, name, "Unknown column. Accepted columns are: " + ", ".join(HISTORY_COLUMNS) + "."
                )
            )
        elif name in seen:
            errors.append(HistoryRowError(1, name, name, "This column appears more than once."))
        seen.add(name)
    if "staff_number" not in seen and "email" not in seen:
        errors.append(
            HistoryRowError(1, "staff_number", "", "Name each person: add a staff_number or email column.")
        )
    if "course_code" not in seen and "course_title" not in seen:
        errors.append(
            HistoryRowError(
                1, "course_code", "", "Name each course: add a course_code or course_title column."
            )
        )
    if "completed_on" not in seen:
        errors.append(HistoryRowError(1, "completed_on", "", "Required column is missing."))
    if errors:
        return []
    index = {name: header.index(name) for name in HISTORY_COLUMNS if name in seen}
    width = len(header)

    def cell(record, name) -> str:
        return record[index[name]].strip() if name in index else ""

    rows: list[_HistoryRow] = []
    for line, record in enumerate(reader, start=2):
        if not any(value.strip() for value in record):
            continue  # blank lines are ignored
        result.rows += 1
        if len(record) != width:
            errors.append(
                HistoryRowError(
                    line,
                    "",
                    "",
                    f"Expected {width} values (one per column) but found {len(record)}. Check for unquoted commas.",
                )
            )
            continue
        problems_before = len(errors)
        staff_number, email = cell(record, "staff_number"), cell(record, "email")
        person_row = None
        if not staff_number and not email:
            errors.append(
                HistoryRowError(line, "staff_number", "", "Enter the person's staff_number or email.")
            )
        elif staff_number:
            person_row = lookups.by_staff_number.get(staff_number)
            if person_row is None:
                errors.append(
                    HistoryRowError(
                        line,
                        "staff_number",
                        staff_number,
                        f"No one in {organisation.name} has this staff number.",
                    )
                )
            elif email and person_row[2].lower() != email.lower():
                errors.append(
                    HistoryRowError(
                        line,
                        "email",
                        email,
                        f"Staff number {staff_number} belongs to someone with a different e-mail address.",
                    )
                )
                person_row = None
        else:
            person_row = lookups.by_email.get(email.lower())
            if person_row is None:
                errors.append(
                    HistoryRowError(
                        line, "email", email, f"No one in {organisation.name} has this e-mail address."
                    )
                )
        if person_row is not None and not lookups.in_scope(person_row):
            errors.append(
                HistoryRowError(
                    line,
                    "staff_number" if staff_number else "email",
                    staff_number or email,
                    "This person is outside the units whose learning you manage.",
                )
            )

        code, title = cell(record, "course_code"), " ".join(cell(record, "course_title").split())
        course = None
        if not code and not title:
            errors.append(HistoryRowError(line, "course_code", "", "Enter a course_code or a course_title."))
        elif code:
            course = lookups.courses.get(code.lower())
            if course is None:
                errors.append(
                    HistoryRowError(
                        line,
                        "course_code",
                        code,
                        f"No course with this code is owned by {organisation.name} or the national body.",
                    )
                )
        if len(title) > 200:
            errors.append(
                HistoryRowError(line, "course_title", title[:40] + "…", "Must be 200 characters or fewer.")
            )

        raw_date = cell(record, "completed_on")
        completed_on = None
        if not raw_date:
            errors.append(
                HistoryRowError(
                    line, "completed_on", "", "Enter the date completed, as YYYY-MM-DD or DD/MM/YYYY."
                )
            )
        else:
            completed_on = _parse_date(raw_date)
            if completed_on is None:
                errors.append(
                    HistoryRowError(
                        line,
                        "completed_on",
                        raw_date,
                        "Not a date in the form YYYY-MM-DD or DD/MM/YYYY, e.g. 2024-03-15 or 15/03/2024.",
                    )
                )
            elif problem := _check_date(completed_on, today):
                errors.append(HistoryRowError(line, "completed_on", raw_date, problem))
                completed_on = None

        raw_score = cell(record, "score")
        score, problem = _parse_decimal(raw_score, low=Decimal(0), high=Decimal(100), label="The score")
        if problem:
            errors.append(HistoryRowError(line, "score", raw_score, problem))

        raw_version = cell(record, "version")
        version_number, version = None, None
        if raw_version:
            digits = raw_version[1:] if raw_version[:1] in ("v", "V") else raw_version
            if not digits.isdigit() or int(digits) < 1:
                errors.append(
                    HistoryRowError(
                        line, "version", raw_version, "Must be a whole number from 1, e.g. 2 (or v2)."
                    )
                )
            else:
                version_number = int(digits)
                if course is not None:
                    known = lookups.versions.get(course.pk, {})
                    version = known.get(version_number)
                    if version is None:
                        accepted = ", ".join(str(n) for n in sorted(known)) or "none yet"
                        errors.append(
                            HistoryRowError(
                                line,
                                "version",
                                raw_version,
                                f"{course.code} has no version {version_number}. Its versions are: {accepted}; "
                                "or leave version empty.",
                            )
                        )

        provider = " ".join(cell(record, "provider").split())
        if len(provider) > 200:
            errors.append(
                HistoryRowError(line, "provider", provider[:40] + "…", "Must be 200 characters or fewer.")
            )

        if len(errors) > problems_before:
            continue
        # Without an error the person, the date and (when no title is given) the course were found.
        assert person_row is not None and completed_on is not None
        rows.append(
            _HistoryRow(
                line=line,
                person_id=person_row[0],
                person_name=f"{person_row[3]} {person_row[4]}".strip(),
                course=course,
                version=version,
                course_code=course.code if course else "",
                course_title=title or (course.title if course else ""),
                version_number=version_number,
                completed_on=completed_on,
                score=score,
                provider=provider,
            )
        )
    if not result.rows and not errors:
        errors.append(HistoryRowError(2, "", "", "The file has a header but no completions."))
    return rows


def _key(person_id: int, course_id: int | None, title: str, completed_on: dt.date) -> tuple:
    return (person_id, course_id if course_id else f"title:{title.casefold()}", completed_on)


def _without_duplicates(rows: list[_HistoryRow], result: HistoryResult) -> list[_HistoryRow]:
    """Rows not already on the record (same person, course and date), nor repeated in the file."""
    existing: set[tuple] = set()
    people = sorted({row.person_id for row in rows})
    for start in range(0, len(people), _BATCH):  # only the people the file names, a batch at a time
        existing.update(
            _key(person_id, course_id, title, completed_on)
            for person_id, course_id, title, completed_on in Completion.objects.filter(
                person_id__in=people[start : start + _BATCH]
            ).values_list("person_id", "course_id", "course_title", "completed_on")
        )
    first_line: dict[tuple, int] = {}
    fresh: list[_HistoryRow] = []
    for row in rows:
        key = _key(row.person_id, row.course.pk if row.course else None, row.course_title, row.completed_on)
        course_label = row.course_code or row.course_title
        if key in existing:
            result.duplicates.append(
                HistoryDuplicate(
                    row.line,
                    row.person_name,
                    course_label,
                    row.completed_on,
                    "already on their learner record",
                )
            )
        elif key in first_line:
            result.duplicates.append(
                HistoryDuplicate(
                    row.line,
                    row.person_name,
                    course_label,
                    row.completed_on,
                    f"the same as row {first_line[key]} of the file",
                )
            )
        else:
            first_line[key] = row.line
            fresh.append(row)
    return fresh


# A checked (not yet applied) history file waits here for its "apply"; the daily task
# `discard_stale_history_files` removes those never applied.
HISTORY_FILES = "learning-history-imports/"
STALE_AFTER = dt.timedelta(days=7)


def history_file_path(run: CompletionImportRun) -> str:
    return f"{HISTORY_FILES}{run.uuid}.csv"


def history_files_discard(*, older_than: dt.timedelta = STALE_AFTER, now: dt.datetime | None = None) -> int:
    """Delete the stored files of checks never applied, older than `older_than`."""
    from django.core.files.storage import default_storage

    cutoff = (now or timezone.now()) - older_than
    removed = 0
    stale = CompletionImportRun.objects.filter(
        outcome=CompletionImportRun.Outcome.CHECKED, started_at__lt=cutoff
    )
    for run in stale.only("uuid"):
        path = history_file_path(run)
        if default_storage.exists(path):
            default_storage.delete(path)
            removed += 1
    return removed


def import_history(
    *,
    actor,
    organisation: Organisation,
    data: bytes,
    apply: bool,
    file_name: str = "completions.csv",
    check_access: bool = True,
    at: dt.datetime | None = None,
    checked_run: CompletionImportRun | None = None,
) -> HistoryResult:
    """Check a CSV of historical completions for `organisation` and (with `apply`) write them.

    Columns: staff_number or email; course_code (a course owned by the organisation or the
    national body) or course_title; completed_on (YYYY-MM-DD or DD/MM/YYYY); optional score
    (0–100), version and provider. Everyone named must be within the actor's learning.manage
    scope (the command line passes check_access=False). Rows already on the record (same person,
    course and date) are skipped and reported. Always records a CompletionImportRun (an apply
    records `checked_run`, the check it applies).

    A file that cannot be read as a whole (too large, UTF-16, not text, a quote never closed)
    ends the run as failed, with `result.failure` saying why and what is accepted. Any other
    error also ends it as failed, nothing written, and raises HistoryImportError (from it) with
    the result, for the caller to log and show.
    """
    if check_access and not manage_access(actor).touches_organisation(organisation.pk):
        raise PermissionDenied("You cannot import learning history for that organisation.")
    at = at or timezone.now()
    result = HistoryResult()
    actor_or_none = actor if getattr(actor, "pk", None) else None

    def record_run(outcome: str) -> CompletionImportRun:
        stored = [e.as_dict() for e in result.errors[:MAX_STORED_ROWS]]
        if len(result.errors) > MAX_STORED_ROWS:
            stored.append(
                {
                    "kind": "error",
                    "row": 0,
                    "column": "",
                    "value": "",
                    "reason": f"and {len(result.errors) - MAX_STORED_ROWS} more problems",
                }
            )
        stored += [d.as_dict() for d in result.duplicates[:MAX_STORED_ROWS]]
        return CompletionImportRun.objects.create(
            organisation=organisation,
            started_by=actor_or_none,
            file_name=(file_name or "completions.csv")[:255],
            outcome=outcome,
            rows=result.rows,
            created=result.created,
            errors=stored,
            failure_reason=result.failure,
            checked_run=checked_run,
            started_at=at,
        )

    try:
        # A savepoint when the caller holds a transaction: a failure leaves it usable, to record.
        with transaction.atomic():
            _import(organisation, actor, check_access, data, apply, at, result, record_run)
    except BaseException as exc:
        result.applied, result.created, result.duplicates = False, 0, []
        result.failure = _stopped_reason(exc, apply=apply)
        try:
            if not connection.in_atomic_block:
                connection.close_if_unusable_or_obsolete()  # a lost connection: start afresh
            result.run = record_run(CompletionImportRun.Outcome.FAILED)
        except Exception:
            logger.warning(
                "Could not record the failure of a history import into %s", organisation, exc_info=True
            )
        if isinstance(exc, Exception):
            raise HistoryImportError(result) from exc
        raise
    return result


def _stopped_reason(exc: BaseException, *, apply: bool) -> str:
    """Why an import stopped before it finished, for the person who started it."""
    again = "Apply the checked file again." if apply else "Upload the file again."
    if isinstance(exc, KeyboardInterrupt | SystemExit):
        return f"The import was stopped before it finished. Nothing has been added. {again}"
    return (
        f"The import stopped before it finished because of a problem on our side ({type(exc).__name__}). "
        f"Nothing has been added. {again} If it happens again, tell your administrator: the details "
        "are in the application's log."
    )


def _import(organisation, actor, check_access, data, apply, at, result: HistoryResult, record_run) -> None:
    rows: list[_HistoryRow] = []
    try:
        text = csvfiles.decode(data, limit=MAX_HISTORY_BYTES)
        lookups = _Lookups(organisation, actor, check_access)
        rows = _read_history(text, organisation, lookups, result, timezone.localdate(at))
    except csvfiles.UnreadableFile as exc:
        result.failure, result.errors, rows = str(exc), [], []
        result.run = record_run(CompletionImportRun.Outcome.FAILED)
        return
    if not result.ok:
        result.run = record_run(CompletionImportRun.Outcome.REFUSED)
        return
    if not apply:
        fresh = _without_duplicates(rows, result)
        result.created = len(fresh)
        result.run = record_run(CompletionImportRun.Outcome.CHECKED)
        return
    actor_or_none = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        # Duplicates are decided inside the transaction that writes, against the record as it is now.
        fresh = _without_duplicates(rows, result)
        result.created = len(fresh)
        run = record_run(CompletionImportRun.Outcome.APPLIED)
        Completion.objects.bulk_create(
            [
                Completion(
                    person_id=row.person_id,
                    course=row.course,
                    version=row.version,
                    course_code=row.course_code,
                    course_title=row.course_title,
                    version_number=row.version_number,
                    provider=row.provider,
                    organisation=organisation,
                    completed_on=row.completed_on,
                    score=row.score,
                    source=Completion.Source.IMPORTED,
                    import_run=run,
                    recorded_at=at,
                    recorded_by=actor_or_none,
                )
                for row in fresh
            ],
            batch_size=_BATCH,
        )
        audit_record(
            actor=actor_or_none,
            action="learning.history_import",
            organisation=organisation,
            obj=run,
            object_label=f"Learning history from {run.file_name}",
            after={"rows": result.rows, "created": result.created, "skipped": len(result.duplicates)},
        )
        completions_changed(person_ids={row.person_id for row in fresh}, at=at)
    result.applied = True
    result.run = run
