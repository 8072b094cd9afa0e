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
    """The sessions' figures, all together."""
    return figures_by(sessions, None)[None]


def figures_by(sessions: QuerySet[EventSession], key: str | None) -> dict:
    """The sessions' figures per `key` ("event_id", or "id" for each session; None: all together,
    under the key None), in a fixed number of grouped queries whatever the number of groups."""

    def grouped(rows, path: str, **aggregates) -> dict:
        if key is None:
            return {None: rows.aggregate(**aggregates)}
        return {row.pop(path + key): row for row in rows.values(path + key).annotate(**aggregates).order_by()}

    scheduled = sessions.filter(status=EventSession.Status.SCHEDULED)
    places = grouped(scheduled, "", n=Count("pk"), capacity=Sum("capacity"))
    cancelled = grouped(sessions.filter(status=EventSession.Status.CANCELLED), "", n=Count("pk"))
    bookings = grouped(
        Booking.objects.filter(session__in=scheduled), "session__",
        confirmed=Count("pk", filter=LIVE),
        waiting=Count("pk", filter=Q(status=Booking.Status.WAITLISTED)),
        attended=Count("pk", filter=Q(attendance=A.ATTENDED)),
        partial=Count("pk", filter=Q(attendance=A.PARTIAL)),
        no_show=Count("pk", filter=Q(attendance=A.NO_SHOW)),
        late_cancel=Count("pk", filter=Q(attendance=A.LATE_CANCEL)),
    )  # fmt: skip
    feedback = grouped(
        Feedback.objects.filter(booking__session__in=scheduled), "booking__session__",
        rating=Avg("rating"), ratings=Count("pk"), recommend=Count("pk", filter=Q(would_recommend=True)),
    )  # fmt: skip
    money = revenue_by(sessions, key)
    out = {}
    for group in set(places) | set(cancelled):
        p, b, f = places.get(group, {}), bookings.get(group, {}), feedback.get(group, {})
        out[group] = Figures(
            sessions=p.get("n") or 0,
            cancelled_sessions=cancelled.get(group, {}).get("n") or 0,
            capacity=p.get("capacity") or 0,
            confirmed=b.get("confirmed") or 0,
            waiting=b.get("waiting") or 0,
            attended=b.get("attended") or 0,
            partial=b.get("partial") or 0,
            no_show=b.get("no_show") or 0,
            late_cancel=b.get("late_cancel") or 0,
            rating=float(f["rating"]) if f.get("rating") is not None else None,
            ratings=f.get("ratings") or 0,
            recommend=f.get("recommend") or 0,
            revenue_pence=money.get(group, 0),
        )
    return out


def by_event(events: QuerySet[Event], start: dt.datetime, end: dt.datetime) -> list[tuple[Event, Figures]]:
    per_event = figures_by(sessions_in(events, start, end), "event_id")
    chosen = events.filter(pk__in=list(per_event)).order_by("title", "pk")
    return [(event, per_event[event.pk]) for event in chosen]


def by_session(sessions: QuerySet[EventSession]) -> list[tuple[EventSession, Figures]]:
    per_session = figures_by(sessions, "id")
    return [(session, per_session[session.pk]) for session in sessions.order_by("starts_at", "pk")]


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
    """Feedback on the sessions each trainer ran (a session with two trainers counts for both), in
    three queries whatever the number of trainers."""
    from bluelamp.people.api import Person

    ran = dict(
        sessions.exclude(trainers=None)
        .values_list("trainers")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    feedback: dict[int, dict] = {
        row["booking__session__trainers"]: dict(row)
        for row in Feedback.objects.filter(
            booking__session__in=sessions, booking__session__trainers__isnull=False
        )
        .values("booking__session__trainers")
        .annotate(
            rating=Avg("rating"), ratings=Count("pk"), recommend=Count("pk", filter=Q(would_recommend=True))
        )
        .order_by()
    }
    rows = []
    for trainer in Person.objects.filter(pk__in=list(ran)).order_by("last_name", "first_name", "pk"):
        agg: dict = feedback.get(trainer.pk, {})
        ratings = agg.get("ratings") or 0
        rows.append(
            TrainerFeedback(
                name=trainer.get_full_name(),
                sessions=ran[trainer.pk],
                ratings=ratings,
                rating=float(agg["rating"]) if agg.get("rating") is not None else None,
                recommend_rate=agg["recommend"] / ratings * 100 if ratings else None,
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
    """What the sessions earned before VAT (pence), all together."""
    return revenue_by(sessions, None).get(None, 0)


def revenue_by(sessions: QuerySet[EventSession], key: str | None) -> dict:
    """What the sessions earned before VAT (pence) per `key` (as `figures_by`): card payments less
    what was refunded (its net share), invoices not cancelled, and places charged to forces
    (confirmed, or cancelled late)."""
    from bluelamp.events.models import Payment

    out: dict = {}
    payments = Payment.objects.filter(
        booking__session__in=sessions,
        status__in=[
            Payment.Status.PAID,
            Payment.Status.PART_REFUNDED,
            Payment.Status.REFUNDED,
            Payment.Status.INVOICED,
        ],
    ).values_list(
        "booking__session__" + key if key else "pk", "amount_pence", "total_pence", "refunded_pence"
    )
    for group, net, total, refunded in payments:
        group = group if key else None
        out[group] = out.get(group, 0) + (net * (total - refunded) // total if total else 0)
    charged = Booking.objects.filter(
        Q(status=Booking.Status.BOOKED) | Q(attendance=A.LATE_CANCEL),
        session__in=sessions.filter(status=EventSession.Status.SCHEDULED, event__pricing=Event.Pricing.FORCE),
    ).values_list("session__" + key if key else "pk", "session__event__price_pence")
    for group, price in charged:
        group = group if key else None
        out[group] = out.get(group, 0) + price
    return out
