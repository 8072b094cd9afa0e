"""Building events in tests, through the services."""

from __future__ import annotations

import datetime as dt

from bluelamp.events.services import (
    EventInput,
    SessionInput,
    event_create,
    event_publish,
    session_create,
    venue_create,
)

# Monday 7 December 2026, 10:00 UTC: every test's "now" (tests never read the clock).
AT = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


def venue(owner, *, name="Kent Training Centre", rooms=(("Room 1", 30), ("Room 2", 12))):
    return venue_create(
        actor=None, owner=owner, name=name, address="Sutton Road\nMaidstone ME15 9BZ", rooms=rooms
    )


def event(owner, *, publish=True, capacity=20, room=None, dates=None, trainers=(), **changes):
    values = {"kind": "classroom", "title": "First aid refresher", "description": "Annual first aid."}
    values.update(changes)
    created = event_create(actor=None, owner=owner, data=EventInput(**values), at=AT)
    dates = dates or [(utc(2027, 1, 12, 9, 0), utc(2027, 1, 12, 16, 0))]
    session = session_create(
        actor=None,
        event=created,
        data=SessionInput(
            dates=dates,
            capacity=capacity,
            booking_opens_at=AT - dt.timedelta(days=1),
            booking_closes_at=dates[0][0] - dt.timedelta(hours=12),
            room=room,
            online_url="" if room else "https://meet.example/first-aid",
            trainers=trainers,
        ),
    )
    if publish:
        event_publish(actor=None, event=created, at=AT)
    return created, session
