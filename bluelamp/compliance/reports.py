"""What the compliance dashboards show: figures read from the kept counts, never worked out per
request from the assignments (docs/decisions/0012-compliance-dates.md).

A *level* is where the reader stands in an organisation's tree: the whole organisation (or, for
someone who sees only some units of it, those units), or one unit with everything below it. Its
figures add up `StatusCount` over the level's subtree (the units whose tree path starts with the
level's path, joined in the database and grouped by child unit in the same query), so a force of
34,000 people costs one aggregate query, not a scan of 850,000 assignments. Only the list of people
by name (paginated) and a line manager's own team read assignments.

The trend adds up `MonthEndCount` the same way. A month end's counts are kept once and never
change, so what a whole force's (and every force's national) counts add up to at a month end is
kept in the cache once worked out; a unit's is read each time (the tree below it may change).

"% compliant" = compliant ÷ (people in the audience − exempt): exempt people are neither compliant
nor not; everyone else who must do the training counts, suspended and not-yet-due people included.
It is rounded down to one decimal place, so 100% means everyone.

Who sees what is `selectors.sight`: figures for the reader's scope (every force, for the national
body), names only where `sight(actor).names` covers the level. Anything else is "not found".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.utils.text import slugify

from bluelamp.compliance import rules, sweeps
from bluelamp.compliance.counts_cache import counts_version, people_version, tables_version
from bluelamp.compliance.models import Assignment, MonthEndCount, Requirement, StatusCount
from bluelamp.compliance.selectors import Sight, sight
from bluelamp.core.sharedcache import LocalCopies, read_through
from bluelamp.organisations.api import Access, Organisation, Perm, Unit, access_for
from bluelamp.people.api import Person

# The order of the columns everywhere: the dashboard, the downloads, the forecast's units.
STATUSES: tuple[str, ...] = rules.STATUSES
TREND_MONTHS = 12
FIGURE_HEADERS = (
    "people in audience",
    "% compliant",
    "compliant",
    "due",
    "overdue",
    "assigned",
    "suspended",
    "exempt",
)


# --- figures -----------------------------------------------------------------------------------


@dataclass
class Figures:
    """How many people stand in each status (of one requirement, or of several added up: then a
    person counts once per requirement that applies to them)."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, status: str, n: int) -> None:
        self.counts[status] = self.counts.get(status, 0) + n

    def merge(self, other: Figures) -> None:
        for status, n in other.counts.items():
            self.add(status, n)

    def __getitem__(self, status: str) -> int:
        return self.counts.get(status, 0)

    @property
    def in_audience(self) -> int:
        return sum(self.counts.values())

    @property
    def counted(self) -> int:
        """Those "% compliant" is a share of: everyone in the audience but the exempt."""
        return self.in_audience - self[rules.EXEMPT]

    @property
    def percent(self) -> float | None:
        """compliant ÷ (in audience − exempt), rounded down to one decimal; None when nobody counts."""
        if self.counted <= 0:
            return None
        return math.floor(1000 * self[rules.COMPLIANT] / self.counted) / 10

    @property
    def percent_text(self) -> str:
        percent = self.percent
        return "–" if percent is None else f"{percent:g}%"

    def row(self) -> list:
        """The figures as cells, in FIGURE_HEADERS' order (% as a number, or empty)."""
        percent = self.percent
        return [self.in_audience, "" if percent is None else percent, *(self[s] for s in STATUSES)]


def total(figures: Iterable[Figures]) -> Figures:
    out = Figures()
    for f in figures:
        out.merge(f)
    return out


