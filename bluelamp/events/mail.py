"""What a booker is e-mailed, and when: every change to their place, with the calendar
invitation attached where their calendar should change.

Each message is queued (notifications' outbox: sent by a task after the caller's transaction
commits, retried through an SMTP outage) to the person booked, copied to whoever booked them for
them (their line manager, an administrator). The invitation (`ics.py`) is attached as
`invite.ics` (text/calendar; method=REQUEST or CANCEL) when the calendar entry appears, changes
or goes: a confirmed place, a change of dates or room, a reminder (the same SEQUENCE again, so a
calendar that lost it takes it back), and the cancellation of a place that had been confirmed.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings

from bluelamp.core.timefmt import format_datetime
from bluelamp.events.ics import booking_calendar
from bluelamp.events.models import Booking, EventSession
from bluelamp.notifications.api import email_queue, email_render


@dataclass(frozen=True)
class Message:
    subject: str
    headline: str
    invitation: bool  # attach the calendar invitation


MESSAGES: dict[str, Message] = {
    "booked": Message("Your place is booked: {title}", "Your place is booked.", True),
    "waitlisted": Message(
        "You are on the waiting list: {title}",
        "The session is full: you are on its waiting list. If a place comes free it is offered to "
        "the first waiting, by e-mail.",
        False,
    ),
    "pending_approval": Message(
        "Your place awaits approval: {title}",
        "A place is held for you while your booking is approved. You will be told when it is.",
        False,
    ),
    "pending_payment": Message(
        "Pay to confirm your place: {title}",
        "A place is held for you until {expires}: pay for it by then to confirm it.",
        False,
    ),
    "offered": Message(
        "A place has come free: {title}",
        "A place has come free and it is offered to you until {expires}. Accept it on your "
        "booking's page; after that it is offered to the next person waiting.",
        False,
    ),
    "approved": Message(
        "Your booking is approved: {title}",
        "Your booking is approved.",
        False,
    ),
    "changed": Message(
        "Your booking has changed: {title}",
        "The session you are booked on has changed. The dates and place below are the new ones; "
        "the attached invitation updates your calendar.",
        True,
    ),
    "reminder_week": Message("In a week: {title}", "A reminder: your session starts in a week.", True),
    "reminder_day": Message("Tomorrow: {title}", "A reminder: your session starts tomorrow.", True),
    "cancelled": Message(
        "Your booking is cancelled: {title}",
        "Your booking is cancelled.",
        True,
    ),
    "declined": Message(
        "Your booking was not approved: {title}",
        "Your booking was not approved, and the place you held has gone to someone else.",
        False,
    ),
    "hold_expired": Message(
        "Your held place has been released: {title}",
        "The place held for you was released because it was not {what} by {expires}. You may "
        "book again if places are left.",
        False,
    ),
    "session_cancelled": Message(
        "Session cancelled: {title}",
        "The session you booked has been cancelled by its organisers.",
        True,
    ),
}


def _when(dates) -> list[str]:
    return [f"{format_datetime(date.starts_at)} to {format_datetime(date.ends_at)}" for date in dates]


def _where(session: EventSession) -> str:
    if session.room_id is not None and session.room is not None:
        venue = session.room.venue
        return f"{venue.name}, {session.room.name}\n{venue.address}"
    return f"Online: {session.online_url}" if session.online_url else "Online"


def tell(
    booking: Booking,
    what: str,
    *,
    at: dt.datetime,
    reason: str = "",
    was_booked: bool = False,
    was: str = "",
    held_until: dt.datetime | None = None,
) -> None:
    """Queue the e-mail `what` (a key of MESSAGES) about `booking`. `was_booked`: a cancellation
    of a place that had been confirmed (its calendar entry is taken out); `was` and `held_until`:
    the status and hold of a place just released."""
    message = MESSAGES[what]
    session = booking.session
    event = session.event
    hold = held_until or booking.expires_at
    headline = message.headline.format(
        expires=format_datetime(hold) if hold else "",
        what="paid for" if (was or booking.status) == Booking.Status.PENDING_PAYMENT else "approved",
    )
    invitation = message.invitation and (
        booking.status == Booking.Status.BOOKED or (booking.status == Booking.Status.CANCELLED and was_booked)
    )
    link = f"{settings.SITE_URL.rstrip('/')}/events/bookings/{booking.uuid}/"
    dates = list(session.dates.order_by("starts_at", "pk"))
    text, html = email_render(
        "events/email/booking",
        {
            "headline": headline,
            "person": booking.person,
            "event": event,
            "session": session,
            "when": _when(dates),
            "where": _where(session),
            "reason": reason,
            "link": link,
            "status": booking.get_status_display(),
            "invitation": invitation,
        },
    )
    attachments = []
    if invitation:
        method = "CANCEL" if booking.status == Booking.Status.CANCELLED else "REQUEST"
        attachments.append(
            ("invite.ics", booking_calendar(booking, at=at, dates=dates), f"text/calendar; method={method}")
        )
    copy = []
    if booking.booked_by_id and booking.booked_by_id != booking.person_id and booking.booked_by is not None:
        copy = [booking.booked_by.email]
    email_queue(
        to=[booking.person.email],
        cc=[address for address in copy if address],
        subject=message.subject.format(title=event.title),
        text=text,
        html=html,
        attachments=attachments,
        kind=f"events.{what}",
        at=at,
    )


_silent: contextvars.ContextVar[bool] = contextvars.ContextVar("events_mail_silent", default=False)


@contextmanager
def silenced() -> Iterator[None]:
    """Tell no one of what happens inside (the demo's history: its bookings were never made by
    anyone, so no one is e-mailed about them, now or when the worker runs)."""
    token = _silent.set(True)
    try:
        yield
    finally:
        _silent.reset(token)


def queue(
    booking: Booking,
    what: str,
    *,
    at: dt.datetime,
    reason: str = "",
    was_booked: bool = False,
    was: str = "",
    held_until: dt.datetime | None = None,
) -> None:
    """`tell`, by a task queued in the caller's transaction: the e-mail is as certain as the
    change it tells of (the task's row commits with it, or neither does), and rendering it and its
    invitation is the worker's work, not the request's (nor done while the session is locked)."""
    from bluelamp.events.tasks import tell_booker

    if _silent.get():
        return
    tell_booker.enqueue(
        booking.pk,
        what,
        at.isoformat(),
        reason,
        was_booked,
        was,
        held_until.isoformat() if held_until else "",
    )
