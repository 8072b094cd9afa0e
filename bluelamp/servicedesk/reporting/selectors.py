"""The contact centre's KPIs and management information: pure reads, no writes.

The team leader's job description (the FOI seed) sets the adviser's weekly service-level KPIs:
"Initial response to customer: within 2 working days", "Personal percentage of new calls logged:
70%+ per week" and "Personal resolve rate: 70%+ handled tickets per week"; the service desk issue
adds SLA attainment by priority. Definitions, as computed here:

Week
    Monday 00:00 to the next Monday 00:00, Europe/London wall-clock time (so a week holding a
    clock change is 167 or 169 hours long). A week is named by its Monday (`week_start`).

The adviser of a ticket
    The person who wrote the ticket's first public reply (the "initial response", the moment a
    member of the desk took it up). Contacts (phone calls) belong to the adviser who took the
    call (`Contact.adviser`). A ticket with no staff reply yet belongs to no adviser: it counts
    in the whole-desk figures only (row `adviser=None` in the results).

Initial responses within 2 working days
    Of the first responses an adviser made in the week, the share made within 2 working days
    (18 working hours, `bluelamp.workingtime`: weekends, bank holidays and extra closures do not count)
    of the ticket being logged. Counted in the week of the response. Working-time arithmetic
    runs per ticket in Python, over that week's first responses only (one query fetches them).

Contacts logged as tickets (target 70 %+)
    Of the calls an adviser took in the week, the share linked to a ticket (new or existing)
    rather than marked "not logged" with a reason.

Tickets resolved at first line (target 70 %+)
    Of the adviser's tickets resolved in the week (resolved or closed now, `resolved_at` in the
    week), the share never escalated above 1st line (no escalation event in their history).

SLA attainment by priority
    A target counts in the week it was met or missed. Response: tickets first answered in the
    week (met when `first_response_at <= response_due`) plus tickets still unanswered whose
    response target fell in the week before now (missed). Resolution: tickets resolved in the
    week (met when `resolved_at <= resolution_due`; the stored due time is the one the ticket
    had when resolved, see tickets.history) plus active tickets whose resolution target fell in
    the week before now (missed). P4 has no resolution clock and no resolution figures.

Satisfaction (the survey on resolution, `servicedesk.survey`)
    Survey responses received in the week (by `submitted_at`), credited to the ticket's adviser:
    how many, the average score (1 very dissatisfied to 5 very satisfied) and the share
    satisfied (4 or 5). One response per ticket, so nothing is counted twice.

Volumes
    Tickets logged per week, by category and by priority (one grouped query each).

Everything else is aggregate queries (COUNT with FILTER, grouped by adviser and priority).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from bluelamp.people.api import Person
from bluelamp.servicedesk.sla import SLA_POLICIES, Priority
from bluelamp.servicedesk.survey.models import SatisfactionResponse
from bluelamp.servicedesk.tickets.models import Category, Contact, Ticket, TicketEvent
from bluelamp.workingtime.api import LONDON, WORKING_DAY, add_working_time, working_time_between

__all__ = [
    "INITIAL_RESPONSE_WINDOW",
    "TARGET_SHARE",
    "AdviserKpis",
    "Ratio",
    "Satisfaction",
    "WeekKpis",
    "WeeklyVolumes",
    "last_complete_week",
    "week_bounds",
    "week_kpis",
    "week_start_of",
    "weekly_volumes",
]

INITIAL_RESPONSE_WINDOW = 2 * WORKING_DAY
# The job description's 70 %+ for contacts logged and first-line resolution.
TARGET_SHARE = 0.70
_FINISHED = [Ticket.Status.RESOLVED, Ticket.Status.CLOSED]
_ACTIVE = [s for s in Ticket.Status.values if s not in _FINISHED]
PRIORITIES: list[str] = list(Priority.values)


# --- weeks --------------------------------------------------------------------------------------


def week_start_of(when: dt.datetime | dt.date) -> dt.date:
    """The Monday (Europe/London) of the week holding `when`."""
    day = when.astimezone(LONDON).date() if isinstance(when, dt.datetime) else when
    return day - dt.timedelta(days=day.weekday())


def week_bounds(week_start: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[Monday 00:00, next Monday 00:00) in Europe/London, as aware datetimes."""
    if week_start.weekday() != 0:
        raise ValueError(f"{week_start.isoformat()} is a {week_start:%A}: a week starts on a Monday")
    start = dt.datetime.combine(week_start, dt.time.min, tzinfo=LONDON)
    end = dt.datetime.combine(week_start + dt.timedelta(days=7), dt.time.min, tzinfo=LONDON)
    return start, end


def last_complete_week(now: dt.datetime | None = None) -> dt.date:
    """The Monday of the last week that has ended."""
    return week_start_of(now or timezone.now()) - dt.timedelta(days=7)


# --- results ------------------------------------------------------------------------------------


