"""The awarding body's files of a programme: the registration file (everyone registered or to
register) and the claims file (those who completed, with the units they achieved), one row per
learner, columns documented in docs/awarding-body-files.md for whoever sends them. The pages
write them through bluelamp.core.exports, which keeps typed text from running as a formula.

Also what the places and claims pages show of each learner's credits and units, read for a page
of places at once (two queries, whatever the number of places) rather than place by place."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from bluelamp.core.timefmt import london
from bluelamp.learning.api import Completion
from bluelamp.programmes.models import Place, ProgrammeUnit, UnitSet

# Change these only with docs/awarding-body-files.md: people build their uploads on the names.
REGISTRATION_COLUMNS: tuple[str, ...] = (
    "registration_number",
    "surname",
    "forenames",
    "email",
    "staff_number",
    "organisation",
    "awarding_body",
    "programme_code",
    "qualification_title",
    "level",
    "qualification_size",
    "credit_total",
    "programme_version",
    "cohort",
    "cohort_start",
    "status",
    "started_on",
    "registered_on",
    "completed_on",
    "withdrawn_on",
)

CLAIM_COLUMNS: tuple[str, ...] = (
    "registration_number",
    "surname",
    "forenames",
    "email",
    "staff_number",
    "organisation",
    "awarding_body",
    "programme_code",
    "qualification_title",
    "level",
    "qualification_size",
    "cohort",
    "completed_on",
    "units",
    "unit_count",
    "total_credits",
    "claimed_on",
)

# The registration file: people on the programme or done with it; a withdrawn learner only when
# the awarding body holds a registration for them (so that it can close it). Applicants are not
# registered until they are on the programme.
REGISTERED_STATUSES = (Place.Status.ACTIVE, Place.Status.COMPLETED)


@dataclass(frozen=True)
class AchievedUnit:
    """A unit of the learner's programme version that their learner record shows completed."""

    code: str
    title: str
    credits: int
    completed_on: dt.date


@dataclass(frozen=True)
class Standing:
    """Where a place stands, as far as a list needs: what progress.place_progress counts as credits
    earned and units done, the units its rules need, and the units achieved (for a completed place:
    those completed by the day the programme was)."""

    credits_earned: int
    credit_total: int | None
    units_done: int
    units_needed: int
    achieved: tuple[AchievedUnit, ...]

    @property
    def total_credits(self) -> int:
        return sum(unit.credits for unit in self.achieved)

    @property
    def summary(self) -> str:
        """ "13 of 20 credits", or "2 of 3 units" for a programme without a credit total."""
        if self.credit_total:
            return f"{self.credits_earned} of {self.credit_total} credits"
        return f"{self.units_done} of {self.units_needed} units"


def _units_needed(unit_set: UnitSet, count: int) -> int:
    # As progress.Progress.percent counts them: N for "at least N units", else every unit.
    if unit_set.rule == UnitSet.Rule.AT_LEAST_UNITS:
        return unit_set.required_units or 0
    return count


def standings(places: Sequence[Place]) -> dict[int, Standing]:
    """Each place's Standing by its id, in two queries: the units of the versions the places
    follow, and the completions of their people on those units' courses."""
    if not places:
        return {}
    version_ids = {place.version_id for place in places}
    units_by_version: dict[int, list[ProgrammeUnit]] = {}
    for unit in (
        ProgrammeUnit.objects.filter(unit_set__version_id__in=version_ids)
        .select_related("unit_set", "course")
        .order_by("unit_set__version_id", "unit_set__order", "order")
    ):
        units_by_version.setdefault(unit.unit_set.version_id, []).append(unit)
    course_ids = {unit.course_id for units in units_by_version.values() for unit in units}
    days: dict[tuple[int, int], list[dt.date]] = {}
    for person_id, course_id, day in Completion.objects.filter(
        person_id__in={place.person_id for place in places}, course_id__in=course_ids
    ).values_list("person_id", "course_id", "completed_on"):
        days.setdefault((person_id, course_id), []).append(day)
    return {place.pk: _standing(place, units_by_version.get(place.version_id, []), days) for place in places}


def _standing(
    place: Place, units: list[ProgrammeUnit], days: dict[tuple[int, int], list[dt.date]]
) -> Standing:
    credits_earned = units_done = 0
    achieved: list[AchievedUnit] = []
    per_set: dict[int, tuple[UnitSet, int]] = {}
    for unit in units:
        unit_set, count = per_set.get(unit.unit_set_id, (unit.unit_set, 0))
        per_set[unit.unit_set_id] = (unit_set, count + 1)
        completed = days.get((place.person_id, unit.course_id), [])
        if not completed:
            continue
        credits_earned += unit.credits
        units_done += 1
        # The qualification was achieved with what was complete on the day it was: a course
        # taken again later does not change the claim.
        counted = [d for d in completed if place.completed_on is None or d <= place.completed_on]
        if counted:
            achieved.append(AchievedUnit(unit.course.code, unit.course.title, unit.credits, max(counted)))
    return Standing(
        credits_earned=credits_earned,
        credit_total=place.programme.credit_total,
        units_done=units_done,
        units_needed=sum(_units_needed(unit_set, count) for unit_set, count in per_set.values()),
        achieved=tuple(achieved),
    )


def units_cell(achieved: Iterable[AchievedUnit]) -> str:
    """The claims file's units column: "CODE:credits:YYYY-MM-DD" for each unit, joined by ";"."""
    return ";".join(f"{unit.code}:{unit.credits}:{unit.completed_on.isoformat()}" for unit in achieved)


def _day(value: dt.datetime | None) -> dt.date | None:
    return london(value).date() if value is not None else None


def _learner(place: Place) -> list:
    person = place.person
    return [
        place.registration_number,
        person.last_name,
        person.first_name,
        person.email,
        person.staff_number,
        person.organisation.name if person.organisation else "",
        place.programme.awarding_body,
        place.programme.code,
        place.programme.title,
        place.programme.level,
    ]


def registration_rows(places: Iterable[Place]) -> Iterator[list]:
    """The registration file's rows (REGISTRATION_COLUMNS), one per place."""
    for place in places:
        programme = place.programme
        yield [
            *_learner(place),
            programme.get_qualification_size_display(),
            programme.credit_total,
            place.version.number,
            place.cohort.name if place.cohort else "",
            place.cohort.starts_on if place.cohort else None,
            place.status,
            _day(place.started_at),
            place.registered_on,
            place.completed_on,
            _day(place.withdrawn_at),
        ]


def claim_rows(places: Sequence[Place], standing: dict[int, Standing] | None = None) -> Iterator[list]:
    """The claims file's rows (CLAIM_COLUMNS), one per completed place; `standing` as
    `standings(places)` gives it (read here when not given)."""
    standing = standing if standing is not None else standings(places)
    for place in places:
        achieved = standing[place.pk].achieved
        yield [
            *_learner(place),
            place.programme.get_qualification_size_display(),
            place.cohort.name if place.cohort else "",
            place.completed_on,
            units_cell(achieved),
            len(achieved),
            sum(unit.credits for unit in achieved),
            place.claimed_on,
        ]
