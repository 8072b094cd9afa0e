"""What changes shows the contact centre on the service desk's queue: the releases going live in
the next 30 days and the calls each may bring (the seed's contact-centre impact), so advisers
know what is coming before the phone rings.

The queue is the desk's busiest page, so the list is kept in this process for a minute, under
the day: a release planned or moved shows on every app server within a minute.
"""

from __future__ import annotations

import datetime as dt

from bluelamp.changes.models import Release
from bluelamp.changes.notice import RULES, ReleaseType
from bluelamp.changes.web import clock
from bluelamp.core.plugins import Panel, register_panels
from bluelamp.core.sharedcache import LocalCopies
from bluelamp.organisations.api import Perm, access_for

AHEAD = dt.timedelta(days=30)
_kept = LocalCopies(4, seconds=60)


def coming_releases(today: dt.date) -> tuple[tuple[str, str, str, dt.date, str], ...]:
    """(reference, title, kind, day, contact-centre impact) of each release going live from today
    to 30 days on, soonest first."""
    key = today.isoformat()
    kept = _kept.get(key)
    if kept is None:
        releases = Release.objects.filter(
            status__in=[Release.Status.PLANNED, Release.Status.ANNOUNCED],
            planned_for__range=(today, today + AHEAD),
        ).order_by("planned_for", "pk")
        kept = tuple(
            (
                r.reference,
                r.title,
                ReleaseType(r.type).label,
                r.planned_for,
                RULES[r.type].contact_centre_impact or "Not set out in the service management intent",
            )
            for r in releases
        )
        _kept.put(key, kept)
    return kept


def _for_the_desk(user) -> dict | None:
    if not access_for(user, Perm.SERVICE_DESK).national:
        return None
    releases = coming_releases(clock.today())
    return {"releases": releases} if releases else None


def register() -> None:
    register_panels(
        Panel(
            section="servicedesk.queue",
            template="changes/panels/coming_releases.html",
            order=10,
            context=_for_the_desk,
        )
    )
