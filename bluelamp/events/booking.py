"""Booking a place: capacity that holds however many book at once, the waiting list in arrival
order, offers of freed places, and cancellation.

A place is taken by one conditional UPDATE of the session's `booked` counter (`booked < capacity`).
On PostgreSQL the row lock it takes is held to the end of the transaction, and a competing UPDATE
that waited for it checks the condition again on the row as committed: so with 500 people booking
100 places at once, exactly 100 take one. Whoever finds no place joins the waiting list, numbered
from the session's `waitlist_last` under the same row lock: the numbers are the order in which
people reached the session. A database check (`session_not_overbooked`) backs this up.

A freed place (a cancellation) is offered to the first on the waiting list, held for them until
`expires_at` (OFFER_HOURS); they accept it, or it passes to the next when it runs out
(`offers_expire`, a frequent task). Cancelling is the booker's until the event's cut-off (working
days before the first date); an administrator may cancel any time, which after the cut-off is
recorded as a late cancellation.

Approval (the event's `approval`): a booking waits for the booker's line manager, and for
two-stage approval then for an administrator, holding its place meanwhile. Whoever books for
someone stands in for the stages they could approve themselves (a line manager booking for their
report, an administrator for anyone). Someone with no line manager goes straight to the
administrators. A paid place then waits for payment. Every held place (offered, awaiting
approval, awaiting payment) is held until `expires_at` and released by `holds_expire` (a frequent
task) to the next waiting.

Every change is told to the booker by e-mail (mail.py), with the calendar invitation where their
calendar should change, after the transaction commits.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.core.timefmt import LONDON, format_datetime, london
from bluelamp.events import mail, selectors
from bluelamp.events.models import Booking, Event, EventSession
from bluelamp.workingtime.api import working_day_on_or_after

OFFER_HOURS = 48
PAYMENT_HOLD_HOURS = 24
APPROVAL_HOLD_HOURS = 5 * 24
Status = Booking.Status
Stage = Booking.ApprovalStage


def _audit(actor, action: str, booking: Booking, **changes) -> None:
    audit_record(
        actor=actor,
        action=f"events.{action}",
        obj=booking,
        object_label=f"{booking.session} ({booking.person_id})",
        **changes,
    )


def _after_approval(event: Event) -> str:
    """What an approved (or unapproved-needing) place is: awaiting payment if paid per place."""
    if event.pricing == Event.Pricing.PER_PLACE and event.price_pence:
        return Status.PENDING_PAYMENT
    return Status.BOOKED


def _first_stage(actor, person, event: Event) -> str:
    """The approval stage a new booking starts at ("" when none is needed): the stages the booker
    could approve themself are passed."""
    if event.approval == Event.Approval.NONE or actor is None:
        return ""
    if selectors.may_administer(actor, event):
        return ""
    manager_booked = person.line_manager_id is not None and actor.pk == person.line_manager_id
    if not manager_booked and person.line_manager_id is not None:
        return Stage.MANAGER
    # Booked by their manager, or they have none: the administrators' stage if there is one.
    if event.approval == Event.Approval.MANAGER_THEN_ADMIN or person.line_manager_id is None:
        return Stage.ADMIN
    return ""


def _hold_until(status: str, session: EventSession, at: dt.datetime) -> dt.datetime | None:
    hours: int | None = {
        str(Status.OFFERED): OFFER_HOURS,
        str(Status.PENDING_PAYMENT): PAYMENT_HOLD_HOURS,
        str(Status.PENDING_APPROVAL): APPROVAL_HOLD_HOURS,
    }.get(status)
    if hours is None:
        return None
    return max(min(at + dt.timedelta(hours=hours), session.booking_closes_at), at)


def _hold(booking: Booking, status: str, *, stage: str = "", at: dt.datetime) -> None:
    """Set a place's status (booked, or held for approval or payment) and how long it is held."""
    booking.status = status
    booking.approval_stage = stage if status == Status.PENDING_APPROVAL else ""
    booking.expires_at = _hold_until(status, booking.session, at)


