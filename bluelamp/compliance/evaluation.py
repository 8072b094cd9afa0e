"""Keeping where everyone stands up to date: evaluate people against the requirements that apply to
their organisation, write the assignments that changed and adjust the counts the dashboards read.

Called within the writer's transaction when completions or people change (so a completion flips
the person's status in the same request), and by the nightly sweep for dates passing. Everything
about dates is in rules.py; this module gathers the facts and writes the outcome.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from bluelamp.compliance import rules
from bluelamp.compliance.audiences import Compiled, Facts, compile_audience, matches
from bluelamp.compliance.counts_cache import forget_counts, forget_standings
from bluelamp.compliance.models import Assignment, Exemption, Extension, Requirement, StatusCount
from bluelamp.learning.api import Completion
from bluelamp.organisations import api as organisations_api
from bluelamp.organisations.api import LicenceType, Unit, licensed_organisation_ids
from bluelamp.people.api import Person

BATCH = 2000
_WRITTEN = (
    "organisation_id",
    "unit_id",
    "in_audience",
    "left_on",
    "status",
    "due_on",
    "expires_on",
    "last_completed_on",
    "in_date",
    "next_change_on",
)


def local_day(at: dt.datetime | None) -> dt.date:
    return timezone.localdate(at or timezone.now())


@dataclass(frozen=True)
class _Requirement:
    id: int
    owner_id: int
    national: bool
    audience: Compiled
    first_due: rules.FirstDue
    validity_months: int | None
    window_days: int
    due_soon_days: int
    prerequisites: tuple[int, ...]
    courses: dict[int, int | None]  # course id -> minimum version
    codes: dict[str, int | None]  # course code (folded) -> minimum version, for records without a course
    auto_enrol: bool
    first_course_id: int | None


@dataclass
class Change:
    """An assignment that was created or changed, for what follows (notifications, enrolment)."""

    person_id: int
    requirement_id: int
    joined: bool  # newly in the audience (first time, or back)
    old_status: str | None
    status: str
    due_on: dt.date | None


@dataclass
class Outcome:
    people: int = 0
    written: int = 0
    changed: int = 0  # assignments whose status or due date changed, or that joined an audience


_after_evaluation: list[Callable[[list[Change], dt.datetime], None]] = []


def after_evaluation(fn: Callable[[list[Change], dt.datetime], None]) -> None:
    """Register what follows evaluation (auto-enrolment, notifications): called in the same
    transaction with the changes, when there are some."""
    if fn not in _after_evaluation:
        _after_evaluation.append(fn)


def national_body_ids() -> list[int]:
    """The national body's id (a list: empty before it exists)."""
    return organisations_api.national_body_ids()


def _scope(day: dt.date) -> tuple[int | None, set[int]]:
    national = next(iter(national_body_ids()), None)
    licensed = licensed_organisation_ids(LicenceType.DIGITAL_CONTENT_ACCESS, on=day) - (
        {national} if national else set()
    )
    return national, licensed


def _compiled_requirements(requirement_ids: Iterable[int] | None = None) -> list[_Requirement]:
    """Active requirements in an order where each comes after those it depends on."""
    queryset = Requirement.objects.filter(state=Requirement.State.ACTIVE)
    if requirement_ids is not None:
        queryset = queryset.filter(id__in=list(requirement_ids))
    rows = list(queryset.prefetch_related("prerequisites", "course_links__course").select_related("owner"))
    unit_ids = {u for r in rows for u in r.audience.get("units", [])}
    paths = dict(Unit.objects.filter(id__in=unit_ids).values_list("id", "path")) if unit_ids else {}
    compiled: dict[int, _Requirement] = {}
    for r in rows:
        links = list(r.course_links.all())
        compiled[r.id] = _Requirement(
            id=r.id,
            owner_id=r.owner_id,
            national=r.owner.is_national_body,
            audience=compile_audience(r.audience, paths),
            first_due=r.first_due,
            validity_months=r.validity_months,
            window_days=r.window_days,
            due_soon_days=r.due_soon_days,
            # A retired prerequisite is asked of no one, so it holds no one back.
            prerequisites=tuple(p.id for p in r.prerequisites.all() if p.state == Requirement.State.ACTIVE),
            courses={link.course_id: link.min_version for link in links},
            codes={link.course.code.casefold(): link.min_version for link in links if link.course.code},
            auto_enrol=r.auto_enrol,
            first_course_id=links[0].course_id if links else None,
        )
    return _dependency_order(compiled)


