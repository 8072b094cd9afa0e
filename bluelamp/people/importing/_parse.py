"""Reading the CSV: decoding, headers, and checking each row on its own."""

import datetime as dt

from django.conf import settings

from bluelamp.core import csvfiles
from bluelamp.people.importing._types import (
    _EMAIL,
    ACCEPTED_COLUMNS,
    REQUIRED_COLUMNS,
    STATUSES,
    ImportResult,
    RowError,
    _Row,
)
from bluelamp.people.models import Person
from bluelamp.people.ranks import normalise_rank


def _decode(data: bytes) -> str:
    """The file's text; csvfiles.UnreadableFile when the file as a whole cannot be read."""
    return csvfiles.decode(data, limit=settings.PEOPLE_IMPORT_MAX_BYTES)


def _parse(text: str, result: ImportResult) -> list[_Row]:
    """The rows, each checked on its own; csvfiles.UnreadableFile for a quote never closed."""
    reader = csvfiles.records(text)
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