def _check_open(session: EventSession, at: dt.datetime) -> None:
    event = session.event
    if event.status != Event.Status.PUBLISHED or session.status != EventSession.Status.SCHEDULED:
        raise ValidationError({"session": ["This session is not open for booking"]})
    if at < session.booking_opens_at:
        raise ValidationError({"session": [f"Booking opens on {format_datetime(session.booking_opens_at)}"]})
    if at >= session.booking_closes_at:
        raise ValidationError(
            {"session": [f"Booking closed on {format_datetime(session.booking_closes_at)}"]}
        )


def book(*, actor, session: EventSession, person, at: dt.datetime | None = None) -> Booking:
    """Book `person` on `session`: a place if one is free (booked, or awaiting approval or
    payment), else the waiting list. The booker themself, their line manager, or an administrator
    of the event (`selectors.may_book_for`)."""
    at = at or timezone.now()
    if actor is not None and not selectors.may_book_for(actor, person, session.event):
        raise PermissionDenied("You may not book this person on this event.")
    if not selectors.in_audience(person, session.event):
        raise ValidationError({"session": [f"{person.get_full_name()} is not in this event's audience"]})
    _check_open(session, at)
    # A second live booking of the same person is refused by the database's unique constraint
    # (booking_one_live_per_person): the IntegrityError below rolls the counters back too.
    try:
        with transaction.atomic():
            took = EventSession.objects.filter(
                pk=session.pk, status=EventSession.Status.SCHEDULED, booked__lt=F("capacity")
            ).update(booked=F("booked") + 1)
            if took:
                booking = Booking(
                    session=session, person=person, booked_by=actor, created_at=at, updated_at=at
                )
                stage = _first_stage(actor, person, session.event)
                _hold(
                    booking,
                    Status.PENDING_APPROVAL if stage else _after_approval(session.event),
                    stage=stage,
                    at=at,
                )
                booking.save()
            else:
                EventSession.objects.filter(pk=session.pk).update(
                    waitlisted=F("waitlisted") + 1, waitlist_last=F("waitlist_last") + 1
                )
                number, waiting = EventSession.objects.values_list("waitlist_last", "waitlisted").get(
                    pk=session.pk
                )
                booking = Booking.objects.create(
                    session=session, person=person, status=Status.WAITLISTED, waitlist_number=number,
                    booked_by=actor, created_at=at, updated_at=at,
                )  # fmt: skip
                # Everyone waiting came before them (the newest is last): their position, no count.
                booking.known_position = waiting  # type: ignore[attr-defined]
            _audit(actor, "booked", booking, after={"status": booking.status})
            mail.queue(booking, booking.status, at=at)
            if booking.approval_stage == Stage.MANAGER:
                notify_approver(booking, at=at)
    except IntegrityError:  # the same person booked twice at once: one of them stands
        raise ValidationError(
            {"session": [f"{person.get_full_name()} already has a place or is on the waiting list"]}
        ) from None
    return booking


def waitlist_position(booking: Booking) -> int | None:
    """1 for the first waiting, and so on; None when not waiting."""
    if booking.status != Status.WAITLISTED:
        return None
    known = getattr(booking, "known_position", None)
    if known is not None:
        return known
    ahead = Booking.objects.filter(
        session_id=booking.session_id, status=Status.WAITLISTED, waitlist_number__lt=booking.waitlist_number
    ).count()
    return ahead + 1


def cancel_cutoff(session: EventSession) -> dt.datetime:
    """Until when the booker may cancel: the end of the day that is `cancel_cutoff_working_days`
    working days before the first date (for a Tuesday and 2, the Friday before; UK time). With 0,
    until the session starts."""
    days = session.event.cancel_cutoff_working_days
    if not days:
        return session.starts_at
    day = london(session.starts_at).date()
    for _ in range(days):
        day -= dt.timedelta(days=1)
        while working_day_on_or_after(day) != day:
            day -= dt.timedelta(days=1)
    following = day + dt.timedelta(days=1)
    return dt.datetime(following.year, following.month, following.day, tzinfo=LONDON)


