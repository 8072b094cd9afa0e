"""The learner's side of events, under /events/: the sessions they may book, one session, booking
a place, their bookings, and one booking (cancel it, accept an offered place, its calendar
invitation). Someone who may not see a session or a booking is told "not found"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bluelamp.events import attendance, payments, selectors
from bluelamp.events import booking as booking_service
from bluelamp.events.ics import booking_calendar
from bluelamp.events.models import Booking
from bluelamp.events.web import clock

MISSING_SESSION = "No such session"
MISSING_BOOKING = "No such booking"


def _crumbs(*more: tuple[str, str]) -> list[dict]:
    return [
        {"text": "Events", "href": reverse("events:sessions")},
        *({"text": t, "href": h} for t, h in more),
    ]


@login_required
def session_list(request):
    now = clock.now()
    # How many days each runs, counted with the list (not a query per row).
    sessions = (
        selectors.bookable_sessions(request.user)
        .filter(booking_closes_at__gt=now)
        .annotate(days=Count("dates"))
    )
    only = selectors.parse_uuid(request.GET.get("event", "")) if request.GET.get("event") else None
    if only is not None:
        sessions = sessions.filter(event__uuid=only)
    mine = dict(
        Booking.objects.filter(person=request.user, session__in=sessions)
        .exclude(status=Booking.Status.CANCELLED)
        .values_list("session_id", "status")
    )
    return render(
        request,
        "events/sessions.html",
        {
            "title": "Events",
            "sessions": sessions[:200],
            "mine": mine,
            "statuses": dict(Booking.Status.choices),
            "now": now,
            "may_manage": selectors.may_administer_any(request.user),
            "trains": selectors.sessions_trained(request.user).exists(),
            "approvals": selectors.approvals_waiting(request.user).count(),
        },
    )


@login_required
def session_detail(request, session_uuid):
    session = selectors.access_bookable_session(request.user, session_uuid)
    mine = (
        Booking.objects.filter(session=session, person=request.user)
        .exclude(status=Booking.Status.CANCELLED)
        .first()
    )
    now = clock.now()
    return render(
        request,
        "events/session.html",
        {
            "title": session.event.title,
            "session": session,
            "event": session.event,
            "dates": session.dates.order_by("starts_at"),
            "trainers": session.trainers.order_by("last_name", "first_name"),
            "booking": mine,
            "open": session.booking_opens_at <= now < session.booking_closes_at,
            "places_left": max(session.capacity - session.booked, 0),
            "manages_team": selectors.is_line_manager(request.user),
            "may_manage": selectors.may_administer(request.user, session.event),
            "breadcrumbs": _crumbs(),
        },
    )


@login_required
@require_POST
def session_book(request, session_uuid):
    session = selectors.access_bookable_session(request.user, session_uuid)
    try:
        booking = booking_service.book(
            actor=request.user, session=session, person=request.user, at=clock.now()
        )
    except PermissionDenied:
        raise Http404(MISSING_SESSION) from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("events:session", session_uuid=session.uuid)
    messages.success(request, _booked_message(booking))
    return redirect("events:booking", booking_uuid=booking.uuid)


def _booked_message(booking: Booking) -> str:
    if booking.status == Booking.Status.WAITLISTED:
        return (
            f"The session is full: you are number {booking_service.waitlist_position(booking)} on the waiting list. "
            "If a place comes free you will be offered it."
        )
    if booking.status == Booking.Status.PENDING_APPROVAL:
        return "Your place is held until your line manager approves it."
    if booking.status == Booking.Status.PENDING_PAYMENT:
        return "Your place is held: pay for it to confirm it."
    return "Your place is booked. Add it to your calendar below."


@login_required
def booking_list(request):
    bookings = (
        Booking.objects.filter(person=request.user)
        .select_related("session__event")
        .order_by("-session__starts_at", "-pk")
    )
    return render(
        request,
        "events/bookings.html",
        {"title": "My bookings", "bookings": bookings[:200], "breadcrumbs": _crumbs()},
    )


@login_required
def booking_detail(request, booking_uuid):
    booking = selectors.access_booking(request.user, booking_uuid)
    session = booking.session
    cutoff = booking_service.cancel_cutoff(session)
    now = clock.now()
    return render(
        request,
        "events/booking.html",
        {
            "title": session.event.title,
            "booking": booking,
            "session": session,
            "dates": session.dates.order_by("starts_at"),
            "position": booking_service.waitlist_position(booking),
            "cutoff": cutoff,
            "may_cancel": booking.status != Booking.Status.CANCELLED and now < cutoff,
            "may_give_feedback": attendance.may_give_feedback(request.user, booking),
            "may_pay": booking.status == Booking.Status.PENDING_PAYMENT
            and payments.may_pay(request.user, booking),
            "payment": payments.live_payment(booking) or booking.payments.order_by("-pk").first(),
            "breadcrumbs": _crumbs(("My bookings", reverse("events:bookings"))),
        },
    )


@login_required
@require_POST
def booking_cancel(request, booking_uuid):
    booking = selectors.access_booking(request.user, booking_uuid)
    _act(
        request,
        lambda: booking_service.cancel(
            actor=request.user, booking=booking, reason=request.POST.get("reason", ""), at=clock.now()
        ),
        "Your booking is cancelled.",
    )
    return redirect("events:booking", booking_uuid=booking.uuid)


@login_required
@require_POST
def booking_accept(request, booking_uuid):
    booking = selectors.access_booking(request.user, booking_uuid)
    _act(
        request,
        lambda: booking_service.accept_offer(actor=request.user, booking=booking, at=clock.now()),
        "The place is yours.",
    )
    return redirect("events:booking", booking_uuid=booking.uuid)


def _act(request, action, done: str) -> None:
    try:
        action()
    except PermissionDenied:
        raise Http404(MISSING_BOOKING) from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)


@login_required
def booking_calendar_file(request, booking_uuid):
    """The booking's current invitation (GET /events/bookings/{id}/calendar.ics): the booker's."""
    booking = selectors.access_booking(request.user, booking_uuid)
    if booking.person_id != request.user.pk:
        raise Http404(MISSING_BOOKING)
    method = "CANCEL" if not booking.holds_place else "REQUEST"
    response = HttpResponse(
        booking_calendar(booking, at=clock.now()),
        content_type=f"text/calendar; charset=utf-8; method={method}",
    )
    response["Content-Disposition"] = f'attachment; filename="booking-{booking.uuid}.ics"'
    return response