# --- levels ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    """Where in an organisation the figures are for: the whole organisation (`unit` None and no
    `tops`), the units of it the reader sees (`tops`, for someone who sees several subtrees but not
    the whole), or `unit` and everything below it."""

    organisation: Organisation
    unit: Unit | None = None
    tops: tuple[Unit, ...] = ()
    ancestors: tuple[Unit, ...] = ()  # above `unit`, from the top, that the reader may open
    names: bool = False  # the reader may see the people here by name

    @property
    def whole_organisation(self) -> bool:
        return self.unit is None and not self.tops

    @property
    def label(self) -> str:
        if self.unit is not None:
            return self.unit.name
        return (
            self.organisation.name if self.whole_organisation else f"Your units in {self.organisation.name}"
        )

    @property
    def slug(self) -> str:
        """For file names: the organisation, then the unit (or the whole organisation)."""
        if self.unit is not None:
            return f"{self.organisation.slug}-{slugify(self.unit.name) or f'unit-{self.unit.pk}'}"
        return f"{self.organisation.slug}-{'all' if self.whole_organisation else 'your-units'}"

    def unit_q(self, prefix: str = "") -> Q:
        """Rows (with a unit at `prefix`) of people within the level; at the whole organisation's
        level, everything (people in no unit included)."""
        if self.unit is not None:
            return Q(**{f"{prefix}path__startswith": self.unit.path})
        if self.tops:
            q = Q(pk__in=[])
            for top in self.tops:
                q |= Q(**{f"{prefix}path__startswith": top.path})
            return q
        return Q()


def _top_paths(paths: Iterable[str]) -> list[str]:
    """The paths not below another of them."""
    ordered = sorted(set(paths), key=len)
    tops: list[str] = []
    for path in ordered:
        if not any(path.startswith(top) for top in tops):
            tops.append(path)
    return sorted(tops)


_SIGHT_ATTR = "_bluelamp_compliance_sight"


def _sight(actor) -> Sight:
    """`selectors.sight(actor)`, worked out once per request (kept on the request's user, as
    organisations' permissions keep the roles they read)."""
    cached = getattr(actor, _SIGHT_ATTR, None)
    if cached is None:
        cached = sight(actor)
        setattr(actor, _SIGHT_ATTR, cached)
    return cached


def figures_access(actor) -> Access:
    return _sight(actor).figures


def names_access(actor) -> Access:
    """Where the reader may see people by name."""
    return _sight(actor).names


def organisations_seen(actor) -> QuerySet[Organisation]:
    """Organisations whose figures the reader sees (some or all of)."""
    figures = figures_access(actor)
    touched = figures.organisation_ids_touched()
    organisations = (
        Organisation.objects.all() if touched is None else Organisation.objects.filter(id__in=touched)
    )
    return organisations.order_by("name")


def level_for(actor, *, organisation: str | None = None, unit: str | None = None) -> Level:
    """The level `?organisation=<slug>` / `?unit=<id>` asks for, or the reader's own: their
    organisation when they see all of it, the one unit they see, or the units they see. 404 for an
    organisation or unit outside the reader's sight (or that does not exist)."""
    figures = figures_access(actor)
    names = _sight(actor).names
    if unit:
        try:
            unit_id = int(unit)
        except ValueError:
            raise Http404("No such unit") from None
        chosen = Unit.objects.select_related("organisation").filter(pk=unit_id).first()
        if chosen is None or not figures.covers_unit(chosen.organisation_id, chosen.path):
            raise Http404("No such unit")
        if organisation and chosen.organisation.slug != organisation:
            raise Http404("No such unit")
        return _unit_level(chosen, figures, names)
    if organisation:
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None or not figures.touches_organisation(org.pk):
            raise Http404("No such organisation")
    else:
        org = actor.organisation if figures.touches_organisation(actor.organisation_id) else None
        if org is None:
            org = organisations_seen(actor).first()
        if org is None:
            raise Http404("No figures to show")
    if figures.covers_organisation(org.pk):
        return Level(organisation=org, names=names.covers_organisation(org.pk))
    paths = _top_paths(path for org_id, path in figures.unit_paths if org_id == org.pk)
    tops = tuple(Unit.objects.filter(organisation=org, path__in=paths).order_by("name"))
    if len(tops) == 1:
        return _unit_level(tops[0], figures, names, organisation=org)
    return Level(organisation=org, tops=tops)


def _unit_level(
    unit: Unit, figures: Access, names: Access, organisation: Organisation | None = None
) -> Level:
    org = organisation or unit.organisation
    step = Unit.steplen
    above = [unit.path[:n] for n in range(step, len(unit.path), step)]
    ancestors = tuple(
        u
        for u in Unit.objects.filter(organisation_id=org.pk, path__in=above).order_by("depth")
        if figures.covers_unit(org.pk, u.path)
    )
    return Level(
        organisation=org,
        unit=unit,
        ancestors=ancestors,
        names=names.covers_unit(org.pk, unit.path),
    )


def children_of(level: Level) -> list[Unit]:
    """The units one step down from the level (its top units, for the reader's units)."""
    if level.tops:
        return list(level.tops)
    units = Unit.objects.filter(organisation=level.organisation)
    if level.unit is None:
        units = units.filter(depth=1)
    else:
        units = units.filter(depth=level.unit.depth + 1, path__startswith=level.unit.path)
    return list(units.order_by("name", "pk"))


def may_open_whole_organisation(actor, organisation: Organisation) -> bool:
    return figures_access(actor).covers_organisation(organisation.pk)


# --- the level's figures -------------------------------------------------------------------------


@dataclass
class LevelFigures:
    """A level's figures per requirement (and added up: Overall), and per child unit, for the
    people directly in the level's unit, and (at the organisation's level) for people in no unit,
    each for one requirement or all of them added up."""

    requirements: list[Requirement]
    by_requirement: dict[int, Figures]
    units: list[Unit]  # the child units
    whole_organisation: bool
    has_own_people: bool  # a unit's level: people directly in it
    # child unit id (None: not under one) -> requirement id -> status -> people: plain dicts, which
    # the shared cache unpickles several times faster than as many Figures
    branches: dict[int | None, dict[int, dict[str, int]]]

    @property
    def overall(self) -> Figures:
        return total(self.by_requirement.values())

    def rows(self) -> Iterator[tuple[Requirement, Figures]]:
        for requirement in self.requirements:
            yield requirement, self.by_requirement[requirement.pk]

    def _branch(self, branch: int | None, requirement: Requirement | None) -> Figures:
        counts = self.branches.get(branch, {})
        if requirement is not None:
            return Figures(dict(counts.get(requirement.pk, {})))
        return total(Figures(statuses) for statuses in counts.values())

    def children(self, requirement: Requirement | None = None) -> list[tuple[Unit, Figures]]:
        return [(unit, self._branch(unit.pk, requirement)) for unit in self.units]

    def direct(self, requirement: Requirement | None = None) -> Figures | None:
        """People directly in the level's unit (None at the organisation's level)."""
        return self._branch(None, requirement) if self.has_own_people else None

    def in_no_unit(self, requirement: Requirement | None = None) -> Figures | None:
        """People in no unit (at the whole organisation's level; None elsewhere)."""
        return self._branch(None, requirement) if self.whole_organisation else None


def _grouped_counts(level: Level, children: list[Unit]) -> list[tuple[int | None, int, str, int]]:
    """(child unit id, requirement id, status, people) for the level: `_grouped_counts_read`, kept
    in the shared cache until the organisation's counts change (counts_cache.py)."""
    seconds = settings.COMPLIANCE_CACHE_SECONDS
    if not seconds:
        return _grouped_counts_read(level, children)
    org = level.organisation.pk
    where = (
        level.unit.pk if level.unit is not None else None,
        sorted(top.pk for top in level.tops),
        [child.pk for child in children],
    )
    digest = hashlib.sha256(repr(where).encode()).hexdigest()[:32]
    return read_through(
        seconds,
        lambda: f"compliance:counts:v1:{counts_version(org)}:{org}:{digest}",
        lambda: _grouped_counts_read(level, children),
    )


def _grouped_counts_read(level: Level, children: list[Unit]) -> list[tuple[int | None, int, str, int]]:
    """(child unit id, requirement id, status, people) for the level, in one aggregate query. The
    child is None for the level's own people (at the organisation's level: people in no unit).

    Raw SQL: StatusCount.unit_key is not a foreign key, and each count is put under its child unit
    by the tree path. The level's subtree is read through the counts' (organisation, unit_key, ...)
    index, its unit ids found first in the unit tree (a few hundred rows)."""
    counts, units = StatusCount._meta.db_table, Unit._meta.db_table
    org = level.organisation.pk
    params: list = []
    if children:
        marks = ", ".join(["%s"] * len(children))
        branch = (
            f"LEFT JOIN (SELECT u.id, t.id AS child FROM {units} u JOIN {units} t"  # noqa: S608
            f" ON substr(u.path, 1, length(t.path)) = t.path WHERE u.organisation_id = %s AND t.id IN ({marks}))"
            " b ON b.id = c.unit_key"
        )
        params += [org, *(child.pk for child in children)]
        select = "b.child"
    else:
        branch, select = "", "NULL"
    sql = (
        f"SELECT {select}, c.requirement_id, c.status, SUM(c.count) FROM {counts} c {branch} "  # noqa: S608
        "WHERE c.organisation_id = %s AND c.count <> 0"
    )
    params.append(org)
    tops = [level.unit] if level.unit is not None else list(level.tops)
    if tops:
        within = " OR ".join(["substr(u2.path, 1, %s) = %s"] * len(tops))
        sql += (
            f" AND c.unit_key IN (SELECT u2.id FROM {units} u2 WHERE u2.organisation_id = %s AND ({within}))"  # noqa: S608
        )
        params.append(org)
        for top in tops:
            params += [len(top.path), top.path]
    sql += " GROUP BY 1, 2, 3"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(b, r, st, int(n)) for b, r, st, n in cursor.fetchall()]


