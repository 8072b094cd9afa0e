"""Who an audience would take in, before it is saved: how many people, and who would join or
leave compared with the requirement as saved. Nothing is written.

The rules are the ones evaluation applies (audiences.normalise / compile_audience / matches) over
the same people (services.people_in_scope). The "requirements" rule asks whether someone is in
another requirement's audience: that is read from the saved assignments of those requirements,
as evaluation would find them.
"""

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from bluelamp.compliance import audiences
from bluelamp.compliance.models import Assignment, Requirement
from bluelamp.compliance.services import people_in_scope
from bluelamp.organisations.api import Access, Organisation, Unit
from bluelamp.people.api import Person

# How many of those joining (and of those leaving) are named; the rest are counted.
NAMED = 50

_FIELDS = (
    "id",
    "uuid",
    "first_name",
    "last_name",
    "staff_number",
    "unit__full_path",
    "organisation__name",
    "unit__path",
    "rank",
    "job_role",
    "employment_start_date",
    "organisation_id",
)


@dataclass(frozen=True)
class Someone:
    """A person as the preview names them."""

    uuid: uuid.UUID
    name: str
    staff_number: str
    unit: str
    organisation: str


@dataclass(frozen=True)
class Change:
    """Those joining (or leaving): the first NAMED the reader may see by name, and how many in all."""

    count: int
    named: list[Someone] = field(default_factory=list)
    not_named: int = 0  # of `count`, those the reader may not see by name

    @property
    def more(self) -> int:
        """Those the reader may see by name beyond the ones listed."""
        return self.count - self.not_named - len(self.named)


@dataclass(frozen=True)
class Preview:
    audience: dict  # as it would be stored
    total: int  # people who would be in the audience
    saved: int | None  # people in the saved requirement's audience now (None: a new requirement)
    joining: Change
    leaving: Change

    @property
    def unchanged(self) -> bool:
        return self.saved is not None and not self.joining.count and not self.leaving.count


def audience_preview(
    *,
    owner: Organisation,
    audience: dict,
    requirement: Requirement | None = None,
    on: dt.date,
    names: Access | None = None,
) -> Preview:
    """Who `audience` would take in among `owner`'s people in scope on day `on`, and who would join
    or leave compared with `requirement` as saved (everyone joins a new one). `names`: whom the
    reader may see by name (None: everyone); the others are only counted. Raises
    audiences.AudienceError for an audience that cannot be used."""
    normalised = audiences.normalise(audience)
    scope = people_in_scope(owner, on=on).filter(status=Person.Status.ACTIVE, is_active=True)
    rows = {row[0]: row for row in scope.values_list(*_FIELDS)}

    units = Unit.objects.filter(id__in=normalised.get("units", []))
    if not owner.is_national_body:
        units = units.filter(organisation=owner)  # another force's unit matches nobody
    compiled = audiences.compile_audience(normalised, dict(units.values_list("id", "path")))
    member_of: dict[int, set[int]] = defaultdict(set)
    if normalised.get("requirements"):
        for person_id, requirement_id in Assignment.objects.filter(
            requirement_id__in=normalised["requirements"], in_audience=True
        ).values_list("person_id", "requirement_id"):
            member_of[person_id].add(requirement_id)

    would = {
        person_id
        for person_id, row in rows.items()
        if audiences.matches(
            compiled,
            audiences.Facts(
                id=person_id,
                organisation_id=row[11],
                unit_path=row[7],
                rank=row[8],
                job_role=row[9],
                start_date=row[10],
                active=True,
            ),
            in_audience_of=member_of.get(person_id, set()),
        )
    }
    saved: set[int] | None = None
    if requirement is not None:
        saved = set(
            Assignment.objects.filter(requirement=requirement, in_audience=True).values_list(
                "person_id", flat=True
            )
        )
    joining = would - (saved or set())
    leaving = (saved or set()) - would
    # Someone leaving may be out of scope already (moved away): their details are read apart.
    missing = leaving - rows.keys()
    if missing:
        rows.update({row[0]: row for row in Person.objects.filter(id__in=missing).values_list(*_FIELDS)})
    visible: set[int] | None = None
    if names is not None:
        visible = set(
            Person.objects.filter(names.people_q(), id__in=joining | leaving).values_list("id", flat=True)
        )
    return Preview(
        audience=normalised,
        total=len(would),
        saved=None if saved is None else len(saved),
        joining=_change(joining, rows, visible),
        leaving=_change(leaving, rows, visible),
    )


def _change(ids: set[int], rows: dict[int, tuple], visible: set[int] | None) -> Change:
    shown = ids if visible is None else ids & visible
    ordered = sorted(shown, key=lambda pid: (rows[pid][3].casefold(), rows[pid][2].casefold(), pid))
    return Change(
        count=len(ids),
        named=[
            Someone(
                uuid=rows[pid][1],
                name=f"{rows[pid][2]} {rows[pid][3]}".strip(),
                staff_number=rows[pid][4],
                unit=rows[pid][5] or "",
                organisation=rows[pid][6],
            )
            for pid in ordered[:NAMED]
        ],
        not_named=len(ids) - len(shown),
    )
