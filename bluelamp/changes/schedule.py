"""The forward schedule of change: what is planned over the coming weeks (changes by their planned
start and end, releases by the day they go live, freezes), with the clashes a CAB looks for —
two changes to one part of the service at once, a change or release inside a freeze — and the
change success rate from post-implementation reviews.

Reads only; the freezes and reviews are written by services.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count

from bluelamp.changes.models import ChangeFreeze, ChangeRequest, Release
from bluelamp.core.timefmt import LONDON, london

Status = ChangeRequest.Status
SCHEDULED = (Status.SUBMITTED, Status.APPROVED, Status.DEFERRED)


@dataclass
class Day:
    day: dt.date
    changes: list[ChangeRequest] = field(default_factory=list)
    releases: list[Release] = field(default_factory=list)
    freezes: list[ChangeFreeze] = field(default_factory=list)


@dataclass(frozen=True)
class Clash:
    kind: str  # "service" or "freeze"
    text: str
    references: tuple[str, ...]


def _span(rfc: ChangeRequest) -> tuple[dt.date, dt.date]:
    assert rfc.planned_start is not None and rfc.planned_end is not None
    return london(rfc.planned_start).date(), london(rfc.planned_end).date()


def forward_schedule(*, start: dt.date, days: int = 42) -> tuple[list[Day], list[Clash]]:
    """Each day from `start` for `days` days with what is planned on it, and the clashes."""
    end = start + dt.timedelta(days=days - 1)
    first = dt.datetime.combine(start, dt.time.min, tzinfo=LONDON)
    last = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=LONDON)
    changes = list(
        ChangeRequest.objects.filter(
            status__in=SCHEDULED, planned_start__lt=last, planned_end__gt=first
        ).order_by("planned_start", "pk")
    )
    releases = list(
        Release.objects.filter(
            planned_for__range=(start, end), status__in=[Release.Status.PLANNED, Release.Status.ANNOUNCED]
        ).order_by("planned_for", "pk")
    )
    freezes = list(ChangeFreeze.objects.filter(starts_on__lte=end, ends_on__gte=start))
    calendar = {start + dt.timedelta(days=n): Day(start + dt.timedelta(days=n)) for n in range(days)}
    for rfc in changes:
        first_day, last_day = _span(rfc)
        day = max(first_day, start)
        while day <= min(last_day, end):
            calendar[day].changes.append(rfc)
            day += dt.timedelta(days=1)
    for release in releases:
        calendar[release.planned_for].releases.append(release)
    for freeze in freezes:
        day = max(freeze.starts_on, start)
        while day <= min(freeze.ends_on, end):
            calendar[day].freezes.append(freeze)
            day += dt.timedelta(days=1)
    return list(calendar.values()), clashes(changes, releases, freezes)


def clashes(
    changes: list[ChangeRequest], releases: list[Release], freezes: list[ChangeFreeze]
) -> list[Clash]:
    found: list[Clash] = []
    for i, one in enumerate(changes):
        for other in changes[i + 1 :]:
            assert one.planned_start and one.planned_end and other.planned_start and other.planned_end
            if (
                one.service == other.service
                and one.planned_start < other.planned_end
                and other.planned_start < one.planned_end
            ):
                found.append(
                    Clash(
                        "service",
                        f"{one.reference} and {other.reference} both change {one.get_service_display().lower()} "
                        f"at once ({london(max(one.planned_start, other.planned_start)):%-d %B %H:%M})",
                        (one.reference, other.reference),
                    )
                )
    for freeze in freezes:
        for rfc in changes:
            first_day, last_day = _span(rfc)
            if first_day <= freeze.ends_on and freeze.starts_on <= last_day:
                found.append(
                    Clash(
                        "freeze",
                        f"{rfc.reference} is planned inside the freeze “{freeze.reason}”",
                        (rfc.reference,),
                    )
                )
        for release in releases:
            if freeze.starts_on <= release.planned_for <= freeze.ends_on:
                found.append(
                    Clash(
                        "freeze",
                        f"{release.reference} goes live inside the freeze “{freeze.reason}”",
                        (release.reference,),
                    )
                )
    return found


@dataclass(frozen=True)
class SuccessRate:
    reviewed: int
    successful: int
    with_issues: int
    backed_out: int

    @property
    def percent(self) -> float | None:
        """Successful (with or without issues) of those reviewed; None before any review."""
        if not self.reviewed:
            return None
        return round(100 * (self.successful + self.with_issues) / self.reviewed, 1)


def success_rate(*, since: dt.datetime | None = None) -> SuccessRate:
    reviewed = ChangeRequest.objects.exclude(review_outcome="")
    if since is not None:
        reviewed = reviewed.filter(reviewed_at__gte=since)
    counts = dict.fromkeys(ChangeRequest.Outcome.values, 0)
    counts.update(reviewed.values_list("review_outcome").annotate(n=Count("pk")).order_by())
    return SuccessRate(
        reviewed=sum(counts.values()),
        successful=counts[ChangeRequest.Outcome.SUCCESSFUL],
        with_issues=counts[ChangeRequest.Outcome.WITH_ISSUES],
        backed_out=counts[ChangeRequest.Outcome.BACKED_OUT],
    )
