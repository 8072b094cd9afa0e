"""The per-person compliance report: one row per active person per requirement that applies to
them, computed from the completions on record for any day (`bluelamp compliance-report`, the
scheduled e-mailed reports and the exports)."""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from bluelamp.compliance import evaluation
from bluelamp.compliance.models import Requirement
from bluelamp.organisations.api import Organisation
from bluelamp.people.api import Person

HEADER = ("staff_number", "requirement", "status", "due_date", "expires")


@dataclass(frozen=True)
class Row:
    person_id: int
    staff_number: str
    name: str
    unit: str
    requirement_code: str
    status: str
    due_on: dt.date | None
    expires_on: dt.date | None

    def as_csv(self) -> tuple[str, ...]:
        return (
            self.staff_number,
            self.requirement_code,
            self.status,
            self.due_on.isoformat() if self.due_on else "",
            self.expires_on.isoformat() if self.expires_on else "",
        )


def compliance_rows(
    *,
    organisation: Organisation,
    on: dt.date,
    requirement: Requirement | None = None,
    people=None,
) -> Iterator[Row]:
    """Rows for the organisation's active people (or `people`, a queryset of them), ordered by
    staff number then requirement code, as things stand on day `on`. Computed and yielded a batch
    of people at a time, so that a force of tens of thousands is never held whole."""
    queryset = people if people is not None else Person.objects.filter(organisation=organisation)
    people_rows = list(
        queryset.filter(status=Person.Status.ACTIVE, is_active=True)
        .order_by("staff_number", "id")
        .values_list("id", "staff_number", "first_name", "last_name", "unit__full_path")
    )
    codes = dict(Requirement.objects.values_list("id", "code"))
    wanted = requirement.pk if requirement is not None else None
    for start in range(0, len(people_rows), evaluation.BATCH):
        batch = people_rows[start : start + evaluation.BATCH]
        by_person: dict[int, list] = {}
        for judged in evaluation.standings_on([p[0] for p in batch], on=on):
            if not judged.member or (wanted is not None and judged.requirement_id != wanted):
                continue
            by_person.setdefault(judged.person.id, []).append(judged)
        for pid, staff, first, last, unit in batch:
            for judged in sorted(by_person.get(pid, []), key=lambda j: codes[j.requirement_id]):
                yield Row(
                    person_id=pid,
                    staff_number=staff,
                    name=f"{first} {last}".strip(),
                    unit=unit or "",
                    requirement_code=codes[judged.requirement_id],
                    status=judged.standing.status,
                    due_on=judged.standing.due_on,
                    expires_on=judged.standing.expires_on,
                )