def cancel(*, actor, booking: Booking, reason: str = "", at: dt.datetime | None = None) -> Booking:
    """Cancel a place or a place in the queue. The booker (or whoever booked them) until the
    cut-off; the event's administrators any time (after the cut-off it is a late cancellation). A
    place freed is offered to the first on the waiting list."""
    at = at or timezone.now()
    admin = actor is None or selectors.may_administer(actor, booking.session.event)
    if not admin and not selectors.may_cancel_own(actor, booking):
        raise PermissionDenied("You may not cancel this booking.")
    with transaction.atomic():
        locked, session = _lock(booking)
        if locked.status == Status.CANCELLED:
            raise ValidationError({"booking": ["This booking is already cancelled"]})
        late = at >= cancel_cutoff(session)
        if late and not admin:
            raise ValidationError(
                {
                    "booking": [
                        f"Bookings could be cancelled until {format_datetime(cancel_cutoff(session))}: ask the training administrator"
                    ]
                }
            )
        before = locked.status
        _release(locked, session, actor=actor, reason=reason, at=at, late=late)
        _audit(
            actor,
            "cancelled",
            locked,
            before={"status": before},
            after={"status": locked.status, "late": late},
        )
        mail.queue(
            locked, "cancelled", at=at, reason=locked.cancel_reason, was_booked=before == Status.BOOKED
        )
        for hook in CANCEL_HOOKS:
            hook(locked, before=before, at=at)
    return locked


# Called inside the cancelling transaction with (booking, before=status, at=): payments refund
# a paid place here (payments.py registers itself), so booking.py needs no knowledge of them.
CANCEL_HOOKS: list = []


def _lock(booking: Booking) -> tuple[Booking, EventSession]:
    """The booking and its session, locked (in that order everywhere, so two never deadlock)."""
    locked = Booking.objects.select_for_update(of=("self",)).get(pk=booking.pk)
    session = EventSession.objects.select_for_update(of=("self",)).get(pk=locked.session_id)
    locked.session = session
    return locked, session


def _release(
    locked: Booking, session: EventSession, *, actor, reason: str, at: dt.datetime, late: bool = False
) -> None:
    """Cancel the locked booking; a place it held goes to the next waiting (before the session)."""
    held = locked.holds_place
    before = locked.status
    locked.status = Status.CANCELLED
    locked.cancelled_at, locked.cancelled_by, locked.cancel_reason = at, actor, (reason or "").strip()
    locked.ics_sequence += 1
    locked.expires_at = None
    locked.approval_stage = ""
    locked.updated_at = at
    if late and held and at < session.starts_at:
        locked.attendance = Booking.Attendance.LATE_CANCEL
    locked.save()
    if held:
        EventSession.objects.filter(pk=session.pk).update(booked=F("booked") - 1)
        if at < session.booking_closes_at and session.status == EventSession.Status.SCHEDULED:
            _offer_next(session, at=at)
    elif before == Status.WAITLISTED:
        EventSession.objects.filter(pk=session.pk).update(waitlisted=F("waitlisted") - 1)


def _offer_next(session: EventSession, *, at: dt.datetime) -> Booking | None:
    """Offer a free place to the first waiting (in the caller's transaction, the session locked)."""
    took = EventSession.objects.filter(pk=session.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1)
    if not took:
        return None
    first = (
        Booking.objects.select_for_update(of=("self",))
        .filter(session=session, status=Status.WAITLISTED)
        .order_by("waitlist_number", "pk")
        .first()
    )
    if first is None:
        EventSession.objects.filter(pk=session.pk).update(booked=F("booked") - 1)
        return None
    first.session = session
    _hold(first, Status.OFFERED, at=at)
    first.updated_at = at
    first.save(update_fields=["status", "approval_stage", "expires_at", "updated_at"])
    EventSession.objects.filter(pk=session.pk).update(waitlisted=F("waitlisted") - 1)
    _audit(
        None, "offered", first, after={"expires": first.expires_at.isoformat() if first.expires_at else ""}
    )
    mail.queue(first, "offered", at=at)
    return first


def offer_free_places(session: EventSession, *, at: dt.datetime) -> int:
    """Offer every free place to those waiting (after more places were added or reservations
    released), in the caller's transaction with the session locked; how many were offered."""
    offered = 0
    while _offer_next(session, at=at) is not None:
        offered += 1
    return offered