def _dependency_order(compiled: dict[int, _Requirement]) -> list[_Requirement]:
    ordered: list[_Requirement] = []
    state: dict[int, int] = {}

    def visit(rid: int) -> None:
        if state.get(rid) or rid not in compiled:
            return  # done, in progress (a cycle: refused when saved), or not active
        state[rid] = 1
        req = compiled[rid]
        for dep in (*req.prerequisites, *sorted(req.audience.prerequisite_ids)):
            visit(dep)
        state[rid] = 2
        ordered.append(req)

    for rid in sorted(compiled):
        visit(rid)
    return ordered


@dataclass
class _Record:
    """One person's completions that a requirement may count, by course (platform and external
    records of a course) and by folded course code (imported history without a course): (version,
    day) each. Indexed once per person, then read by every requirement."""

    by_course: dict[int, list[tuple[int | None, dt.date]]] = field(default_factory=dict)
    by_code: dict[str, list[tuple[int | None, dt.date]]] = field(default_factory=dict)


_NO_RECORD = _Record()


def _matching_dates(req: _Requirement, record: _Record) -> list[dt.date]:
    """The days of the completions that satisfy the requirement: of one of its courses, or without
    a course but with one of their codes; in the minimum version or later when it sets one."""
    days: list[dt.date] = []
    if record.by_course:
        for course_id, minimum in req.courses.items():
            for version, day in record.by_course.get(course_id, ()):
                if minimum is None or (version is not None and version >= minimum):
                    days.append(day)
    if record.by_code:
        for code, minimum in req.codes.items():
            for version, day in record.by_code.get(code, ()):
                if minimum is None or (version is not None and version >= minimum):
                    days.append(day)
    return days


def evaluate_people(person_ids: Collection[int], *, at: dt.datetime | None = None) -> Outcome:
    """Bring the assignments of these people up to date (in batches, within the caller's
    transaction or one of its own per batch)."""
    at = at or timezone.now()
    day = local_day(at)
    requirements = _compiled_requirements()
    national, licensed = _scope(day)
    outcome = Outcome()
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), BATCH):
        with transaction.atomic():
            _evaluate_batch(ids[start : start + BATCH], requirements, national, licensed, day, at, outcome)
    return outcome


@dataclass
class _Batch:
    """Everything evaluation needs about a batch of people, read in a few queries."""

    people: list[Facts]
    unit_of: dict[int, int | None]
    completions: dict[int, _Record]
    exemptions: dict[tuple[int, int], list[rules.Period]]
    extensions: dict[tuple[int, int], list[rules.Extension]]
    existing: dict[tuple[int, int], Any]  # a named row of _EXISTING


# What evaluation reads of the assignments it keeps: named rows, not model instances (a sweep reads
# every row and writes few; a model instance costs several times a row to build).
_EXISTING = ("id", "person_id", "requirement_id", "joined_on", *_WRITTEN)


def _load(ids: list[int], requirements: list[_Requirement]) -> _Batch:
    people: list[Facts] = []
    unit_of: dict[int, int | None] = {}
    for pid, org, unit, path, rank, role, start, status, active in Person.objects.filter(
        id__in=ids
    ).values_list(
        "id",
        "organisation_id",
        "unit_id",
        "unit__path",
        "rank",
        "job_role",
        "employment_start_date",
        "status",
        "is_active",
    ):
        unit_of[pid] = unit
        people.append(
            Facts(
                id=pid,
                organisation_id=org,
                unit_path=path,
                rank=rank,
                job_role=role,
                start_date=start,
                active=status == Person.Status.ACTIVE and active,
            )
        )
    course_ids = {c for r in requirements for c in r.courses}
    completions: dict[int, _Record] = defaultdict(_Record)
    # Unordered: the record's own order (newest first) would sort tens of thousands of rows a batch
    # for nothing (the rules sort a person's days themselves).
    for pid, course_id, code, version, completed_on in (
        Completion.objects.filter(Q(course_id__in=course_ids) | Q(course__isnull=True), person_id__in=ids)
        .values_list("person_id", "course_id", "course_code", "version_number", "completed_on")
        .order_by()
    ):
        record = completions[pid]
        if course_id is not None:
            record.by_course.setdefault(course_id, []).append((version, completed_on))
        else:
            record.by_code.setdefault((code or "").casefold(), []).append((version, completed_on))
    exemptions: dict[tuple[int, int], list[rules.Period]] = defaultdict(list)
    for e in Exemption.objects.filter(person_id__in=ids, revoked_at__isnull=True).only(
        "person_id", "requirement_id", "starts_on", "ends_on"
    ):
        exemptions[(e.person_id, e.requirement_id)].append(e.period)
    extensions: dict[tuple[int, int], list[rules.Extension]] = defaultdict(list)
    for x in Extension.objects.filter(person_id__in=ids).only(
        "person_id", "requirement_id", "from_due_on", "to_due_on"
    ):
        extensions[(x.person_id, x.requirement_id)].append(x.rule)
    existing = {
        (a.person_id, a.requirement_id): a
        for a in Assignment.objects.filter(person_id__in=ids).values_list(*_EXISTING, named=True)
    }
    return _Batch(people, unit_of, completions, exemptions, extensions, existing)


