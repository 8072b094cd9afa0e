"""Reading events for their administrators' reports: per event and per session, how full they
were, who came, what they thought (per event and per trainer), and bookings by organisation.

Figures count sessions that started within the period (scheduled ones, so a cancelled session
does not lower the fill rate; it is counted apart). Fill rate: places confirmed (booked, and
those marked on the register) over capacity. No-show rate: did not attend over those marked. A
figure over fewer than SMALL_GROUP people is shown, but never a breakdown of people by who they
are: bookings by protected characteristic are read only through people's aggregate counts, with
groups under 10 suppressed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, Q, QuerySet, Sum

from bluelamp.events.models import Booking, Event, EventSession, Feedback

A = Booking.Attendance
LIVE = Q(status=Booking.Status.BOOKED)


@dataclass(frozen=True)
class Figures:
    sessions: int
    cancelled_sessions: int
    capacity: int
    confirmed: int
    waiting: int
    attended: int
    partial: int
    no_show: int
    late_cancel: int
    rating: float | None
    ratings: int
    recommend: int
    revenue_pence: int = 0  # before VAT: card payments less refunds, invoices not credited, charges to forces

    @property
    def fill_rate(self) -> float | None:
        return self.confirmed / self.capacity * 100 if self.capacity else None

    @property
    def no_show_rate(self) -> float | None:
        marked = self.attended + self.partial + self.no_show
        return self.no_show / marked * 100 if marked else None

    @property
    def recommend_rate(self) -> float | None:
        return self.recommend / self.ratings * 100 if self.ratings else None


def sessions_in(events: QuerySet[Event], start: dt.datetime, end: dt.datetime) -> QuerySet[EventSession]:
    return EventSession.objects.filter(event__in=events, starts_at__gte=start, starts_at__lt=end)


def figures(sessions: QuerySet[EventSession]) -> Figures:
    scheduled = sessions.filter(status=EventSession.Status.SCHEDULED)
    places = scheduled.aggregate(n=Count("pk"), capacity=Sum("capacity"))
    bookings = Booking.objects.filter(session__in=scheduled).aggregate(
        confirmed=Count("pk", filter=LIVE),
        waiting=Count("pk", filter=Q(status=Booking.Status.WAITLISTED)),
        attended=Count("pk", filter=Q(attendance=A.ATTENDED)),
        partial=Count("pk", filter=Q(attendance=A.PARTIAL)),
        no_show=Count("pk", filter=Q(attendance=A.NO_SHOW)),
        late_cancel=Count("pk", filter=Q(attendance=A.LATE_CANCEL)),
    )
    feedback = Feedback.objects.filter(booking__session__in=scheduled).aggregate(
        rating=Avg("rating"), ratings=Count("pk"), recommend=Count("pk", filter=Q(would_recommend=True))
    )
    return Figures(
        revenue_pence=revenue(sessions),
        sessions=places["n"] or 0,
        cancelled_sessions=sessions.filter(status=EventSession.Status.CANCELLED).count(),
        capacity=places["capacity"] or 0,
        confirmed=bookings["confirmed"] or 0,
        waiting=bookings["waiting"] or 0,
        attended=bookings["attended"] or 0,
        partial=bookings["partial"] or 0,
        no_show=bookings["no_show"] or 0,
        late_cancel=bookings["late_cancel"] or 0,
        rating=float(feedback["rating"]) if feedback["rating"] is not None else None,
        ratings=feedback["ratings"] or 0,
        recommend=feedback["recommend"] or 0,
    )


def by_event(events: QuerySet[Event], start: dt.datetime, end: dt.datetime) -> list[tuple[Event, Figures]]:
    rows = []
    for event in (
        events.filter(sessions__starts_at__gte=start, sessions__starts_at__lt=end)
        .distinct()
        .order_by("title", "pk")
    ):
        rows.append((event, figures(sessions_in(Event.objects.filter(pk=event.pk), start, end))))
    return rows


def by_organisation(sessions: QuerySet[EventSession]) -> list[tuple[str, int]]:
    """Places confirmed per organisation of the person booked, most first."""
    rows = (
        Booking.objects.filter(LIVE, session__in=sessions.filter(status=EventSession.Status.SCHEDULED))
        .values("person__organisation__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "person__organisation__name")
    )
    return [(row["person__organisation__name"] or "No organisation", row["n"]) for row in rows]


@dataclass(frozen=True)
class TrainerFeedback:
    name: str
    sessions: int
    ratings: int
    rating: float | None
    recommend_rate: float | None


def by_trainer(sessions: QuerySet[EventSession]) -> list[TrainerFeedback]:
    """Feedback on the sessions each trainer ran (a session with two trainers counts for both)."""
    from bluelamp.people.api import Person

    trainer_ids = set(sessions.values_list("trainers", flat=True)) - {None}
    rows = []
    for trainer in Person.objects.filter(pk__in=trainer_ids).order_by("last_name", "first_name", "pk"):
        theirs = sessions.filter(trainers=trainer)
        agg = Feedback.objects.filter(booking__session__in=theirs).aggregate(
            rating=Avg("rating"), ratings=Count("pk"), recommend=Count("pk", filter=Q(would_recommend=True))
        )
        rows.append(
            TrainerFeedback(
                name=trainer.get_full_name(),
                sessions=theirs.count(),
                ratings=agg["ratings"] or 0,
                rating=float(agg["rating"]) if agg["rating"] is not None else None,
                recommend_rate=agg["recommend"] / agg["ratings"] * 100 if agg["ratings"] else None,
            )
        )
    return rows


def comments(sessions: QuerySet[EventSession], limit: int = 200) -> QuerySet[Feedback]:
    return (
        Feedback.objects.filter(booking__session__in=sessions)
        .exclude(comments="")
        .select_related("booking__session")
        .order_by("-submitted_at", "pk")[:limit]
    )


@dataclass(frozen=True)
class PlanRow:
    """One requirement's demand against the seats scheduled for the courses that satisfy it, month
    by month."""

    label: str
    due: list[int]
    seats: list[int]
    free: list[int]

    @property
    def shortfall(self) -> list[int]:
        return [max(d - f, 0) for d, f in zip(self.due, self.free, strict=True)]


def plan(organisation, *, start: dt.date, months: int = 12) -> tuple[list[dt.date], list[PlanRow], list]:
    """Planning from demand: for each of the organisation's requirements, the people falling due
    per month (compliance's forecast: recertifications and first due) beside the seats on sessions
    of events delivering its courses (the organisation's own, and licensed ones open to it), and
    how many of those are still free; and the demand per unit."""
    from bluelamp.compliance.api import forecast
    from bluelamp.core.timefmt import LONDON

    outlook = forecast(organisation=organisation, start=start, months=months)
    starts = outlook.months
    bounds = [dt.datetime(d.year, d.month, d.day, tzinfo=LONDON) for d in [*starts, outlook.end]]
    rows = []
    for line in outlook.by_requirement:
        requirement = line.requirement
        courses = list(requirement.course_links.values_list("course_id", flat=True)) if requirement else []
        sessions = EventSession.objects.filter(
            Q(event__owner=organisation) | Q(event__audience=Event.Audience.LICENSED),
            event__course_id__in=courses,
            event__status=Event.Status.PUBLISHED,
            status=EventSession.Status.SCHEDULED,
            starts_at__gte=bounds[0],
            starts_at__lt=bounds[-1],
        ).values_list("starts_at", "capacity", "booked")
        seats, free = [0] * len(starts), [0] * len(starts)
        for starts_at, capacity, booked in sessions:
            k = next(i for i in range(len(starts)) if bounds[i] <= starts_at < bounds[i + 1])
            seats[k] += capacity
            free[k] += max(capacity - booked, 0)
        rows.append(PlanRow(label=line.label, due=[b.total for b in line.months], seats=seats, free=free))
    return starts, rows, outlook.by_unit


def by_characteristic(sessions: QuerySet[EventSession]):
    """The people with confirmed places, by each equality monitoring question: counts of groups of
    10 or more only (people.api.equality_breakdown suppresses the rest), with each group's share
    of those counted."""
    from bluelamp.people.api import EQUALITY_QUESTIONS, equality_breakdown

    people = set(
        Booking.objects.filter(
            LIVE, session__in=sessions.filter(status=EventSession.Status.SCHEDULED)
        ).values_list("person_id", flat=True)
    )
    out = []
    for question in EQUALITY_QUESTIONS:
        groups = equality_breakdown(people, question.field)
        out.append(
            (question.label, [(g.label, g.count, _share(g.count, len(people))) for g in groups], len(people))
        )
    return out


def _share(count: int | None, total: int) -> str:
    return "" if count is None or not total else f"{count / total * 100:.0f}%"


def revenue(sessions: QuerySet[EventSession]) -> int:
    """What the sessions earned before VAT (pence): card payments less what was refunded (its net
    share), invoices not cancelled, and places charged to forces (confirmed, or cancelled late)."""
    from bluelamp.events.models import Payment

    total = 0
    for payment in Payment.objects.filter(
        booking__session__in=sessions,
        status__in=[
            Payment.Status.PAID,
            Payment.Status.PART_REFUNDED,
            Payment.Status.REFUNDED,
            Payment.Status.INVOICED,
        ],
    ).only("amount_pence", "total_pence", "refunded_pence"):
        kept = payment.total_pence - payment.refunded_pence
        total += payment.amount_pence * kept // payment.total_pence if payment.total_pence else 0
    charged = Booking.objects.filter(
        Q(status=Booking.Status.BOOKED) | Q(attendance=A.LATE_CANCEL),
        session__in=sessions.filter(status=EventSession.Status.SCHEDULED, event__pricing=Event.Pricing.FORCE),
    ).aggregate(n=Sum("session__event__price_pence"))["n"]
    return total + (charged or 0)
