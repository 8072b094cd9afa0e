"""Demo events: Kent's first aid refresher (a classroom course at Kent's training centre, 20
places, a few booked by Kent's people, the demo officer free to book) on a Tuesday three weeks
from the load, and the national body's paid CMI workshop (two days, open to every licensed force,
£150 a place plus VAT; without Stripe keys it is paid by purchase order). The refresher delivers
Kent's course "Emergency first aid (classroom)", whose event activity attending completes; a
session of it held last week has its register taken and some feedback, so the reports have
something to show. Loading again changes nothing (the venue says the demo is there).
Registered by `register()` (plugins.py runs it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from bluelamp.core.plugins import DemoCast, DemoLoader, register_demo_loaders
from bluelamp.core.timefmt import LONDON, london
from bluelamp.events import mail
from bluelamp.events.attendance import ACTIVITY_KIND, feedback_give, mark
from bluelamp.events.booking import book
from bluelamp.events.models import Booking, Venue
from bluelamp.events.services import (
    EventInput,
    SessionInput,
    event_create,
    event_link_course,
    event_publish,
    session_create,
    venue_create,
)
from bluelamp.learning.api import activity_add, course_create, version_publish, version_start
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
    with mail.silenced(), transaction.atomic():
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
        trainer = (
            Person.objects.filter(organisation=kent, is_active=True)
            .exclude(pk=officer.pk)
            .order_by("-pk")
            .first()
        )
        _held_last_week(first_aid, venue, trainer, kent, now=now)  # publishes it
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


def _held_last_week(first_aid, venue, trainer, kent, *, now: dt.datetime) -> None:
    """Kent's classroom course delivered by the refresher, and a session of it held last week:
    twelve booked, the register taken (ten attended, one partly, one did not), five feedbacks."""
    course = course_create(
        actor=None, owner=kent, code="KENT-EFA-CLASS", title="Emergency first aid (classroom)",
        summary="Kent's yearly classroom refresher: book a session of the first aid refresher.",
    )  # fmt: skip
    draft = version_start(actor=None, course=course)
    draft.activities.all().delete()
    activity_add(
        actor=None,
        version=draft,
        kind=ACTIVITY_KIND,
        title=f"Attend {first_aid.title}",
        target=str(first_aid.uuid),
    )
    version_publish(actor=None, version=draft, at=now - dt.timedelta(days=30))
    event_link_course(actor=None, event=first_aid, course=course, at=now - dt.timedelta(days=30))
    held = london(now).date() - dt.timedelta(days=7)
    session = session_create(
        actor=None, event=first_aid,
        data=SessionInput(
            dates=[(_at(held, 9, 0), _at(held, 16, 30))], capacity=16,
            booking_opens_at=now - dt.timedelta(days=30), booking_closes_at=_at(held - dt.timedelta(days=1), 17),
            room=venue.rooms.get(name="Classroom 1"), trainers=[trainer] if trainer else [],
        ),
    )  # fmt: skip
    event_publish(actor=None, event=first_aid, at=now - dt.timedelta(days=30))
    candidates = Person.objects.filter(organisation=kent, is_active=True).order_by("-pk")
    if trainer is not None:
        candidates = candidates.exclude(pk=trainer.pk)
    people = list(candidates[1:13])
    booked = [book(actor=None, session=session, person=p, at=now - dt.timedelta(days=20)) for p in people]
    marks = {b.pk: "attended" for b in booked}
    if len(booked) >= 2:
        marks[booked[-1].pk], marks[booked[-2].pk] = "no_show", "partial"
    mark(actor=None, session=session, marks=marks, at=_at(held, 10))
    comments = ["Clear and practical.", "", "More time on bleeding control, please.", "", "Good trainer."]
    for booking, (n, comment) in zip(booked[:5], enumerate(comments), strict=False):
        booking.refresh_from_db()
        if booking.attendance == Booking.Attendance.ATTENDED:
            feedback_give(
                actor=booking.person, booking=booking, rating=5 - n % 2, would_recommend=n != 3, comments=comment,
                at=_at(held, 17),
            )  # fmt: skip


def register() -> None:
    register_demo_loaders(DemoLoader("events", order=90, load=load_demo))