@dataclass(frozen=True)
class Judged:
    """One person on one requirement: whether they are in its audience, and their standing."""

    person: Facts
    requirement_id: int
    member: bool
    standing: rules.Standing
    row: Any  # the person's assignment as it was (a named row of _EXISTING), None for none yet


def _judge(batch: _Batch, requirements: list[_Requirement], licensed: set[int], day: dt.date):
    """Each person's standing on each requirement that applies to them (or that they have a row
    for), in dependency order. Standings on the prerequisites these need are worked out too, and
    on no other requirement: most people are in the audience of few."""
    for person in batch.people:
        in_audience_of: set[int] = set()
        member_of: dict[int, bool] = {}  # the requirements to judge: in the audience, or with a row
        for req in requirements:
            # A national requirement is for the forces, not the national body's own staff.
            applies = (
                person.organisation_id in licensed if req.national else req.owner_id == person.organisation_id
            )
            if applies and matches(req.audience, person, in_audience_of=in_audience_of):
                in_audience_of.add(req.id)
                member_of[req.id] = True
            elif (person.id, req.id) in batch.existing:
                member_of[req.id] = False
        needed: set[int] = set()  # their prerequisites, and the prerequisites of those (earlier)
        for req in reversed(requirements):
            if req.id in member_of or req.id in needed:
                needed.update(req.prerequisites)
        standing_of: dict[int, rules.Standing] = {}
        for req in requirements:
            member = member_of.get(req.id)
            if member is None and req.id not in needed:
                continue
            row = batch.existing.get((person.id, req.id))
            prereqs = [standing_of.get(p) for p in req.prerequisites]
            prereq_ok = all(s is not None and (s.in_date or s.status == rules.EXEMPT) for s in prereqs)
            prereq_change = min(
                (s.next_change_on for s in prereqs if s is not None and s.next_change_on), default=None
            )
            standing = rules.standing(
                on=day,
                completed_on=_matching_dates(req, batch.completions.get(person.id, _NO_RECORD)),
                validity_months=req.validity_months,
                window_days=req.window_days,
                first_due=req.first_due,
                joined_on=row.joined_on if row is not None else day,
                start_date=person.start_date,
                due_soon_days=req.due_soon_days,
                exemptions=batch.exemptions.get((person.id, req.id), []),
                extensions=batch.extensions.get((person.id, req.id), []),
                prerequisites_in_date=prereq_ok,
                prerequisites_change_on=prereq_change,
            )
            standing_of[req.id] = standing
            if member is not None:
                yield Judged(person, req.id, member, standing, row)


def standings_on(person_ids: Collection[int], *, on: dt.date):
    """Where these people stand (or stood, or will stand, as completions on record now have it) on
    day `on`, without writing anything: (person facts, requirement id, in audience, Standing)."""
    requirements = _compiled_requirements()
    _, licensed = _scope(on)
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), BATCH):
        batch = _load(ids[start : start + BATCH], requirements)
        yield from _judge(batch, requirements, licensed, on)