def accept_offer(*, actor, booking: Booking, at: dt.datetime | None = None) -> Booking:
    """The person offered a freed place takes it (before the offer runs out): it is theirs, or
    awaits approval or payment as a new booking would."""
    at = at or timezone.now()
    if actor is not None and actor.pk != booking.person_id:
        raise PermissionDenied("Only the person offered the place may accept it.")
    with transaction.atomic():
        locked, session = _lock(booking)
        if locked.status != Status.OFFERED:
            raise ValidationError({"booking": ["There is no place offered to accept"]})
        if locked.expires_at and at >= locked.expires_at:
            raise ValidationError({"booking": [f"The offer ran out on {format_datetime(locked.expires_at)}"]})
        event = Event.objects.get(pk=session.event_id)
        session.event = event
        stage = _first_stage(locked.booked_by or locked.person, locked.person, event)
        _hold(locked, Status.PENDING_APPROVAL if stage else _after_approval(event), stage=stage, at=at)
        locked.ics_sequence += 1
        locked.updated_at = at
        locked.save()
        _audit(actor, "offer_accepted", locked, after={"status": locked.status})
        mail.queue(locked, locked.status, at=at)
        if locked.approval_stage == Stage.MANAGER:
            notify_approver(locked, at=at)
    return locked


def may_approve(actor, booking: Booking) -> bool:
    """At the manager's stage the person's line manager (or an administrator); at the
    administrators' stage an administrator of the event."""
    if booking.status != Status.PENDING_APPROVAL:
        return False
    if selectors.may_administer(actor, booking.session.event):
        return True
    return booking.approval_stage == Stage.MANAGER and booking.person.line_manager_id == actor.pk


def approve(*, actor, booking: Booking, at: dt.datetime | None = None) -> Booking:
    """Approve a booking at its stage: on to the administrators (two-stage approval, unless an
    administrator approves), then payment if the place is paid for, else booked."""
    at = at or timezone.now()
    if not may_approve(actor, booking):
        raise PermissionDenied("You may not approve this booking.")
    with transaction.atomic():
        locked, session = _lock(booking)
        if locked.status != Status.PENDING_APPROVAL:
            raise ValidationError(
                {
                    "booking": [
                        f"This booking is {locked.get_status_display().lower()}: there is nothing to approve"
                    ]
                }
            )
        event = Event.objects.get(pk=session.event_id)
        session.event = event
        stage_before = locked.approval_stage
        admin = selectors.may_administer(actor, event)
        if (
            stage_before == Stage.MANAGER
            and event.approval == Event.Approval.MANAGER_THEN_ADMIN
            and not admin
        ):
            _hold(locked, Status.PENDING_APPROVAL, stage=Stage.ADMIN, at=at)
            told = ""
        else:
            _hold(locked, _after_approval(event), at=at)
            told = "approved" if locked.status == Status.BOOKED else locked.status
        if locked.status == Status.BOOKED:
            locked.ics_sequence += 1
        locked.updated_at = at
        locked.save()
        _audit(
            actor,
            "approved",
            locked,
            before={"stage": stage_before},
            after={"status": locked.status, "stage": locked.approval_stage},
        )
        if told:
            mail.queue(locked, "booked" if told == "approved" else told, at=at)
    return locked


def decline(*, actor, booking: Booking, reason: str, at: dt.datetime | None = None) -> Booking:
    """Decline a booking awaiting approval (saying why): its place goes to the next waiting."""
    at = at or timezone.now()
    if not may_approve(actor, booking):
        raise PermissionDenied("You may not decide this booking.")
    if not (reason or "").strip():
        raise ValidationError({"reason": ["Say why the booking is not approved: the person booked reads it"]})
    with transaction.atomic():
        locked, session = _lock(booking)
        if locked.status != Status.PENDING_APPROVAL:
            raise ValidationError(
                {
                    "booking": [
                        f"This booking is {locked.get_status_display().lower()}: there is nothing to decide"
                    ]
                }
            )
        stage = locked.approval_stage
        _release(locked, session, actor=actor, reason=reason, at=at)
        _audit(actor, "declined", locked, before={"stage": stage}, after={"status": locked.status})
        mail.queue(locked, "declined", at=at, reason=locked.cancel_reason)
    return locked