@dataclass
class Ratio:
    met: int = 0
    total: int = 0

    @property
    def share(self) -> float | None:
        return self.met / self.total if self.total else None

    @property
    def percent(self) -> int | None:
        """Rounded half up, as people expect (69.5 % shows as 70 %)."""
        share = self.share
        return None if share is None else int(share * 100 + 0.5)

    def meets(self, target: float = TARGET_SHARE) -> bool | None:
        share = self.share
        return None if share is None else share >= target

    def __iadd__(self, other: Ratio) -> Ratio:
        self.met += other.met
        self.total += other.total
        return self


@dataclass
class Satisfaction:
    """Survey responses: how many, the sum of their scores, and how many scored 4 or 5."""

    responses: int = 0
    score_total: int = 0
    satisfied: int = 0

    @property
    def average(self) -> float | None:
        """The mean score to one decimal place (None without responses)."""
        return round(self.score_total / self.responses, 1) if self.responses else None

    @property
    def satisfied_share(self) -> Ratio:
        return Ratio(self.satisfied, self.responses)

    def __iadd__(self, other: Satisfaction) -> Satisfaction:
        self.responses += other.responses
        self.score_total += other.score_total
        self.satisfied += other.satisfied
        return self


def _ratios() -> dict[str, Ratio]:
    return {p: Ratio() for p in PRIORITIES}


@dataclass
class AdviserKpis:
    adviser: Person | None
    initial_response: Ratio = field(default_factory=Ratio)
    contacts_logged: Ratio = field(default_factory=Ratio)
    first_line_resolution: Ratio = field(default_factory=Ratio)
    sla_response: dict[str, Ratio] = field(default_factory=_ratios)
    sla_resolution: dict[str, Ratio] = field(default_factory=_ratios)
    satisfaction: Satisfaction = field(default_factory=Satisfaction)

    @property
    def name(self) -> str:
        return self.adviser.get_full_name() if self.adviser is not None else "No adviser yet"

    def __iadd__(self, other: AdviserKpis) -> AdviserKpis:
        self.initial_response += other.initial_response
        self.contacts_logged += other.contacts_logged
        self.first_line_resolution += other.first_line_resolution
        for p in PRIORITIES:
            self.sla_response[p] += other.sla_response[p]
            self.sla_resolution[p] += other.sla_resolution[p]
        self.satisfaction += other.satisfaction
        return self


@dataclass
class WeekKpis:
    week_start: dt.date
    advisers: list[AdviserKpis]  # named advisers, by name
    unattributed: AdviserKpis  # tickets no one has answered yet
    desk: AdviserKpis  # everyone, the unattributed included

    @property
    def week_end(self) -> dt.date:
        return self.week_start + dt.timedelta(days=6)


# --- computing ----------------------------------------------------------------------------------


def _first_responder(ticket_field: str = "pk"):
    """Subquery: the author of a ticket's first public reply by staff (the ticket's adviser);
    `ticket_field` names the outer query's ticket id."""
    return Subquery(
        TicketEvent.objects.filter(
            ticket=OuterRef(ticket_field), kind=TicketEvent.Kind.REPLY, author__isnull=False
        )
        .order_by("at", "pk")
        .values("author_id")[:1]
    )


