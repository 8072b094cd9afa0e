"""What is coming: how many people fall due for each requirement in each of the next months, the
seat demand a force plans classroom capacity for.

Read from the assignments of people in an audience (their due date is kept up to date by
evaluation.py): a *recertification* is due from someone who completed before (their due date is
their expiry, or an extension of it), a *first due* from someone who never has. People due before
the window starts and not yet done are *already overdue*, counted apart. Exempt people need no
seat and are left out; suspended people are counted (they must recertify by their due date as
well as put their prerequisite right).

Months are counted from `start`: the first bucket is [start, start + 1 month), and so on, with
rules.add_months (so a start on the 1st gives calendar months).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Substr

from bluelamp.compliance import rules
from bluelamp.compliance.models import Assignment, Requirement
from bluelamp.compliance.reports import Level, children_of
from bluelamp.organisations.api import Organisation, Unit

MONTHS = 12
_OVERDUE = -1


@dataclass
class Bucket:
    recertifications: int = 0
    first_due: int = 0

    @property
    def total(self) -> int:
        return self.recertifications + self.first_due

    def add(self, recertification: bool, n: int) -> None:
        if recertification:
            self.recertifications += n
        else:
            self.first_due += n


@dataclass
class Line:
    """One row of the forecast: a requirement, a unit, or everything (the total)."""

    label: str
    months: list[Bucket]
    overdue: Bucket = field(default_factory=Bucket)
    requirement: Requirement | None = None
    unit: Unit | None = None

    @property
    def in_window(self) -> Bucket:
        out = Bucket()
        for bucket in self.months:
            out.recertifications += bucket.recertifications
            out.first_due += bucket.first_due
        return out

    def add(self, index: int, recertification: bool, n: int) -> None:
        (self.overdue if index == _OVERDUE else self.months[index]).add(recertification, n)


@dataclass
class Forecast:
    start: dt.date
    months: list[dt.date]  # the first day of each month counted
    end: dt.date  # the day after the last month
    by_requirement: list[Line]
    by_unit: list[Line]
    total: Line


def month_starts(start: dt.date, months: int = MONTHS) -> list[dt.date]:
    return [rules.add_months(start, k) for k in range(months)]


def forecast(
    *,
    organisation: Organisation,
    unit: Unit | None = None,
    start: dt.date,
    months: int = MONTHS,
    requirement: Requirement | None = None,
    within: Sequence[Unit] = (),
) -> Forecast:
    """Who falls due in each of `months` months from `start` in `organisation` (or `unit` and
    everything below it; or, with `within`, those units' subtrees only), per requirement and per
    child unit, recertifications and first due apart, and those already overdue. One query over
    the assignments, one for the requirements' names and one for the child units."""
    if months < 1:
        raise ValueError(f"a forecast needs at least one month, not {months}")
    level = Level(organisation=organisation, unit=unit, tops=tuple(within) if unit is None else ())
    starts = month_starts(start, months)
    end = rules.add_months(start, months)
    bounds = [*starts[1:], end]
    bucket = Case(
        When(due_on__lt=start, then=Value(_OVERDUE)),
        *(When(due_on__lt=bound, then=Value(k)) for k, bound in enumerate(bounds)),
        output_field=IntegerField(),
    )
    recertification = ExpressionWrapper(Q(last_completed_on__isnull=False), output_field=BooleanField())
    rows = Assignment.objects.filter(organisation=organisation, in_audience=True)
    if not level.whole_organisation:
        # The subtree's unit ids first, so that the assignments' unit index is used.
        subtree = Unit.objects.filter(level.unit_q(), organisation=organisation).values("pk")
        rows = rows.filter(unit_id__in=subtree)
    rows = (
        rows.filter(due_on__isnull=False, due_on__lt=end)
        .exclude(status=rules.EXEMPT)
        .annotate(bucket=bucket, recertification=recertification)
    )
    if requirement is not None:
        rows = rows.filter(requirement=requirement)

    total = Line("Total", [Bucket() for _ in starts])
    per_requirement: dict[int, Line] = {}
    per_branch: dict[str | None, Line] = {}
    # One pass over the assignments, grouped by requirement and child unit at once: a force's
    # forecast reads its assignments once.
    for requirement_id, branch, index, recert, n in (
        rows.annotate(branch=_branch(level))
        .values_list("requirement_id", "branch", "bucket", "recertification")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        per_requirement.setdefault(requirement_id, Line("", [Bucket() for _ in starts])).add(index, recert, n)
        per_branch.setdefault(branch, Line("", [Bucket() for _ in starts])).add(index, recert, n)
        total.add(index, recert, n)
    requirements = Requirement.objects.filter(pk__in=list(per_requirement)).order_by("code", "pk")
    by_requirement = []
    for r in requirements:
        line = per_requirement[r.pk]
        line.label, line.requirement = f"{r.code} {r.title}", r
        by_requirement.append(line)

    by_unit = []
    for child in children_of(level):
        line = per_branch.get(child.path) or Line("", [Bucket() for _ in starts])
        line.label, line.unit = child.name, child
        by_unit.append(line)
    if unit is not None and unit.path in per_branch:
        line = per_branch[unit.path]
        line.label, line.unit = f"Directly in {unit.name}", unit
        by_unit.append(line)
    if level.whole_organisation and None in per_branch:
        line = per_branch[None]
        line.label = "In no unit"
        by_unit.append(line)
    return Forecast(
        start=start, months=starts, end=end, by_requirement=by_requirement, by_unit=by_unit, total=total
    )


def _branch(level: Level):
    """The child unit's path each row falls under (the level's own path for its own people; None
    for people in no unit)."""
    step = Unit.steplen
    if level.unit is not None:
        return Substr("unit__path", 1, len(level.unit.path) + step)
    if level.tops:
        return Case(
            *(When(unit__path__startswith=top.path, then=Value(top.path)) for top in level.tops),
            default=Value(None),
            output_field=CharField(),
        )
    return Substr("unit__path", 1, step)
