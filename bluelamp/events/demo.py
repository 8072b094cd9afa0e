"""Demo events: Kent's first aid refresher (a classroom course at Kent's training centre, 20
places, a few booked by Kent's people, the demo officer free to book) on a Tuesday three weeks
from the load, and the national body's paid CMI workshop (two days, open to every licensed force,
£150 a place plus VAT). Loading again changes nothing (the venue says the demo is there).
Registered by `register()` (plugins.py runs it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from bluelamp.core.plugins import DemoCast, DemoLoader, register_demo_loaders
from bluelamp.core.timefmt import LONDON, london
from bluelamp.events.booking import book
from bluelamp.events.models import Venue
from bluelamp.events.services import (
    EventInput,
    SessionInput,
    event_create,
    event_publish,
    session_create,
    venue_create,
)
from bluelamp.people.api import Person

VENUE = "Kent Police Training Centre"


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def _tuesday_after(day: dt.date, weeks: int) -> dt.date:
    later = day + dt.timedelta(weeks=weeks)
    return later + dt.timedelta(days=(1 - later.weekday()) % 7)


def load_demo(cast: DemoCast, log: Callable[[str], None]) -> None:
    kent, national = cast.organisations["kent"], cast.organisations["national"]
    if Venue.objects.filter(owner=kent, name=VENUE).exists():
        return
    now = timezone.now()
    today = london(now).date()
    officer = cast.people["kent.officer@kent.police.uk"]
    with transaction.atomic():
        venue = venue_create(
            actor=None, owner=kent, name=VENUE, address="Sutton Road\nMaidstone\nME15 9BZ",
            accessibility="Step-free access to every room; hearing loop in the lecture theatre; parking on site.",
            rooms=[("Classroom 1", 24), ("Lecture theatre", 120)],
        )  # fmt: skip
        first_aid = event_create(
            actor=None, owner=kent,
            data=EventInput(
                kind="classroom", title="Emergency first aid refresher",
                description="The annual refresher of emergency life support, bleeding control and the recovery "
                "position. Wear clothes you can kneel in.",
                cancel_cutoff_working_days=3,
            ),
            at=now,
        )  # fmt: skip
        day = _tuesday_after(today, 3)
        session = session_create(
            actor=None, event=first_aid,
            data=SessionInput(
                dates=[(_at(day, 9, 0), _at(day, 16, 30))], capacity=20,
                booking_opens_at=now - dt.timedelta(days=1), booking_closes_at=_at(day - dt.timedelta(days=1), 17),
                room=venue.rooms.get(name="Classroom 1"),
            ),
        )  # fmt: skip
        event_publish(actor=None, event=first_aid, at=now)
        others = (
            Person.objects.filter(organisation=kent, is_active=True).exclude(pk=officer.pk).order_by("pk")[:6]
        )
        for person in others:
            book(actor=None, session=session, person=person, at=now)
        workshop = event_create(
            actor=None, owner=national,
            data=EventInput(
                kind="workshop", title="CMI leading change workshop",
                description="Two days on leading organisational change, for the CMI Level 5 and Level 7 "
                "programmes. Online, with breakout groups.",
                audience="licensed", pricing="per_place", price_pence=15000, cancel_cutoff_working_days=10,
            ),
            at=now,
        )  # fmt: skip
        first = _tuesday_after(today, 6)
        session_create(
            actor=None, event=workshop,
            data=SessionInput(
                dates=[(_at(first, 9, 30), _at(first, 16, 0)), (_at(first + dt.timedelta(days=1), 9, 30), _at(first + dt.timedelta(days=1), 16, 0))],
                capacity=20, booking_opens_at=now - dt.timedelta(days=1), booking_closes_at=_at(first - dt.timedelta(days=7), 17),
                online_url="https://meet.example/cmi-leading-change",
            ),
        )  # fmt: skip
        event_publish(actor=None, event=workshop, at=now)
    log(
        f"Events: '{first_aid.title}' on {day:%-d %B} ({len(others)} of 20 places booked; "
        f"kent.officer@kent.police.uk can book), and the paid '{workshop.title}'"
    )


def register() -> None:
    register_demo_loaders(DemoLoader("events", order=90, load=load_demo))
