"""Where a person stands on a programme: each unit (completed, in progress, not started, or
locked behind the one before it in an ordered set), its due date in the cohort's plan, each
set's rule, the credits earned toward the total, and whether the programme is complete.

Read from the learner record: any completion of a unit's course counts (recognition of prior
learning included), so the programme follows the record whichever way a unit was completed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bluelamp.learning.api import Completion, Enrolment
from bluelamp.programmes.models import Place, ProgrammeUnit, UnitSet

COMPLETED = "completed"
IN_PROGRESS = "in_progress"
NOT_STARTED = "not_started"
LOCKED = "locked"

STATE_LABELS = {
    COMPLETED: "Completed",
    IN_PROGRESS: "In progress",
    NOT_STARTED: "Not started",
    LOCKED: "Opens when the unit before it is complete",
}


@dataclass(frozen=True)
class UnitProgress:
    unit: ProgrammeUnit
    state: str
    completed_on: dt.date | None
    due_on: dt.date | None
    enrolment: Enrolment | None

    @property
    def done(self) -> bool:
        return self.state == COMPLETED

    def overdue_on(self, day: dt.date) -> bool:
        return not self.done and self.due_on is not None and self.due_on < day

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass(frozen=True)
class SetProgress:
    unit_set: UnitSet
    units: list[UnitProgress]
    satisfied: bool
    units_done: int
    credits_done: int

    @property
    def requirement(self) -> str:
        """The set's rule in words, e.g. "At least 2 of these 4 units"."""
        rule = self.unit_set.rule
        if rule == UnitSet.Rule.AT_LEAST_UNITS:
            return f"At least {self.unit_set.required_units} of these {len(self.units)} units"
        if rule == UnitSet.Rule.AT_LEAST_CREDITS:
            return f"At least {self.unit_set.required_credits} credits from these units"
        return "Every unit" if len(self.units) != 1 else "This unit"


