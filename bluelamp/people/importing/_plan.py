"""Comparing the file with what the organisation has: what to create, change, link; what clashes."""

import datetime as dt
from dataclasses import dataclass

from bluelamp.organisations.api import Organisation, Unit
from bluelamp.people.importing._types import (
    _BATCH,
    _DIFF_FIELDS,
    ImportResult,
    Progress,
    RowError,
    _chunks,
    _Existing,
    _Row,
)
from bluelamp.people.models import Person


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
    for pk, staff, email, first, last, unit_pk, rank, job, start, status, mgr, active in (
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
        existing[staff] = _Existing(pk, (email, first, last, unit_pk, rank, job, start, status), mgr, active)
    staff_by_id = {e.id: s for s, e in existing.items()}
    units: dict[str, int | None] = {
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
        unit_id: int | None = None
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
        new_values: tuple[object, ...] = (
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
        changed: dict[str, object] = {}
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