def notify_approver(booking: Booking, *, at: dt.datetime) -> None:
    """Tell the person's line manager a booking waits for them (in the app and by e-mail)."""
    from bluelamp.notifications.api import notify

    manager = booking.person.line_manager
    if manager is None:
        return
    notify(
        person=manager,
        kind="events.approval",
        subject=f"A booking waits for your approval: {booking.session.event.title}",
        body=f"{booking.person.get_full_name()} has booked {booking.session}. The place is held until "
        f"{format_datetime(booking.expires_at) if booking.expires_at else 'booking closes'}.",
        link="/events/approvals/",
        dedupe_key=f"events.approval.{booking.uuid}.{booking.ics_sequence}",
        at=at,
    )


HOLD_REASONS: dict[str, str] = {
    Status.OFFERED: "The offer of a place ran out.",
    Status.PENDING_APPROVAL: "The booking was not approved in time.",
    Status.PENDING_PAYMENT: "The place was not paid for in time.",
}


def holds_expire(*, at: dt.datetime | None = None) -> int:
    """Places held past their time (offers not accepted, bookings not approved or not paid for)
    are released, each to the next waiting; how many."""
    at = at or timezone.now()
    expired = 0
    for pk in Booking.objects.filter(status__in=list(HOLD_REASONS), expires_at__lte=at).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            locked = (
                Booking.objects.select_for_update(of=("self",))
                .filter(pk=pk, status__in=list(HOLD_REASONS))
                .first()
            )
            if locked is None or locked.expires_at is None or locked.expires_at > at:
                continue
            if any(not hook(locked, at=at) for hook in HOLD_GUARDS):
                continue
            locked, session = _lock(locked)
            before, until = locked.status, locked.expires_at
            _release(locked, session, actor=None, reason=HOLD_REASONS[before], at=at)
            _audit(None, "hold_expired", locked, before={"status": before}, after={"status": locked.status})
            if before == Status.OFFERED:
                mail.queue(locked, "cancelled", at=at, reason=locked.cancel_reason)
            else:
                mail.queue(locked, "hold_expired", at=at, was=before, held_until=until)
            expired += 1
    return expired


# Called with (booking, at=) before a held place is released: False keeps it (a card payment
# that has gone through but whose webhook has not yet arrived is checked first: payments.py).
HOLD_GUARDS: list = []


def offers_expire(*, at: dt.datetime | None = None) -> int:
    """The holds that ran out (kept under its first name: offers were the first holds)."""
    return holds_expire(at=at)


REMINDERS = (
    ("reminder_week", "reminded_week_at", dt.timedelta(days=7)),
    ("reminder_day", "reminded_day_at", dt.timedelta(days=1)),
)


def send_reminders(*, at: dt.datetime | None = None) -> int:
    """Remind everyone booked a week and a day before their session starts (each once; someone who
    booked inside that time is not reminded of what they just booked); how many were sent."""
    at = at or timezone.now()
    sent = 0
    for what, field, ahead in REMINDERS:
        due = Booking.objects.filter(
            status=Status.BOOKED,
            session__status=EventSession.Status.SCHEDULED,
            session__starts_at__gt=at,
            session__starts_at__lte=at + ahead,
            created_at__lte=F("session__starts_at") - ahead,
            **{f"{field}__isnull": True},
        ).values_list("pk", flat=True)
        for pk in list(due[:2000]):
            with transaction.atomic():
                booking = (
                    Booking.objects.select_for_update(of=("self",))
                    .filter(pk=pk, status=Status.BOOKED, **{f"{field}__isnull": True})
                    .select_related("session__event__owner", "session__room__venue", "person", "booked_by")
                    .first()
                )
                if booking is None:
                    continue
                setattr(booking, field, at)
                booking.save(update_fields=[field])
                mail.queue(booking, what, at=at)
                sent += 1
    return sent