@dataclass(frozen=True)
class Progress:
    place: Place
    sets: list[SetProgress]
    credits_earned: int
    credit_total: int | None
    complete: bool
    completed_on: dt.date | None
    units: list[UnitProgress] = field(default_factory=list)

    @property
    def units_done(self) -> int:
        return sum(1 for u in self.units if u.done)

    @property
    def percent(self) -> int:
        """Toward the credit total, or else toward the units the rules need."""
        if self.complete:
            return 100
        if self.credit_total:
            return min(99, self.credits_earned * 100 // self.credit_total)
        needed = sum(_units_needed(s) for s in self.sets) or 1
        return min(99, sum(min(s.units_done, _units_needed(s)) for s in self.sets) * 100 // needed)

    def next_units(self) -> list[UnitProgress]:
        """What to do next: open units not yet completed, of sets not yet satisfied, soonest due
        first (then in the programme's order)."""
        candidates = [
            u for s in self.sets if not s.satisfied for u in s.units if u.state in (IN_PROGRESS, NOT_STARTED)
        ]
        return sorted(candidates, key=lambda u: (u.due_on or dt.date.max, self.units.index(u)))

    def behind_plan(self, day: dt.date) -> list[UnitProgress]:
        """Units past their due date and not done, in sets still to satisfy."""
        return [u for s in self.sets if not s.satisfied for u in s.units if u.overdue_on(day)]


def _units_needed(progress: SetProgress) -> int:
    if progress.unit_set.rule == UnitSet.Rule.AT_LEAST_UNITS:
        return progress.unit_set.required_units or 0
    return len(progress.units)


def due_on(unit: ProgrammeUnit, place: Place) -> dt.date | None:
    """The unit's due date in the place's plan: days after its cohort starts."""
    if place.cohort is None or unit.due_after_days is None:
        return None
    return place.cohort.starts_on + dt.timedelta(days=unit.due_after_days)


def version_units(version_ids) -> dict[int, list[ProgrammeUnit]]:
    """The units of these versions, in the programme's order, by version (one query)."""
    units: dict[int, list[ProgrammeUnit]] = {}
    for unit in (
        ProgrammeUnit.objects.filter(unit_set__version_id__in=set(version_ids))
        .select_related("unit_set", "course")
        .order_by("unit_set__version_id", "unit_set__order", "order")
    ):
        units.setdefault(unit.unit_set.version_id, []).append(unit)
    return units


@dataclass(frozen=True)
class Records:
    """What the learner record holds of some people on some courses: the latest completion day
    and the latest live enrolment of each (person, course)."""

    completed: dict[tuple[int, int], dt.date]
    enrolments: dict[tuple[int, int], Enrolment]

    @classmethod
    def of(cls, person_ids, course_ids) -> Records:
        """Read in two queries."""
        completed: dict[tuple[int, int], dt.date] = {}
        for person_id, course_id, day in Completion.objects.filter(
            person_id__in=set(person_ids), course_id__in=set(course_ids)
        ).values_list("person_id", "course_id", "completed_on"):
            key = (person_id, course_id)
            completed[key] = max(day, completed.get(key, day))
        enrolments: dict[tuple[int, int], Enrolment] = {}
        for live in Enrolment.objects.filter(
            person_id__in=set(person_ids),
            course_id__in=set(course_ids),
            status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED],
        ).order_by("enrolled_at", "pk"):
            enrolments[(live.person_id, live.course_id)] = live  # the latest live one
        return cls(completed, enrolments)


def places_progress(places) -> dict[int, Progress]:
    """Each place's progress by its id, in three queries however many places (lists, caseloads)."""
    places = list(places)
    if not places:
        return {}
    units = version_units(p.version_id for p in places)
    course_ids = {u.course_id for members in units.values() for u in members}
    records = Records.of([p.person_id for p in places], course_ids)
    return {p.pk: place_progress(p, units=units.get(p.version_id, []), records=records) for p in places}


def place_progress(
    place: Place, *, units: list[ProgrammeUnit] | None = None, records: Records | None = None
) -> Progress:
    """The place's progress from the learner record (3 queries; none given the version's units and
    the records of its person, as `places_progress` does for many)."""
    if units is None:
        units = version_units([place.version_id]).get(place.version_id, [])
    if records is None:
        records = Records.of([place.person_id], [u.course_id for u in units])
    person = place.person_id
    completed = {course: day for (who, course), day in records.completed.items() if who == person}
    enrolments = {course: e for (who, course), e in records.enrolments.items() if who == person}
    sets: list[SetProgress] = []
    all_units: list[UnitProgress] = []
    by_set: dict[int, list[ProgrammeUnit]] = {}
    for unit in units:
        by_set.setdefault(unit.unit_set_id, []).append(unit)
    for members in by_set.values():
        unit_set = members[0].unit_set
        rows: list[UnitProgress] = []
        blocked = False
        for unit in members:
            enrolment = enrolments.get(unit.course_id)
            if unit.course_id in completed:
                state = COMPLETED
            elif blocked:
                state = LOCKED
            elif enrolment is not None and (enrolment.started_at or enrolment.last_activity_at):
                state = IN_PROGRESS
            else:
                state = NOT_STARTED
            if unit_set.sequence == UnitSet.Sequence.IN_ORDER and state != COMPLETED:
                blocked = True
            rows.append(
                UnitProgress(
                    unit=unit,
                    state=state,
                    completed_on=completed.get(unit.course_id),
                    due_on=due_on(unit, place),
                    enrolment=enrolment,
                )  # fmt: skip
            )
        done = [r for r in rows if r.done]
        credits_done = sum(r.unit.credits for r in done)
        if unit_set.rule == UnitSet.Rule.AT_LEAST_UNITS:
            satisfied = len(done) >= (unit_set.required_units or 0)
        elif unit_set.rule == UnitSet.Rule.AT_LEAST_CREDITS:
            satisfied = credits_done >= (unit_set.required_credits or 0)
        else:
            satisfied = len(done) == len(rows)
        sets.append(SetProgress(unit_set, rows, satisfied, len(done), credits_done))
        all_units.extend(rows)
    earned = sum(s.credits_done for s in sets)
    total = place.programme.credit_total
    complete = bool(sets) and all(s.satisfied for s in sets) and (not total or earned >= total)
    completed_on = (
        max((u.completed_on for u in all_units if u.completed_on), default=None) if complete else None
    )
    return Progress(
        place=place, sets=sets, credits_earned=earned, credit_total=total, complete=complete,
        completed_on=completed_on, units=all_units,
    )  # fmt: skip
