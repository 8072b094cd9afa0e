"""Bulk import of people from an HR file (CSV), upserting by organisation + staff number.

The whole file is validated before anything is written. With errors, nothing is applied and the
report names the row, column, value and reason for each. A dry run reports what would change
(people created, updated, unchanged, marked leavers; units created). Applying is one transaction;
re-running the same file changes nothing. People missing from the file are left as they are:
leavers are marked by status=leaver, never deleted.

Designed for the whole workforce in one file (236,000 rows): existing people are read once into
memory, rows are diffed in Python, and writes are batched (on PostgreSQL, COPY for new people and
UPDATE ... FROM (VALUES ...) for changes; bulk INSERT and UPDATE elsewhere), and new units are
placed in the tree in bulk, so the cost is a few hundred queries, not one per row or per unit.
Figures and how to reproduce them: docs/performance.md.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.organisations.api import Organisation, Perm, Unit, access_for, units_ensure_paths
from bluelamp.people.models import ImportRun, Person
from bluelamp.people.ranks import normalise_rank

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
    changes: list[dict] = field(default_factory=list)  # a sample of field changes, for the report
    applied: bool = False
    run: ImportRun | None = None
    columns: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.errors

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


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError("The file is not text (UTF-8 or Windows-1252). Save it as CSV UTF-8.")


def _parse(text: str, result: ImportResult) -> list[_Row]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        result.errors.append(
            RowError(
                1,
                "",
                "",
                "The file is empty: expected a header row with " + ", ".join(REQUIRED_COLUMNS) + ".",
            )
        )
        return []
    header = [h.strip().lower() for h in header]
    seen: set[str] = set()
    for name in header:
        if name not in ACCEPTED_COLUMNS:
            result.errors.append(
                RowError(
                    1,
                    name,
                    name,
                    "Unknown column. Accepted columns are: " + ", ".join(ACCEPTED_COLUMNS) + ".",
                )
            )
        elif name in seen:
            result.errors.append(RowError(1, name, name, "This column appears more than once."))
        seen.add(name)
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            result.errors.append(RowError(1, name, "", "Required column is missing."))
    if result.errors:
        return []
    index = {name: header.index(name) for name in ACCEPTED_COLUMNS if name in seen}
    result.columns = set(index)
    width = len(header)
    rows: list[_Row] = []
    errors = result.errors
    get_unit, get_rank, get_job = index.get("unit"), index.get("rank"), index.get("job_role")
    get_mgr, get_start, get_status = (
        index.get("line_manager_staff_number"),
        index.get("start_date"),
        index.get("status"),
    )
    for line, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue  # blank lines are ignored
        if len(record) != width:
            errors.append(
                RowError(
                    line,
                    "",
                    "",
                    f"Expected {width} values (one per column) but found "
                    f"{len(record)}. Check for unquoted commas.",
                )
            )
            continue
        staff_number = record[index["staff_number"]].strip()
        email = record[index["email"]].strip().lower()
        first_name = record[index["first_name"]].strip()
        last_name = record[index["last_name"]].strip()
        if not staff_number:
            errors.append(RowError(line, "staff_number", "", "Enter the staff or collar number."))
        elif len(staff_number) > 30:
            errors.append(RowError(line, "staff_number", staff_number, "Must be 30 characters or fewer."))
        if not email:
            errors.append(RowError(line, "email", "", "Enter an e-mail address."))
        elif len(email) > 254 or not _EMAIL.match(email):
            errors.append(
                RowError(line, "email", email, "Not a valid e-mail address, e.g. name@force.police.uk.")
            )
        for column, value in (("first_name", first_name), ("last_name", last_name)):
            if not value:
                errors.append(RowError(line, column, "", "Enter a name."))
            elif len(value) > 150:
                errors.append(RowError(line, column, value, "Must be 150 characters or fewer."))
        unit_path = ""
        if get_unit is not None:
            parts = [" ".join(p.split()) for p in record[get_unit].split("/")]
            unit_path = "/".join(parts) if any(parts) else ""
            if unit_path and not all(parts):
                errors.append(
                    RowError(
                        line,
                        "unit",
                        record[get_unit],
                        "A unit path cannot have an empty level; write levels as “Division/Station/Team”.",
                    )
                )
            elif any(len(p) > 200 for p in parts):
                errors.append(
                    RowError(line, "unit", record[get_unit], "Each level must be 200 characters or fewer.")
                )
        rank = ""
        if get_rank is not None and record[get_rank].strip():
            rank = normalise_rank(record[get_rank]) or ""
            if not rank:
                errors.append(
                    RowError(
                        line,
                        "rank",
                        record[get_rank].strip(),
                        "Not a police rank or staff "
                        "grade we recognise (e.g. Police Constable, Sergeant, Police Staff).",
                    )
                )
        job_role = record[get_job].strip() if get_job is not None else ""
        if len(job_role) > 200:
            errors.append(RowError(line, "job_role", job_role[:40] + "…", "Must be 200 characters or fewer."))
        manager = record[get_mgr].strip() if get_mgr is not None else ""
        start_date = None
        if get_start is not None and record[get_start].strip():
            raw = record[get_start].strip()
            try:
                start_date = dt.date.fromisoformat(raw)
            except ValueError:
                errors.append(
                    RowError(line, "start_date", raw, "Not a date in the form YYYY-MM-DD, e.g. 2021-09-06.")
                )
        status = Person.Status.ACTIVE
        if get_status is not None and record[get_status].strip():
            raw = record[get_status].strip().lower()
            if raw not in STATUSES:
                errors.append(
                    RowError(line, "status", record[get_status].strip(), "Must be active or leaver.")
                )
            else:
                status = STATUSES[raw]
        rows.append(
            _Row(
                line,
                staff_number,
                email,
                first_name,
                last_name,
                unit_path,
                rank,
                job_role,
                manager,
                start_date,
                status,
            )
        )
    if not rows and not errors:
        errors.append(RowError(2, "", "", "The file has a header but no people."))
    return rows


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def run_import(
    *,
    actor,
    organisation: Organisation,
    data: bytes,
    file_name: str,
    dry_run: bool,
    progress: Progress | None = None,
    check_access: bool = True,
    stored_file: str = "",
) -> ImportResult:
    """Validate `data` and (unless dry_run) apply it. Always records an ImportRun."""
    if check_access and not access_for(actor, Perm.PEOPLE_IMPORT).covers_organisation(organisation.pk):
        raise PermissionDenied("You cannot import people into that organisation.")
    started = timezone.now()
    progress = progress or (lambda phase, done, total: None)
    result = ImportResult()
    try:
        text = _decode(data)
    except ValidationError as exc:
        result.errors.append(RowError(1, "", "", exc.messages[0]))
        text = ""
    rows = _parse(text, result) if text else []
    result.rows = len(rows)
    progress("Checking", 0, len(rows))
    plan = _plan(organisation, rows, result, progress) if rows else None
    if result.ok and not dry_run and plan is not None:
        _apply(actor, organisation, plan, result, progress)
        result.applied = True
    outcome = (
        ImportRun.Outcome.REJECTED
        if not result.ok
        else ImportRun.Outcome.VALID
        if dry_run
        else ImportRun.Outcome.APPLIED
    )
    run = ImportRun.objects.create(
        organisation=organisation,
        started_by=actor if getattr(actor, "pk", None) else None,
        file_name=file_name[:255],
        stored_file=stored_file,
        dry_run=dry_run,
        outcome=outcome,
        started_at=started,
        finished_at=timezone.now(),
        rows=result.rows,
        summary=result.summary(),
        errors=[e.as_dict() for e in result.errors[:MAX_STORED_ERRORS]],
        error_count=len(result.errors),
        new_units=result.new_units,
    )
    result.run = run
    return result


@dataclass
class _Plan:
    creates: list[_Row]
    updates: list[tuple[int, _Row, dict]]  # person id, row, changed fields → new values
    manager_links: dict[str, str]  # staff number → manager's staff number ("" to clear)
    existing: dict[str, _Existing]
    units: dict[str, int | None]  # path casefold → unit id (None: to be created)
    unit_paths: dict[str, str]  # path casefold → path as written


def _plan(organisation: Organisation, rows: list[_Row], result: ImportResult, progress: Progress) -> _Plan:
    errors = result.errors
    existing: dict[str, _Existing] = {}
    for pk, staff, email, first, last, unit_id, rank, job, start, status, mgr, active in (
        Person.objects.filter(organisation=organisation)
        .exclude(staff_number="")
        .values_list(
            "pk",
            "staff_number",
            "email",
            "first_name",
            "last_name",
            "unit_id",
            "rank",
            "job_role",
            "employment_start_date",
            "status",
            "line_manager_id",
            "is_active",
        )
        .iterator(chunk_size=10000)
    ):
        existing[staff] = _Existing(pk, (email, first, last, unit_id, rank, job, start, status), mgr, active)
    staff_by_id = {e.id: s for s, e in existing.items()}
    units = {
        path.casefold(): pk
        for pk, path in Unit.objects.filter(organisation=organisation).values_list("pk", "full_path")
    }
    unit_paths: dict[str, str] = {}

    # Duplicates inside the file.
    first_line_staff: dict[str, int] = {}
    first_line_email: dict[str, int] = {}
    for row in rows:
        if row.staff_number:
            other = first_line_staff.setdefault(row.staff_number, row.line)
            if other != row.line:
                errors.append(
                    RowError(
                        row.line,
                        "staff_number",
                        row.staff_number,
                        f"Staff number appears again (first on row {other}).",
                    )
                )
        if row.email:
            other = first_line_email.setdefault(row.email, row.line)
            if other != row.line:
                errors.append(
                    RowError(
                        row.line, "email", row.email, f"E-mail address appears again (first on row {other})."
                    )
                )

    # E-mail addresses held by someone else (another organisation, or another staff number here).
    owners: dict[str, tuple[int, str]] = {}
    emails = [row.email for row in rows if row.email]
    for chunk in _chunks(emails, _BATCH):
        for email, org_id, staff in Person.objects.filter(email__in=chunk).values_list(
            "email", "organisation_id", "staff_number"
        ):
            owners[email] = (org_id, staff)
    for row in rows:
        owner = owners.get(row.email)
        if owner and (owner[0] != organisation.pk or owner[1] != row.staff_number):
            if owner[0] == organisation.pk:
                reason = f"Already used by the person with staff number {owner[1]} in this organisation."
            else:
                reason = (
                    "Already used by a person in another organisation. If they have moved here, "
                    "ask the national body to transfer them first so their record follows them."
                )
            errors.append(RowError(row.line, "email", row.email, reason))

    # Line managers: in the file or already in the organisation; no one manages themselves.
    in_file = {row.staff_number: row for row in rows}
    manager_links: dict[str, str] = {}
    for row in rows:
        if "line_manager_staff_number" not in result.columns:
            break
        if row.manager_staff_number:
            if row.manager_staff_number == row.staff_number:
                errors.append(
                    RowError(
                        row.line,
                        "line_manager_staff_number",
                        row.manager_staff_number,
                        "A person cannot be their own line manager.",
                    )
                )
                continue
            if row.manager_staff_number not in in_file and row.manager_staff_number not in existing:
                errors.append(
                    RowError(
                        row.line,
                        "line_manager_staff_number",
                        row.manager_staff_number,
                        "No one with this staff number is in the file or the organisation.",
                    )
                )
                continue
        manager_links[row.staff_number] = row.manager_staff_number
    _check_cycles(rows, manager_links, existing, staff_by_id, errors)

    column_of = {"unit_id": "unit", "employment_start_date": "start_date"}
    absent = {i for i, name in enumerate(_DIFF_FIELDS) if column_of.get(name, name) not in result.columns}
    creates: list[_Row] = []
    updates: list[tuple[int, _Row, dict]] = []
    for done, row in enumerate(rows, start=1):
        if done % 20000 == 0:
            progress("Checking", done, len(rows))
        unit_id = None
        if row.unit_path:
            key = row.unit_path.casefold()
            if key not in units:
                units[key] = None
                unit_paths[key] = row.unit_path
                # Every missing ancestor is created too; list each once.
                parts = row.unit_path.split("/")
                for depth in range(1, len(parts)):
                    ancestor = "/".join(parts[:depth])
                    if ancestor.casefold() not in units:
                        units[ancestor.casefold()] = None
                        unit_paths[ancestor.casefold()] = ancestor
            unit_id = units[key]
        current = existing.get(row.staff_number)
        new_values = (
            row.email,
            row.first_name,
            row.last_name,
            unit_id,
            row.rank,
            row.job_role,
            row.start_date,
            row.status,
        )
        if current is not None and absent:
            # A column missing from the file leaves that field as it is.
            new_values = tuple(current.values[i] if i in absent else v for i, v in enumerate(new_values))
            row.unit_path = "" if 3 in absent else row.unit_path
            _fill_from(row, current, absent)
        if current is None:
            creates.append(row)
            if row.status == Person.Status.LEAVER:
                result.leavers += 1
            continue
        changed = {}
        for name, old, new in zip(_DIFF_FIELDS, current.values, new_values, strict=True):
            if name == "unit_id" and row.unit_path and unit_id is None:
                changed[name] = row.unit_path  # a unit still to be created
            elif old != new:
                changed[name] = new
        old_manager = staff_by_id.get(current.line_manager_id, "") if current.line_manager_id else ""
        manager = manager_links.get(row.staff_number, old_manager)
        if manager != old_manager:
            changed["line_manager"] = manager
        if changed:
            if changed.get("status") == Person.Status.LEAVER:
                result.leavers += 1
            elif changed.get("status") == Person.Status.ACTIVE:
                result.rejoined += 1
            updates.append((current.id, row, changed))
            if len(result.changes) < 200:
                before = dict(zip(_DIFF_FIELDS, current.values, strict=True))
                result.changes.append(
                    {
                        "row": row.line,
                        "staff_number": row.staff_number,
                        "fields": {
                            k: [_show(before.get(k, old_manager if k == "line_manager" else "")), _show(v)]
                            for k, v in changed.items()
                            if k != "unit_id"
                        }
                        | (
                            {"unit": ["(another unit)" if current.values[3] else "", row.unit_path]}
                            if "unit_id" in changed
                            else {}
                        ),
                    }
                )
        else:
            result.unchanged += 1
    result.created = len(creates)
    result.updated = len(updates)
    result.new_units = sorted((unit_paths[k] for k, v in units.items() if v is None), key=str.casefold)
    progress("Checking", len(rows), len(rows))
    return _Plan(creates, updates, manager_links, existing, units, unit_paths)


def _fill_from(row: _Row, current: _Existing, absent: set[int]) -> None:
    """Carry the stored value into the row for each column the file does not have."""
    names = {4: "rank", 5: "job_role", 6: "start_date", 7: "status"}
    for i, attr in names.items():
        if i in absent:
            setattr(row, attr, current.values[i])


def _show(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _check_cycles(rows, links, existing, staff_by_id, errors) -> None:
    """Reporting lines must not loop (A manages B manages A)."""

    def manager_of(staff: str) -> str:
        if staff in links:
            return links[staff]
        current = existing.get(staff)
        return staff_by_id.get(current.line_manager_id, "") if current and current.line_manager_id else ""

    state: dict[str, int] = {}  # 1 visiting, 2 done
    lines = {row.staff_number: row.line for row in rows}
    for row in rows:
        start = row.staff_number
        if state.get(start):
            continue
        path: list[str] = []
        node = start
        while node and not state.get(node):
            state[node] = 1
            path.append(node)
            node = manager_of(node)
        if node and state.get(node) == 1:
            loop = path[path.index(node) :]
            errors.append(
                RowError(
                    lines.get(node, row.line),
                    "line_manager_staff_number",
                    manager_of(node),
                    "Reporting lines loop: " + " → ".join(loop + [node]) + ".",
                )
            )
        for visited in path:
            state[visited] = 2


def _apply(actor, organisation: Organisation, plan: _Plan, result: ImportResult, progress: Progress) -> None:
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        # Units first: people point at them.
        new_units = [plan.unit_paths[key] for key, pk in plan.units.items() if pk is None]
        if new_units:
            for key, unit in units_ensure_paths(
                actor=actor, organisation=organisation, paths=new_units
            ).items():
                plan.units[key] = unit.pk
        unusable = make_password(None)
        total = len(plan.creates) + len(plan.updates)
        progress("Writing", 0, total)
        staff_to_id = {staff: e.id for staff, e in plan.existing.items()}
        # On PostgreSQL new people are COPYed in with their line manager already set; elsewhere
        # they are bulk-inserted and linked to their managers below with everyone else.
        managers_set_on_insert = connection.vendor == "postgresql"
        if managers_set_on_insert:
            done = _copy_people(organisation, plan, staff_to_id, now, today, unusable, progress, total)
        else:
            done = _bulk_create_people(organisation, plan, staff_to_id, today, unusable, progress, total)

        update_rows = []
        for person_id, row, changed in plan.updates:
            leaving = row.status == Person.Status.LEAVER
            current = plan.existing[row.staff_number]
            unit_id = (
                plan.units[row.unit_path.casefold()]
                if row.unit_path
                else current.values[3]
                if "unit" not in result.columns
                else None
            )
            update_rows.append(
                (
                    person_id,
                    row.email,
                    row.first_name,
                    row.last_name,
                    unit_id,
                    row.rank,
                    row.job_role,
                    row.start_date,
                    row.status,
                    not leaving,
                    today if leaving else None,
                    "status" in changed,
                )
            )
        for chunk in _chunks(update_rows, _BATCH):
            _update_people(chunk, now)
            done += len(chunk)
            progress("Writing", done, total)

        # Reporting lines, now that everyone has an id.
        links = []
        for staff, manager in plan.manager_links.items():
            person_id = staff_to_id[staff]
            manager_id = staff_to_id.get(manager) if manager else None
            current = plan.existing.get(staff)
            if current is None and (manager_id is None or managers_set_on_insert):
                continue
            if current is not None and current.line_manager_id == manager_id:
                continue
            links.append((person_id, manager_id))
        for chunk in _chunks(links, _BATCH):
            _update_managers(chunk)

        audit_record(
            actor=actor,
            action="people.import",
            organisation=organisation,
            object_type="people.importrun",
            object_label=f"HR import into {organisation}",
            after=result.summary() | {"new_units": result.new_units[:50]},
        )


def _bulk_create_people(
    organisation: Organisation,
    plan: _Plan,
    staff_to_id: dict[str, int],
    today: dt.date,
    unusable: str,
    progress: Progress,
    total: int,
) -> int:
    """Databases other than PostgreSQL: bulk INSERT the new people; return how many."""
    done = 0
    for chunk in _chunks(plan.creates, _BATCH):
        people = [
            Person(
                organisation_id=organisation.pk,
                email=row.email,
                first_name=row.first_name,
                last_name=row.last_name,
                staff_number=row.staff_number,
                unit_id=plan.units[row.unit_path.casefold()] if row.unit_path else None,
                rank=row.rank,
                job_role=row.job_role,
                employment_start_date=row.start_date,
                status=row.status,
                is_active=row.status == Person.Status.ACTIVE,
                left_on=today if row.status == Person.Status.LEAVER else None,
                password=unusable,
            )
            for row in chunk
        ]
        Person.objects.bulk_create(people, batch_size=_BATCH)
        if any(p.pk is None for p in people):  # databases without RETURNING
            ids = dict(
                Person.objects.filter(
                    organisation=organisation, staff_number__in=[r.staff_number for r in chunk]
                ).values_list("staff_number", "pk")
            )
            for person in people:
                person.pk = ids[person.staff_number]
        staff_to_id.update((p.staff_number, p.pk) for p in people)
        done += len(chunk)
        progress("Writing", done, total)
    return done


def _copy_people(
    organisation: Organisation,
    plan: _Plan,
    staff_to_id: dict[str, int],
    now: dt.datetime,
    today: dt.date,
    unusable: str,
    progress: Progress,
    total: int,
) -> int:
    """PostgreSQL: insert the new people with COPY; return how many.

    Their ids are drawn from the table's sequence first, so each row can carry its line manager
    (who may be further down the same file: the foreign key is checked at commit) and no second
    pass of UPDATEs is needed. Columns the import does not set get the model's defaults, as
    Person(...) would give them; auto_now(_add) timestamps are `now`.
    """
    rows = plan.creates
    if not rows:
        return 0
    table = Person._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) AS id FROM generate_series(1, %s) ORDER BY id",
            [table, Person._meta.pk.column, len(rows)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
    staff_to_id.update(zip((row.staff_number for row in rows), ids, strict=True))
    set_here = [
        "id",
        "organisation",
        "email",
        "first_name",
        "last_name",
        "staff_number",
        "unit",
        "rank",
        "job_role",
        "line_manager",
        "employment_start_date",
        "status",
        "is_active",
        "left_on",
        "password",
    ]
    fields = [Person._meta.get_field(name) for name in set_here]
    constants, per_row = [], []
    for f in Person._meta.concrete_fields:
        if f in fields:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            constants.append((f, f.get_db_prep_save(now, connection)))
        elif callable(f.default):
            per_row.append(f)
        else:
            constants.append((f, f.get_db_prep_save(f.get_default(), connection)))
    columns = [f.column for f in fields + [f for f, _ in constants] + per_row]
    constant_values = tuple(value for _, value in constants)
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    units, links = plan.units, plan.manager_links
    active, leaver = Person.Status.ACTIVE, Person.Status.LEAVER
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for done, (row, pk) in enumerate(zip(rows, ids, strict=True), start=1):
            manager = links.get(row.staff_number)
            copy.write_row(
                (  # in the order of set_here, then the defaults
                    pk,
                    organisation.pk,
                    row.email,
                    row.first_name,
                    row.last_name,
                    row.staff_number,
                    units[row.unit_path.casefold()] if row.unit_path else None,
                    row.rank,
                    row.job_role,
                    staff_to_id.get(manager) if manager else None,
                    row.start_date,
                    row.status,
                    row.status == active,
                    today if row.status == leaver else None,
                    unusable,
                    *constant_values,
                    *(f.get_db_prep_save(f.get_default(), connection) for f in per_row),
                )
            )
            if done % _BATCH == 0:
                progress("Writing", done, total)
    progress("Writing", len(rows), total)
    return len(rows)


def _update_people(rows: list[tuple], now: dt.datetime) -> None:
    """Write changed people. One statement per batch on PostgreSQL, bulk_update elsewhere."""
    if connection.vendor == "postgresql":
        placeholders = ",".join(["(%s,%s,%s,%s,%s,%s,%s,%s::date,%s,%s,%s::date,%s)"] * len(rows))
        params = [value for row in rows for value in row]
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                UPDATE people_person AS p SET
                    email = v.email, first_name = v.first_name, last_name = v.last_name,
                    unit_id = v.unit_id, rank = v.rank, job_role = v.job_role,
                    employment_start_date = v.start_date, status = v.status, is_active = v.active,
                    left_on = CASE WHEN v.status_changed THEN v.left_on ELSE p.left_on END,
                    updated_at = %s
                FROM (VALUES {placeholders}) AS v(id, email, first_name, last_name, unit_id, rank,
                    job_role, start_date, status, active, left_on, status_changed)
                WHERE p.id = v.id
                """,  # noqa: S608 - only placeholders are interpolated
                [now, *params],
            )
        return
    people = []
    for pk, email, first, last, unit_id, rank, job, start, status, active, left_on, status_changed in rows:
        person = Person(
            pk=pk,
            email=email,
            first_name=first,
            last_name=last,
            unit_id=unit_id,
            rank=rank,
            job_role=job,
            employment_start_date=start,
            status=status,
            is_active=active,
            updated_at=now,
        )
        fields = [
            "email",
            "first_name",
            "last_name",
            "unit_id",
            "rank",
            "job_role",
            "employment_start_date",
            "status",
            "is_active",
            "updated_at",
        ]
        if status_changed:
            person.left_on = left_on
            fields.append("left_on")
        people.append((person, tuple(fields)))
    for fields in {f for _, f in people}:
        Person.objects.bulk_update([p for p, f in people if f == fields], list(fields), batch_size=500)


def _update_managers(links: list[tuple[int, int | None]]) -> None:
    if connection.vendor == "postgresql":
        placeholders = ",".join(["(%s::bigint,%s::bigint)"] * len(links))
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE people_person AS p SET line_manager_id = v.manager_id "  # noqa: S608
                f"FROM (VALUES {placeholders}) AS v(id, manager_id) WHERE p.id = v.id",
                [value for link in links for value in link],
            )
        return
    Person.objects.bulk_update(
        [Person(pk=pk, line_manager_id=m) for pk, m in links], ["line_manager_id"], batch_size=500
    )