def level_key(level: Level) -> tuple:
    """What a level's figures and tables are of (the same for every reader who stands there)."""
    return (
        level.organisation.pk,
        level.unit.pk if level.unit is not None else None,
        tuple(top.pk for top in level.tops),
        level.names,
    )


def level_figures(level: Level) -> LevelFigures:
    """The level's figures: one query for the child units, one aggregate query over the counts,
    one for the requirements anyone here is in the audience of; kept in the shared cache until the
    organisation's counts, a requirement, a unit or an organisation change (counts_cache.py)."""
    org = level.organisation.pk
    return read_through(
        settings.COMPLIANCE_CACHE_SECONDS,
        lambda: f"compliance:level:v1:{tables_version(org)}:{org}:{_digest(level_key(level)[1:3])}",
        lambda: _level_figures_read(level),
    )


def _digest(value: object) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()[:32]


def _level_figures_read(level: Level) -> LevelFigures:
    children = children_of(level)
    by_requirement: dict[int, Figures] = defaultdict(Figures)
    branches: dict[int | None, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for child, requirement_id, status, n in _grouped_counts(level, children):
        by_requirement[requirement_id].add(status, n)
        statuses = branches[child][requirement_id]
        statuses[status] = statuses.get(status, 0) + n
    requirements = list(
        Requirement.objects.filter(pk__in=list(by_requirement)).select_related("owner").order_by("code", "pk")
    )
    owners: dict[int, Organisation] = {}
    for requirement in requirements:  # one instance per owner, pickled once
        requirement.owner = owners.setdefault(requirement.owner_id, requirement.owner)
    return LevelFigures(
        requirements=requirements,
        by_requirement={r.pk: by_requirement[r.pk] for r in requirements},
        units=children,
        whole_organisation=level.whole_organisation,
        has_own_people=level.unit is not None,
        branches={child: dict(counts) for child, counts in branches.items()},  # plain: kept pickled
    )


# --- the trend -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthFigures:
    month_end: dt.date
    figures: Figures


def _trend_from(rows: Iterable[tuple[dt.date, str, int]]) -> list[MonthFigures]:
    months: dict[dt.date, Figures] = defaultdict(Figures)
    for month_end, status, n in rows:
        months[month_end].add(status, n or 0)
    return [MonthFigures(m, months[m]) for m in sorted(months)]


def month_ends_shown() -> list[dt.date]:
    """The last TREND_MONTHS month ends up to the latest recorded. The sweep keeps every
    organisation's counts of a month end at once, labelled with the month's last day, so the
    latest of any organisation is the latest of all (found at the end of the counts' index)."""
    latest = MonthEndCount.objects.order_by("-month_end").values_list("month_end", flat=True).first()
    if latest is None:
        return []
    first = rules.add_months(latest.replace(day=1), 1 - TREND_MONTHS)
    return [sweeps.month_end(rules.add_months(first, k)) for k in range(TREND_MONTHS)]


# A month end's counts are kept once and never recomputed, so what they add up to can be kept too:
# a whole force's (or every force's national) counts of one month end are read once, not on every
# page (34,000 people's counts at twelve month ends are a million rows). Keyed by the
# organisation's uuid: never reused, unlike an id.
MONTH_END_CACHE_SECONDS = 31 * 24 * 3600


def _month_end_totals(key: str, month_ends: list[dt.date], counts: QuerySet[MonthEndCount]) -> dict:
    """{month end: {requirement id: {status: people}}} of `counts` at each month end, from the
    cache where it is there. Month ends without counts are not kept (a sweep made up later fills
    one in)."""
    keys = {m: f"compliance:month-end:v1:{key}:{m.isoformat()}" for m in month_ends}
    found = cache.get_many(list(keys.values()))
    out = {m: found[keys[m]] for m in month_ends if keys[m] in found}
    missing = [m for m in month_ends if m not in out]
    if missing:
        fresh: dict[dt.date, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
        for m, requirement_id, status, n in (
            counts.filter(month_end__in=missing)
            .values_list("month_end", "requirement_id", "status")
            .annotate(n=Sum("count"))
            .order_by()
        ):
            fresh[m][requirement_id][status] = n
        kept = {m: {r: dict(statuses) for r, statuses in fresh[m].items()} for m in missing if fresh.get(m)}
        cache.set_many({keys[m]: totals for m, totals in kept.items()}, MONTH_END_CACHE_SECONDS)
        out.update(kept)
    return out


def _trend_of(totals: dict, month_ends: list[dt.date], requirement: Requirement | None) -> list[MonthFigures]:
    trend = []
    for m in month_ends:
        figures = Figures()
        for requirement_id, statuses in totals.get(m, {}).items():
            if requirement is None or requirement_id == requirement.pk:
                for status, n in statuses.items():
                    figures.add(status, n)
        if figures.counts:
            trend.append(MonthFigures(m, figures))
    return trend


def trend(level: Level, *, requirement: Requirement | None = None) -> list[MonthFigures]:
    """The level's figures at each of the last TREND_MONTHS month ends recorded (kept by the
    nightly sweep from the month this was built; the units as they are now). Two queries: the
    latest month end, then the level's counts (a whole force's from the cache)."""
    month_ends = month_ends_shown()
    if not month_ends:
        return []
    counts = MonthEndCount.objects.filter(organisation=level.organisation)
    if level.whole_organisation:
        totals = _month_end_totals(str(level.organisation.uuid), month_ends, counts)
        return _trend_of(totals, month_ends, requirement)
    subtree = Unit.objects.filter(level.unit_q(), organisation=level.organisation).values("pk")
    counts = counts.filter(month_end__in=month_ends, unit_key__in=subtree)
    if requirement is not None:
        counts = counts.filter(requirement=requirement)
    rows = counts.values_list("month_end", "status").annotate(n=Sum("count")).order_by("month_end")
    return _trend_from(rows)


# --- people by name ------------------------------------------------------------------------------


def people_named(
    actor,
    level: Level,
    *,
    requirement: Requirement | None = None,
    status: str | None = None,
    below: bool = False,
) -> QuerySet[Person]:
    """People of the level the reader may see by name who are in the audience of a requirement
    (`requirement`; in `status`): those directly in the level's unit (at the organisation's level,
    those in no unit), or everyone in its subtree (`below`). Ordered by name. Nobody for a reader
    who may not see names here."""
    if not level.names:
        return Person.objects.none()
    people = Person.objects.filter(organisation=level.organisation, status=Person.Status.ACTIVE)
    if below:
        people = people.filter(level.unit_q("unit__"))
    elif level.unit is not None:
        people = people.filter(unit=level.unit)
    else:
        people = people.filter(unit__isnull=True)
    # Asked per person (the unique index of person and requirement): a join on the assignments
    # of a whole force would be planned badly under the page's LIMIT.
    standing = Assignment.objects.filter(person=OuterRef("pk"), in_audience=True)
    if requirement is not None:
        standing = standing.filter(requirement=requirement)
    if status:
        standing = standing.filter(status=status)
    return (
        people.filter(Exists(standing))
        .filter(_sight(actor).names.people_q())
        .select_related("unit")
        .only("uuid", "first_name", "last_name", "staff_number", "unit", "unit__full_path")  # what is shown
        .order_by("last_name", "first_name", "pk")
    )


class Standing(NamedTuple):
    """Where a person stands on one requirement, as the list of people by name shows it."""

    status: str
    due_on: dt.date | None
    expires_on: dt.date | None


def standings_of(
    people: Iterable[Person], *, requirement: Requirement | None = None
) -> dict[int, dict[int, Standing]]:
    """Each person's assignments (in an audience) by requirement id, in one query (as tuples: a
    page of 50 people has some 1,250, four times faster to read than as model instances)."""
    ids = [p.pk for p in people]
    rows = Assignment.objects.filter(person_id__in=ids, in_audience=True)
    if requirement is not None:
        rows = rows.filter(requirement=requirement)
    out: dict[int, dict[int, Standing]] = defaultdict(dict)
    for person_id, requirement_id, status, due_on, expires_on in rows.values_list(
        "person_id", "requirement_id", "status", "due_on", "expires_on"
    ):
        out[person_id][requirement_id] = Standing(status, due_on, expires_on)
    return out


NAMES_HEADER = ("staff number", "name", "unit", "requirement", "status", "due date", "expiry")


def names_rows(people: QuerySet[Person], *, requirement=None, status: str | None = None) -> Iterator[tuple]:
    """The names list as a download: one row per person and requirement (in `status`, when
    filtered), people by name then requirements by code."""
    rows = Assignment.objects.filter(person__in=people.values("pk"), in_audience=True)
    if requirement is not None:
        rows = rows.filter(requirement=requirement)
    if status:
        rows = rows.filter(status=status)
    for staff, first, last, unit, code, title, st, due, expires in rows.order_by(
        "person__last_name", "person__first_name", "person_id", "requirement__code"
    ).values_list(
        "person__staff_number",
        "person__first_name",
        "person__last_name",
        "person__unit__full_path",
        "requirement__code",
        "requirement__title",
        "status",
        "due_on",
        "expires_on",
    ):
        yield (staff, f"{first} {last}".strip(), unit or "", f"{code} {title}", st, due, expires)


# --- a line manager's team -----------------------------------------------------------------------


@dataclass
class TeamMember:
    person: Person
    standings: dict[int, Assignment]


@dataclass
class Team:
    requirements: list[Requirement]
    members: list[TeamMember]
    by_requirement: dict[int, Figures]

    @property
    def overall(self) -> Figures:
        return total(self.by_requirement.values())


def manager_of_team(actor) -> int | None:
    """The reader's id when they may see their direct reports (a line manager in a licensed
    domain), else None."""
    return _sight(actor).names.manager_id


def has_team(actor) -> bool:
    """Whether anyone active reports to the reader (and they may see them); kept in the shared
    cache until people's line managers or leaving may have changed (counts_cache.people_version)."""
    manager_id = manager_of_team(actor)
    if manager_id is None:
        return False
    return read_through(
        settings.COMPLIANCE_CACHE_SECONDS,
        lambda: f"compliance:has-team:v1:{people_version()}:{manager_id}",
        lambda: Person.objects.filter(line_manager_id=manager_id, status=Person.Status.ACTIVE).exists(),
        local=_team_copies,
    )


_team_copies = LocalCopies(1024)  # whether someone manages anyone, under people_version


def team(actor, *, status: str | None = None) -> Team:
    """The reader's direct reports who are in the audience of a requirement, with where each
    stands (people with one in `status`, when filtered). Two queries."""
    manager_id = manager_of_team(actor)
    if manager_id is None:
        return Team([], [], {})
    rows = list(
        Assignment.objects.filter(
            person__line_manager_id=manager_id, person__status=Person.Status.ACTIVE, in_audience=True
        )
        .select_related("person", "person__unit", "requirement")
        .order_by("person__last_name", "person__first_name", "person_id", "requirement__code")
    )
    requirements: dict[int, Requirement] = {}
    members: dict[int, TeamMember] = {}
    by_requirement: dict[int, Figures] = defaultdict(Figures)
    for row in rows:
        requirements.setdefault(row.requirement_id, row.requirement)
        members.setdefault(row.person_id, TeamMember(row.person, {})).standings[row.requirement_id] = row
        by_requirement[row.requirement_id].add(row.status, 1)
    ordered = sorted(requirements.values(), key=lambda r: (r.code, r.pk))
    shown = [
        m for m in members.values() if not status or any(a.status == status for a in m.standings.values())
    ]
    return Team(ordered, shown, {r.pk: by_requirement[r.pk] for r in ordered})


# --- the national view ---------------------------------------------------------------------------


def national_reader(actor) -> bool:
    """The national body's training administrators and report readers (platform administrators)."""
    return access_for(actor, Perm.LEARNING_MANAGE).national or access_for(actor, Perm.REPORTS_VIEW).national


def national_body() -> Organisation | None:
    return Organisation.objects.filter(kind=Organisation.Kind.NATIONAL_BODY).first()


@dataclass
class ForceFigures:
    organisation: Organisation
    names: bool  # the national body may see its people by name (a licence in force shares them)
    by_requirement: dict[int, Figures]
    figures: Figures  # of the requirement chosen, or all national requirements added up


@dataclass
class NationalFigures:
    requirements: list[Requirement]
    forces: list[ForceFigures]

    @property
    def overall(self) -> Figures:
        return total(f.figures for f in self.forces)

    def requirement_total(self, requirement: Requirement) -> Figures:
        return total(f.by_requirement.get(requirement.pk, Figures()) for f in self.forces)


def national_requirements(national: Organisation) -> QuerySet[Requirement]:
    return Requirement.objects.filter(owner=national, state=Requirement.State.ACTIVE).order_by("code", "pk")


def national_figures(actor, *, requirement: Requirement | None = None) -> NationalFigures:
    """Every force side by side on the national requirements (or `requirement`): three queries."""
    national = national_body()
    if national is None:
        return NationalFigures([], [])
    requirements = list(national_requirements(national))
    counts = StatusCount.objects.filter(requirement__owner=national).exclude(count=0)
    if requirement is not None:
        counts = counts.filter(requirement=requirement)
    per_force: dict[int, dict[int, Figures]] = defaultdict(lambda: defaultdict(Figures))
    for org_id, requirement_id, status, n in (
        counts.values_list("organisation_id", "requirement_id", "status").annotate(n=Sum("count")).order_by()
    ):
        per_force[org_id][requirement_id].add(status, n)
    names = _sight(actor).names
    forces = []
    for org in Organisation.objects.exclude(kind=Organisation.Kind.NATIONAL_BODY).order_by("name"):
        by_requirement = dict(per_force.get(org.pk, {}))
        forces.append(
            ForceFigures(
                organisation=org,
                names=names.covers_organisation(org.pk),
                by_requirement=by_requirement,
                figures=total(by_requirement.values()),
            )
        )
    return NationalFigures(requirements, forces)


def national_trend(*, requirement: Requirement | None = None) -> list[MonthFigures]:
    """Every force's figures on the national requirements at the last month ends recorded."""
    national = national_body()
    month_ends = month_ends_shown()
    if national is None or not month_ends:
        return []
    counts = MonthEndCount.objects.filter(
        requirement__in=Requirement.objects.filter(owner=national).values("pk")
    )
    totals = _month_end_totals(f"national:{national.uuid}", month_ends, counts)
    return _trend_of(totals, month_ends, requirement)