def week_kpis(week_start: dt.date, *, now: dt.datetime | None = None) -> WeekKpis:
    """Every adviser's KPIs for the week starting `week_start` (a Monday), and the desk's total.

    Seven queries whatever the volume: contacts, first responses (fetched, for the working-time
    check), first-line resolution, response SLA, resolution SLA, satisfaction, and the advisers'
    names.
    """
    now = now or timezone.now()
    start, end = week_bounds(week_start)
    rows: dict[int | None, AdviserKpis] = defaultdict(lambda: AdviserKpis(None))
    tickets = Ticket.objects.annotate(adviser_id=_first_responder())

    # Contacts logged as tickets.
    for row in (
        Contact.objects.filter(at__gte=start, at__lt=end)
        .values("adviser_id")
        .annotate(total=Count("pk"), logged=Count("pk", filter=Q(ticket__isnull=False)))
        .order_by()
    ):
        rows[row["adviser_id"]].contacts_logged += Ratio(row["logged"], row["total"])

    # Initial responses within 2 working days: working time per ticket, this week's only.
    for adviser_id, created_at, first_response_at in tickets.filter(
        first_response_at__gte=start, first_response_at__lt=end
    ).values_list("adviser_id", "created_at", "first_response_at"):
        assert first_response_at is not None  # filtered above
        within = working_time_between(created_at, first_response_at) <= INITIAL_RESPONSE_WINDOW
        rows[adviser_id].initial_response += Ratio(int(within), 1)

    # Tickets resolved at first line.
    escalated = TicketEvent.objects.filter(ticket=OuterRef("pk"), kind=TicketEvent.Kind.ESCALATION)
    for finished in (
        tickets.filter(status__in=_FINISHED, resolved_at__gte=start, resolved_at__lt=end)
        .annotate(escalated=Exists(escalated))
        .values("adviser_id")
        .annotate(total=Count("pk"), first_line=Count("pk", filter=Q(escalated=False)))
        .order_by()
    ):
        rows[finished["adviser_id"]].first_line_resolution += Ratio(finished["first_line"], finished["total"])

    # SLA: response targets met or missed this week.
    cutoff = min(end, now)
    answered = Q(first_response_at__gte=start, first_response_at__lt=end)
    unanswered = Q(first_response_at__isnull=True, response_due__gte=start, response_due__lt=cutoff)
    for response in (
        tickets.filter(answered | unanswered)
        .values("adviser_id", "priority")
        .annotate(
            total=Count("pk"),
            met=Count(
                "pk", filter=Q(first_response_at__isnull=False, first_response_at__lte=F("response_due"))
            ),
        )
        .order_by()
    ):
        rows[response["adviser_id"]].sla_response[response["priority"]] += Ratio(
            response["met"], response["total"]
        )

    # SLA: resolution targets met or missed this week (P4 has none: resolution_due is null).
    resolved = Q(status__in=_FINISHED, resolved_at__gte=start, resolved_at__lt=end)
    overdue = Q(status__in=_ACTIVE, resolution_due__gte=start, resolution_due__lt=cutoff)
    for resolution in (
        tickets.filter(resolution_due__isnull=False)
        .filter(resolved | overdue)
        .values("adviser_id", "priority")
        .annotate(
            total=Count("pk"),
            met=Count("pk", filter=Q(status__in=_FINISHED, resolved_at__lte=F("resolution_due"))),
        )
        .order_by()
    ):
        rows[resolution["adviser_id"]].sla_resolution[resolution["priority"]] += Ratio(
            resolution["met"], resolution["total"]
        )

    # Satisfaction: survey responses received this week, credited to the ticket's adviser.
    for survey in (
        SatisfactionResponse.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
        .annotate(adviser_id=_first_responder("ticket_id"))
        .values("adviser_id")
        .annotate(n=Count("pk"), total=Sum("score"), satisfied=Count("pk", filter=Q(score__gte=4)))
        .order_by()
    ):
        rows[survey["adviser_id"]].satisfaction += Satisfaction(
            survey["n"], survey["total"] or 0, survey["satisfied"]
        )

    people = Person.objects.in_bulk([pk for pk in rows if pk is not None])
    desk = AdviserKpis(None)
    named: list[tuple[Person, AdviserKpis]] = []
    for pk, kpis in rows.items():
        desk += kpis
        if pk is not None and pk in people:
            kpis.adviser = people[pk]
            named.append((people[pk], kpis))
    named.sort(key=lambda n: (n[0].last_name.lower(), n[0].first_name.lower(), n[0].pk))
    advisers = [kpis for _, kpis in named]
    unattributed = rows.get(None) or AdviserKpis(None)
    return WeekKpis(week_start=week_start, advisers=advisers, unattributed=unattributed, desk=desk)


@dataclass
class WeeklyVolumes:
    """Tickets logged per week: `counts[series][week index]`, weeks oldest first."""

    weeks: list[dt.date]
    by_category: dict[str, list[int]]
    by_priority: dict[str, list[int]]


NO_CATEGORY = "No category"


def weekly_volumes(last_week_start: dt.date, *, weeks: int = 12) -> WeeklyVolumes:
    """Tickets logged in the `weeks` weeks ending with the one starting `last_week_start`, by
    category (every category that had a ticket, in the categories' order; "No category" last)
    and by priority (all four, always). Three queries."""
    first = last_week_start - dt.timedelta(weeks=weeks - 1)
    week_list = [first + dt.timedelta(weeks=i) for i in range(weeks)]
    index = {w: i for i, w in enumerate(week_list)}
    start, _ = week_bounds(first)
    _, end = week_bounds(last_week_start)
    logged = Ticket.objects.filter(created_at__gte=start, created_at__lt=end).annotate(
        week=TruncWeek("created_at", tzinfo=LONDON)
    )

    def grouped(key: str) -> dict:
        counts: dict = defaultdict(lambda: [0] * weeks)
        for row in logged.values("week", key).annotate(n=Count("pk")).order_by():
            counts[row[key]][index[week_start_of(row["week"])]] += row["n"]
        return counts

    per_category = grouped("category_id")
    # In the categories' own order (position, name).
    named = Category.objects.filter(pk__in=[k for k in per_category if k]).values_list("pk", "name")
    by_category = {name: per_category[pk] for pk, name in named}
    if None in per_category:
        by_category[NO_CATEGORY] = per_category[None]
    per_priority = grouped("priority")
    by_priority = {p: per_priority.get(p, [0] * weeks) for p in PRIORITIES}
    return WeeklyVolumes(weeks=week_list, by_category=by_category, by_priority=by_priority)


# --- the live desk ------------------------------------------------------------------------------


def at_risk_threshold(priority: str, now: dt.datetime, *, share: float) -> dt.datetime | None:
    """The latest resolution due time that leaves at most (1 - share) of the priority's
    resolution budget in working time after `now`: due times at or before it are "at risk".
    Working time is counted once per priority, so the at-risk list is one query, not a loop."""
    budget = SLA_POLICIES[Priority(priority)].resolution
    if budget is None:
        return None
    return add_working_time(now, budget * (1 - share))