def _evaluate_batch(
    ids: list[int],
    requirements: list[_Requirement],
    national: int | None,
    licensed: set[int],
    day: dt.date,
    at: dt.datetime,
    outcome: Outcome,
) -> None:
    batch = _load(ids, requirements)
    changes: list[Change] = []
    creates: list[Assignment] = []
    updates: list[Assignment] = []
    deltas: dict[tuple[int, int, int, str], int] = defaultdict(int)

    for judged in _judge(batch, requirements, licensed, day):
        person, member, standing, row = judged.person, judged.member, judged.standing, judged.row
        req_id = judged.requirement_id
        values = {
            "organisation_id": person.organisation_id,
            "unit_id": batch.unit_of.get(person.id),
            "in_audience": member,
            "left_on": None if member else (row.left_on if row is not None and row.left_on else day),
            "status": standing.status,
            "due_on": standing.due_on,
            "expires_on": standing.expires_on,
            "last_completed_on": standing.last_completed_on,
            "in_date": standing.in_date,
            "next_change_on": standing.next_change_on,
        }
        if row is None:
            row = Assignment(
                person_id=person.id,
                requirement_id=req_id,
                joined_on=day,
                evaluated_on=day,
                updated_at=at,
                **values,
            )
            creates.append(row)
            deltas[_key(row)] += 1
            changes.append(Change(person.id, req_id, True, None, standing.status, standing.due_on))
            continue
        if all(getattr(row, name) == values[name] for name in _WRITTEN):
            continue
        was_counted = row.in_audience
        old_key, old_status, old_due = _key(row), row.status, row.due_on
        row = Assignment(
            id=row.id,
            person_id=person.id,
            requirement_id=req_id,
            joined_on=row.joined_on,
            evaluated_on=day,
            updated_at=at,
            **values,
        )
        updates.append(row)
        if was_counted:
            deltas[old_key] -= 1
        if row.in_audience:
            deltas[_key(row)] += 1
        # A due date that moved (an extension) is a change too: an enrolment follows it.
        if old_status != row.status or (member and not was_counted) or (member and old_due != row.due_on):
            changes.append(
                Change(person.id, req_id, member and not was_counted, old_status, row.status, row.due_on)
            )
    if creates:
        Assignment.objects.bulk_create(creates, batch_size=1000)
    if updates:
        Assignment.objects.bulk_update(updates, [*_WRITTEN, "evaluated_on", "updated_at"], batch_size=500)
    if creates or updates:
        # The lists of people by name (counts_cache.py): a due date or expiry can move alone.
        forget_standings({row.organisation_id for row in (*creates, *updates)})
    counts_apply(deltas)
    outcome.people += len(batch.people)
    outcome.written += len(creates) + len(updates)
    outcome.changed += len(changes)
    if changes:
        for fn in _after_evaluation:
            fn(changes, at)


def _key(row: Any) -> tuple[int, int, int, str]:
    return (row.organisation_id, row.unit_id or 0, row.requirement_id, row.status)


_UPSERT = (
    "INSERT INTO compliance_statuscount (organisation_id, unit_key, requirement_id, status, count) "
    "VALUES (%s, %s, %s, %s, %s) "
    "ON CONFLICT (organisation_id, unit_key, requirement_id, status) "
    "DO UPDATE SET count = compliance_statuscount.count + excluded.count"
)


def counts_apply(deltas: dict[tuple[int, int, int, str], int]) -> None:
    """Add the differences to the counts, in key order (so two writers never wait on each other in
    a cycle); an increment commutes, so concurrent writers stay exact."""
    rows = [(*key, delta) for key, delta in sorted(deltas.items()) if delta]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(_UPSERT, rows)
        forget_counts(row[0] for row in rows)  # the dashboards' cached sums (counts_cache.py)


def recount(*, organisation_ids: Collection[int] | None = None) -> None:
    """Count again from the assignments (the nightly sweep's check that the kept counts are exact)."""
    with transaction.atomic():
        counts = StatusCount.objects.all()
        assignments = Assignment.objects.filter(in_audience=True)
        if organisation_ids is not None:
            counts = counts.filter(organisation_id__in=list(organisation_ids))
            assignments = assignments.filter(organisation_id__in=list(organisation_ids))
        current = {
            (c.organisation_id, c.unit_key, c.requirement_id, c.status): c for c in counts.select_for_update()
        }
        fresh: dict[tuple[int, int, int, str], int] = defaultdict(int)
        for org, unit, req, status, n in (
            assignments.values_list("organisation_id", "unit_id", "requirement_id", "status")
            .annotate(n=Count("id"))
            .order_by()
        ):
            fresh[(org, unit or 0, req, status)] += n
        deltas = {key: n - (current[key].count if key in current else 0) for key, n in fresh.items()}
        for key, row in current.items():
            if key not in fresh and row.count:
                deltas[key] = -row.count
        counts_apply(deltas)


def retire(requirement_id: int, *, at: dt.datetime | None = None) -> None:
    """A retired requirement applies to nobody: its assignments leave the audience (kept, with
    their history) and its counts go."""
    day = local_day(at)
    with transaction.atomic():
        Assignment.objects.filter(requirement_id=requirement_id, in_audience=True).update(
            in_audience=False, left_on=day, updated_at=at or timezone.now()
        )
        StatusCount.objects.filter(requirement_id=requirement_id).delete()
        forget_counts()
        forget_standings()
