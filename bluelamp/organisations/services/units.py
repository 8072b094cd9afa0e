"""Writing the unit tree of an organisation: one unit, every missing level of a path, or many paths
at once (an HR file), and renaming."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F

from bluelamp.audit.api import audit_record, audit_record_many
from bluelamp.core.validation import text_errors
from bluelamp.organisations.models import Organisation, Unit
from bluelamp.organisations.permissions import access_for
from bluelamp.organisations.roles import Perm
from bluelamp.organisations.services._common import SYSTEM, check_actor, refuse

# The message for someone who manages part of an organisation only and names no parent unit;
# the unit pages and the API show it on their own "parent" field, in their own words.
NAME_A_PARENT = "You manage part of the organisation only: name the unit this belongs to."


def _check_may_add_units(actor, organisation: Organisation) -> None:
    """Units are added where someone manages units in the whole organisation or (an HR file that
    names new units) imports people into it."""
    if actor is SYSTEM:
        return
    if not any(
        access_for(actor, perm).covers_organisation(organisation.pk)
        for perm in (Perm.UNITS_MANAGE, Perm.PEOPLE_IMPORT)
    ):
        raise PermissionDenied(f"You cannot add units to {organisation.name}.")


def _unit_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Enter the unit's name."})
    if "/" in name:
        raise ValidationError({"name": "A unit name cannot contain “/” (it separates levels in a path)."})
    if len(name) > 200:
        raise ValidationError({"name": "A unit name must be 200 characters or fewer."})
    return name


def unit_create(
    *,
    actor,
    organisation: Organisation,
    name: str,
    parent: Unit | None = None,
    code: str = "",
    audit: bool = True,
) -> Unit:
    """A unit at the top of the organisation's tree or under `parent`.

    Someone who manages units in the whole organisation may add one anywhere in it; someone who
    manages a unit subtree only under a `parent` within it (PermissionDenied(NAME_A_PARENT) for
    no parent). The system (`actor=None`: the demo, tests' factories) may add any.
    """
    if parent is not None:
        check_actor(
            actor,
            Perm.UNITS_MANAGE,
            lambda access: access.covers_unit(parent.organisation_id, parent.path),
            "You cannot add units there.",
        )
    else:
        check_actor(
            actor,
            Perm.UNITS_MANAGE,
            lambda access: access.touches_organisation(organisation.pk),
            f"You cannot add units to {organisation.name}.",
        )
        check_actor(
            actor,
            Perm.UNITS_MANAGE,
            lambda access: access.covers_organisation(organisation.pk),
            NAME_A_PARENT,
        )
    return _unit_add(actor=actor, organisation=organisation, name=name, parent=parent, code=code, audit=audit)


def _unit_add(
    *, actor, organisation: Organisation, name: str, parent: Unit | None, code: str, audit: bool
) -> Unit:
    name = _unit_name(name)
    refuse(text_errors(name=name, code=code))
    if parent is not None and parent.organisation_id != organisation.pk:
        raise ValidationError({"parent": "The parent unit belongs to another organisation."})
    full_path = f"{parent.full_path}/{name}" if parent else name
    if Unit.objects.filter(organisation=organisation, full_path__iexact=full_path).exists():
        raise ValidationError({"name": f"There is already a unit called “{full_path}”."})
    with transaction.atomic():
        _lock_unit_tree()
        fields = {"organisation": organisation, "name": name, "code": code, "full_path": full_path}
        unit = Unit.objects.add_child(parent, fields) if parent else Unit.objects.add_root(fields)
        if audit:
            audit_record(
                actor=actor,
                action="unit.create",
                organisation=organisation,
                obj=unit,
                after={"path": full_path, "code": code},
            )
    return unit


def unit_ensure_path(*, actor, organisation: Organisation, path: str, cache: dict | None = None) -> Unit:
    """The unit at `path` ("East Division/Canterbury/Response Team 2"), creating missing levels.

    For those who manage units in, or import people into, the whole organisation, and for the
    system (`actor=None`: imports from the command line, the demo).
    """
    _check_may_add_units(actor, organisation)
    cache = {} if cache is None else cache
    parts = [_unit_name(part) for part in path.split("/")]
    parent = None
    for depth in range(1, len(parts) + 1):
        full = "/".join(parts[:depth])
        key = full.casefold()
        unit = cache.get(key)
        if unit is None:
            unit = Unit.objects.filter(organisation=organisation, full_path__iexact=full).first()
            if unit is None:
                unit = _unit_add(
                    actor=actor,
                    organisation=organisation,
                    name=parts[depth - 1],
                    parent=parent,
                    code="",
                    audit=True,
                )
            cache[key] = unit
        parent = unit
    assert parent is not None  # a path has at least one part
    return parent


def _lock_unit_tree() -> None:
    """Serialise writers of the unit tree: siblings' paths are numbered in turn."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('bluelamp.unit_tree'))")


def units_reserve_ids(*, count: int) -> list[int]:
    """`count` unused unit ids (PostgreSQL), to give units_ensure_paths(ids=...) later."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) AS id FROM generate_series(1, %s) ORDER BY id",
            [Unit._meta.db_table, Unit._meta.pk.column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def units_ensure_paths(*, actor, organisation: Organisation, paths, ids=None) -> dict[str, Unit]:
    """The units at `paths` ("East Division/Canterbury/Team 2"), creating every missing level.

    Missing units are created in one bulk insert with one audit event each, so an HR file that
    brings thousands of new units costs a handful of queries. Returns units keyed by
    full_path.casefold(), for every level of every path.

    `ids` (full_path.casefold() → an id from units_reserve_ids) lets a caller write rows that
    point at units before creating them, late in its transaction (foreign keys are checked at
    commit), so that the unit tree lock is held only for this call and not the caller's whole
    transaction. A unit that exists by now keeps its own id: compare the ids returned.

    For those who manage units in, or import people into, the whole organisation (an HR import
    creates the units its file names), and for the system (`actor=None`: imports from the command
    line, the demo).
    """
    _check_may_add_units(actor, organisation)
    wanted: dict[str, str] = {}
    for path in paths:
        parts = [_unit_name(part) for part in path.split("/")]
        for depth in range(1, len(parts) + 1):
            full = "/".join(parts[:depth])
            wanted.setdefault(full.casefold(), full)
    with transaction.atomic():
        existing = {u.full_path.casefold(): u for u in Unit.objects.filter(organisation=organisation)}
        missing = sorted((key for key in wanted if key not in existing), key=lambda k: (k.count("/"), k))
        if missing:
            _lock_unit_tree()
            existing.update(
                _units_insert(organisation, [wanted[key] for key in missing], existing, ids or {})
            )
            created = [existing[key] for key in missing]
            audit_record_many(
                actor=actor,
                action="unit.create",
                organisation=organisation,
                objects=created,
                after=[{"path": unit.full_path, "code": ""} for unit in created],
            )
    return {key: existing[key] for key in wanted}


def _units_insert(
    organisation: Organisation, full_paths: list[str], existing: dict[str, Unit], ids: dict[str, int]
) -> dict[str, Unit]:
    """Insert units (parents before children) as last children of their parents."""
    steplen = Unit.steplen
    last_step: dict[str, int] = {}  # parent tree path ("" for the top level) → last step used

    def next_path(parent_path: str) -> str:
        if parent_path not in last_step:
            siblings = Unit.objects.filter(
                depth=len(parent_path) // steplen + 1, path__startswith=parent_path
            )
            last = siblings.order_by("-path").values_list("path", flat=True).first()
            last_step[parent_path] = Unit._str2int(last[-steplen:]) if last else 0
        last_step[parent_path] += 1
        depth = len(parent_path) // steplen + 1
        return Unit._get_path(parent_path or None, depth, last_step[parent_path])

    new: dict[str, Unit] = {}
    children_of: dict[int, int] = {}  # existing parent id → new children
    for full_path in full_paths:
        parent_key, _, name = full_path.casefold().rpartition("/")
        parent = new.get(parent_key) or existing.get(parent_key) if parent_key else None
        if parent is not None and parent.pk is None:
            last_step.setdefault(parent.path, 0)  # a parent made in this call has no children yet
        elif parent is not None:
            children_of[parent.pk] = children_of.get(parent.pk, 0) + 1
        unit = Unit(
            pk=ids.get(full_path.casefold()),
            organisation=organisation,
            name=full_path.rpartition("/")[2],
            code="",
            full_path=full_path,
            path=next_path(parent.path if parent else ""),
            depth=(parent.depth + 1) if parent else 1,
            numchild=0,
        )
        if parent is not None and parent.pk is None:
            parent.numchild += 1
        new[full_path.casefold()] = unit
    Unit.objects.bulk_create(new.values(), batch_size=2000)
    if any(unit.pk is None for unit in new.values()):  # databases without RETURNING
        ids = dict(Unit.objects.filter(path__in=[u.path for u in new.values()]).values_list("path", "pk"))
        for unit in new.values():
            unit.pk = ids[unit.path]
    for parent_id, count in children_of.items():
        Unit.objects.filter(pk=parent_id).update(numchild=F("numchild") + count)
    return new


def unit_rename(*, actor, unit: Unit, name: str, code: str | None = None) -> Unit:
    """Rename the unit (and so the paths of the units below it): for those who manage units where
    it is, and the system (`actor=None`: tests' factories)."""
    check_actor(
        actor,
        Perm.UNITS_MANAGE,
        lambda access: access.covers_unit(unit.organisation_id, unit.path),
        "You cannot rename this unit.",
    )
    name = _unit_name(name)
    refuse(text_errors(name=name, code=code))
    old_path = unit.full_path
    parent = Unit.objects.get_parent(unit)
    new_path = f"{parent.full_path}/{name}" if parent else name
    if (
        new_path.casefold() != old_path.casefold()
        and Unit.objects.filter(organisation_id=unit.organisation_id, full_path__iexact=new_path).exists()
    ):
        raise ValidationError({"name": f"There is already a unit called “{new_path}”."})
    with transaction.atomic():
        descendants = list(Unit.objects.get_descendants(unit))
        unit.name = name
        unit.full_path = new_path
        if code is not None:
            unit.code = code
        unit.save()
        for child in descendants:
            child.full_path = new_path + child.full_path[len(old_path) :]
        Unit.objects.bulk_update(descendants, ["full_path"])
        audit_record(
            actor=actor,
            action="unit.rename",
            organisation=unit.organisation,
            obj=unit,
            before={"path": old_path},
            after={"path": new_path},
        )
    return unit
