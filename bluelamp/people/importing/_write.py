"""Applying a checked plan in one transaction, in bulk."""

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.organisations.api import Organisation, units_ensure_paths, units_reserve_ids
from bluelamp.people.directory import forget_people
from bluelamp.people.importing._plan import _Plan
from bluelamp.people.importing._types import _BATCH, ImportResult, Progress, _chunks
from bluelamp.people.listeners import people_changed
from bluelamp.people.models import Person
from bluelamp.people.signed_in import forget_signed_in

# Changes the domains above are not told about (listeners.py): a new name or e-mail address.
_PROFILE_ONLY = frozenset({"email", "first_name", "last_name"})


def _apply(actor, organisation: Organisation, plan: _Plan, result: ImportResult, progress: Progress) -> None:
    """Write the plan, all of it or none.

    New units are created last on PostgreSQL: creating units takes the unit tree lock, which
    every organisation's unit changes wait for until the transaction ends, so it is taken for
    the last moments only, not for the whole write. People are written first with unit ids
    reserved in advance (foreign keys are checked at commit).

    Those created, and those whose audience facts changed (unit, rank, job role, start date,
    status, line manager), are passed to the people-changed listeners in one call at the end,
    when new units exist and people point at them; so listeners run while the unit tree lock is
    held, and should hand large changes to a task on commit rather than work through them here.
    """
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        # People are written in bulk (no save(), no signal): signed-in people read afresh, and
        # whatever is kept of what others see of them (names, units) drawn again.
        forget_signed_in()
        forget_people()
        new_units = [key for key, pk in plan.units.items() if pk is None]
        reserved: dict[str, int] = {}
        if new_units and connection.vendor == "postgresql":
            reserved = dict(zip(new_units, units_reserve_ids(count=len(new_units)), strict=True))
            plan.units.update(reserved)
        elif new_units:  # one writer at a time anyway (SQLite): units first, as people point at them
            plan.units.update(_ensure_units(actor, organisation, plan, new_units))
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
        changed_ids: list[int] = []
        for person_id, row, changed in plan.updates:
            leaving = row.status == Person.Status.LEAVER
            current = plan.existing[row.staff_number]
            # is_active is written as "not a leaver": someone made inactive by other means counts too.
            if set(changed) - _PROFILE_ONLY or current.is_active == leaving:
                changed_ids.append(person_id)
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
            known = plan.existing.get(staff)
            if known is None and (manager_id is None or managers_set_on_insert):
                continue
            if known is not None and known.line_manager_id == manager_id:
                continue
            links.append((person_id, manager_id))
        for chunk in _chunks(links, _BATCH):
            _update_managers(chunk)

        if reserved:
            _check_links_but_units_now()
            made = _ensure_units(actor, organisation, plan, new_units, reserved)
            # A unit someone else created meanwhile keeps its id: point our people at it instead.
            for key, reserved_id in reserved.items():
                if made[key] != reserved_id:
                    Person.objects.filter(organisation=organisation, unit_id=reserved_id).update(
                        unit_id=made[key]
                    )

        audit_record(
            actor=actor,
            action="people.import",
            organisation=organisation,
            object_type="people.importrun",
            object_label=f"HR import into {organisation}",
            after=result.summary() | {"new_units": result.new_units[:50]},
        )
        created_ids = [staff_to_id[row.staff_number] for row in plan.creates]
        people_changed(person_ids=created_ids + changed_ids, at=now)


def _check_links_but_units_now() -> None:
    """PostgreSQL checks people's foreign keys at commit, which comes after the unit tree lock is
    taken; check those that do not point at the new units (organisation, line manager) now, so
    that the lock waits for the units' checks only. They are deferred again afterwards, as
    declared, for any later write in the same transaction."""
    table = Person._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
        names = [
            connection.ops.quote_name(name)
            for name, constraint in constraints.items()
            if constraint["foreign_key"] and constraint["columns"] != [Person._meta.get_field("unit").column]
        ]
        if names:
            cursor.execute(f"SET CONSTRAINTS {', '.join(names)} IMMEDIATE")
            cursor.execute(f"SET CONSTRAINTS {', '.join(names)} DEFERRED")


def _ensure_units(
    actor, organisation: Organisation, plan: _Plan, keys: list[str], ids: dict[str, int] | None = None
) -> dict[str, int]:
    """Create the plan's new units (with the `ids` reserved for them); every level's id by key."""
    paths = [plan.unit_paths[key] for key in keys]
    made = units_ensure_paths(actor=actor, organisation=organisation, paths=paths, ids=ids)
    return {key: unit.pk for key, unit in made.items()}


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
    # The stubs allow for relations, which have no column; Person's concrete fields all have one.
    columns: list[str] = [f.column for f in fields + [f for f, _ in constants] + per_row]  # type: ignore[union-attr, misc]
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
        # Typed: a batch in which no one has a unit (all NULL) would make the column text.
        placeholders = ",".join(
            ["(%s::bigint,%s,%s,%s,%s::bigint,%s,%s,%s::date,%s,%s::boolean,%s::date,%s::boolean)"]
            * len(rows)
        )
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
    for names in {f for _, f in people}:
        Person.objects.bulk_update([p for p, f in people if f == names], list(names), batch_size=500)


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
