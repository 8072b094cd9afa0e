"""The administrators' pages, under /events/manage/: the events they run and their sessions,
creating and changing them, publishing, venues and rooms, the people on a session (booking a
group, cancelling a place or the whole session), and the register (trainers too: their sessions
are listed under /events/training/).

Every page fetches through the `selectors.access_*` helpers: anyone else gets the same 404 as
for something that does not exist. What may be done is the services' decision; their
ValidationErrors are shown on the forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Min, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from bluelamp.core.forms import add_service_errors
from bluelamp.events import attendance, selectors, services
from bluelamp.events import booking as booking_service
from bluelamp.events.attendance import ACTIVITY_KIND
from bluelamp.events.models import Booking, Event, EventSession, Payment, Room, Venue
from bluelamp.events.web import clock
from bluelamp.events.web.forms_admin import (
    EventForm,
    PeopleForm,
    ReasonForm,
    RoomForm,
    SessionForm,
    VenueForm,
)
from bluelamp.learning.api import activity_add, courses_managed, may_manage_course, version_start
from bluelamp.organisations.api import Perm
from bluelamp.people.api import person_by_staff_number_or_email

PAGE_SIZE = 50
# A session stays among the upcoming for a day after it ends (the register is taken then).
_GRACE = dt.timedelta(days=1)

STATUS_TAGS = {
    Booking.Status.BOOKED: "govuk-tag--green",
    Booking.Status.WAITLISTED: "govuk-tag--grey",
    Booking.Status.OFFERED: "govuk-tag--blue",
    Booking.Status.PENDING_APPROVAL: "govuk-tag--yellow",
    Booking.Status.PENDING_PAYMENT: "govuk-tag--yellow",
    Booking.Status.CANCELLED: "govuk-tag--grey",
}


def _crumbs(*more: tuple[str, str]) -> list[dict]:
    return [
        {"text": "Events", "href": reverse("events:sessions")},
        {"text": "Manage events", "href": reverse("events:manage")},
        *({"text": t, "href": h} for t, h in more),
    ]


def saved(request, form, action, *, missing: str, done: str) -> tuple[bool, Any]:
    """Run a service for a valid form: (True, its result) with `done` said, or (False, None) with
    the service's errors on the form; a refusal is "not found" (`missing`), as for an outsider."""
    try:
        result = action()
    except PermissionDenied:
        raise Http404(missing) from None
    except ValidationError as error:
        add_service_errors(form, error)
        return False, None
    messages.success(request, done)
    return True, result


def _require_admin_somewhere(user) -> None:
    if not selectors.may_administer_any(user):
        raise Http404("No such page")


@login_required
def manage_home(request):
    _require_admin_somewhere(request.user)
    events = (
        selectors.events_administered(request.user)
        .annotate(
            session_count=Count("sessions", filter=Q(sessions__status=EventSession.Status.SCHEDULED)),
            next_start=Min("sessions__starts_at", filter=Q(sessions__starts_at__gte=clock.now())),
        )
        .order_by("-status", "next_start", "title", "pk")
    )
    status = request.GET.get("status", "")
    if status in Event.Status.values:
        events = events.filter(status=status)
    query = request.GET.get("q", "").strip()[:100]
    if query:
        events = events.filter(title__icontains=query)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/manage/home.html",
        {
            "title": "Manage events",
            "page": page,
            "status": status,
            "query": query,
            "statuses": Event.Status.choices,
            "approvals": selectors.approvals_waiting(request.user).count(),
            "breadcrumbs": [{"text": "Events", "href": reverse("events:sessions")}],
        },
    )


def _courses(user, owner_ids=None):
    courses = courses_managed(user).order_by("title", "pk")
    if owner_ids is not None:
        courses = courses.filter(owner_id__in=owner_ids)
    return list(courses[:500])


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request):
    _require_admin_somewhere(request.user)
    owners = selectors.owner_organisations(request.user)
    courses = _courses(request.user)
    form = EventForm(
        request.POST or None,
        owners=owners,
        courses=courses,
        initial={"kind": "classroom", "audience": "organisation", "pricing": "free", "approval": "none",
                 "vat_percent": "20", "cancel_cutoff_working_days": "2"},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        ok, event = saved(
            request, form,
            lambda: services.event_create(actor=request.user, owner=form.chosen_owner(), data=form.event_input(), at=clock.now()),
            missing="No such page", done="The event is saved as a draft. Add its sessions, then publish it.",
        )  # fmt: skip
        if ok:
            return redirect("events:manage_event", event_uuid=event.uuid)
    return render(
        request,
        "events/manage/event_form.html",
        {"title": "Create an event", "form": form, "breadcrumbs": _crumbs()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request, event_uuid):
    event = selectors.access_managed_event(request.user, event_uuid)
    form = EventForm(
        request.POST or None,
        owners=[event.owner],
        courses=_courses(request.user, {event.owner_id}),
        initial=EventForm.initial_of(event),
    )
    if request.method == "POST" and form.is_valid():
        ok, _ = saved(
            request, form,
            lambda: services.event_update(actor=request.user, event=event, data=form.event_input(), at=clock.now()),
            missing="No such event", done="The event's details are saved.",
        )  # fmt: skip
        if ok:
            return redirect("events:manage_event", event_uuid=event.uuid)
    return render(
        request,
        "events/manage/event_form.html",
        {
            "title": f"Change {event.title}",
            "form": form,
            "event": event,
            "breadcrumbs": _crumbs((event.title, reverse("events:manage_event", args=[event.uuid]))),
        },
    )


@login_required
def event_manage(request, event_uuid):
    event = selectors.access_managed_event(request.user, event_uuid)
    sessions = (
        event.sessions.select_related("room__venue").annotate(days=Count("dates")).order_by("starts_at", "pk")
    )
    return render(
        request,
        "events/manage/event.html",
        {
            "title": event.title,
            "event": event,
            "sessions": sessions,
            "booked": Booking.objects.filter(session__event=event).exists(),
            "breadcrumbs": _crumbs(),
        },
    )


@login_required
@require_POST
def event_publish(request, event_uuid):
    event = selectors.access_managed_event(request.user, event_uuid)
    try:
        services.event_publish(actor=request.user, event=event, at=clock.now())
    except PermissionDenied:
        raise Http404("No such event") from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "The event is published: people in its audience can book its sessions.")
    return redirect("events:manage_event", event_uuid=event.uuid)


def _rooms(owner_id: int, keep: Room | None = None) -> list[Room]:
    rooms = list(
        Room.objects.filter(venue__owner_id=owner_id, venue__active=True)
        .select_related("venue")
        .order_by("venue__name", "name")
    )
    if keep is not None and keep not in rooms:
        rooms.append(keep)
    return rooms


def _trainers(request, form, owner_id: int) -> list | None:
    """The people named in the trainers box, or None with the errors on the form."""
    people, problems = [], []
    for line in (form.cleaned_data.get("trainers") or "").splitlines():
        if not line.strip():
            continue
        person, why = person_by_staff_number_or_email(request.user, line, Perm.LEARNING_MANAGE)
        if person is None:
            problems.append(why)
        else:
            people.append(person)
    if problems:
        form.add_error("trainers", problems)
        return None
    return people


def _session_input(request, form, event: Event):
    trainers = _trainers(request, form, event.owner_id)
    if trainers is None:
        return None
    opens, closes = form.booking_window()
    data = form.cleaned_data
    return services.SessionInput(
        dates=data["dates"], capacity=data["capacity"] or 0, minimum=data.get("minimum") or 0,
        room=data["room_obj"], online_url=data.get("online_url") or "", trainers=trainers,
        booking_opens_at=opens, booking_closes_at=closes,
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request, event_uuid):
    event = selectors.access_managed_event(request.user, event_uuid)
    form = SessionForm(request.POST or None, rooms=_rooms(event.owner_id))
    if request.method == "POST" and form.is_valid():
        data = _session_input(request, form, event)
        if data is not None:
            ok, session = saved(
                request, form, lambda: services.session_create(actor=request.user, event=event, data=data),
                missing="No such event", done="The session is added.",
            )  # fmt: skip
            if ok:
                return redirect("events:manage_session", session_uuid=session.uuid)
    return render(
        request,
        "events/manage/session_form.html",
        {
            "title": f"Add a session of {event.title}",
            "form": form,
            "event": event,
            "breadcrumbs": _crumbs((event.title, reverse("events:manage_event", args=[event.uuid]))),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request, session_uuid):
    session = selectors.access_managed_session(request.user, session_uuid)
    event = session.event
    trainers = "\n".join(t.staff_number or t.email for t in session.trainers.order_by("last_name"))
    form = SessionForm(
        request.POST or None,
        rooms=_rooms(event.owner_id, session.room),
        initial=SessionForm.initial_of(session, trainers),
    )
    if request.method == "POST" and form.is_valid():
        data = _session_input(request, form, event)
        if data is not None:
            ok, _ = saved(
                request, form,
                lambda: services.session_update(actor=request.user, session=session, data=data, at=clock.now()),
                missing="No such session",
                done="The session is saved. Anyone whose dates or place changed is sent a new invitation.",
            )  # fmt: skip
            if ok:
                return redirect("events:manage_session", session_uuid=session.uuid)
    return render(
        request,
        "events/manage/session_form.html",
        {
            "title": f"Change the session of {event.title}",
            "form": form,
            "event": event,
            "session": session,
            "breadcrumbs": _crumbs(
                (event.title, reverse("events:manage_event", args=[event.uuid])),
                ("Session", reverse("events:manage_session", args=[session.uuid])),
            ),
        },
    )


@login_required
def session_manage(request, session_uuid):
    session = selectors.access_managed_session(request.user, session_uuid)
    bookings = list(
        Booking.objects.filter(session=session)
        .select_related("person__organisation", "booked_by")
        .order_by("status", "waitlist_number", "person__last_name", "pk")
    )
    holding = [b for b in bookings if b.holds_place]
    waiting = sorted(
        (b for b in bookings if b.status == Booking.Status.WAITLISTED), key=lambda b: b.waitlist_number or 0
    )
    cancelled = [b for b in bookings if b.status == Booking.Status.CANCELLED]
    for position, booking in enumerate(waiting, start=1):
        booking.position = position  # type: ignore[attr-defined]
    return render(
        request,
        "events/manage/session.html",
        {
            "title": f"{session.event.title}: people booked",
            "session": session,
            "event": session.event,
            "dates": session.dates.order_by("starts_at"),
            "trainers": session.trainers.order_by("last_name", "first_name"),
            "holding": holding,
            "waiting": waiting,
            "cancelled": cancelled,
            "reservations": session.reservations.select_related("manager").order_by("created_at"),
            "refundable": Payment.objects.filter(
                booking__session=session,
                method=Payment.Method.CARD,
                status__in=[Payment.Status.PAID, Payment.Status.PART_REFUNDED],
            ).select_related("booking__person"),  # fmt: skip
            "tags": STATUS_TAGS,
            "register_open": clock.now() >= attendance.register_opens(session),
            "breadcrumbs": _crumbs(
                (session.event.title, reverse("events:manage_event", args=[session.event.uuid]))
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_book_group(request, session_uuid):
    session = selectors.access_managed_session(request.user, session_uuid)
    form = PeopleForm(request.POST or None)
    results = None
    if request.method == "POST" and form.is_valid():
        people, problems = [], []
        for typed in form.typed():
            person, why = person_by_staff_number_or_email(request.user, typed, Perm.LEARNING_MANAGE)
            if person is None:
                problems.append((typed, why))
            else:
                people.append(person)
        if problems:
            form.add_error("people", [why for _, why in problems])
        else:
            try:
                results = services.book_group(
                    actor=request.user, session=session, people=people, at=clock.now()
                )
            except PermissionDenied:
                raise Http404("No such session") from None
            booked = sum(1 for _, made, _ in results if made is not None)
            messages.success(request, f"{booked} of {len(results)} booked (a place, or the waiting list).")
            session.refresh_from_db()
    return render(
        request,
        "events/manage/book_group.html",
        {
            "title": f"Book people on {session.event.title}",
            "form": form,
            "session": session,
            "results": results,
            "breadcrumbs": _crumbs(
                (session.event.title, reverse("events:manage_event", args=[session.event.uuid])),
                ("People booked", reverse("events:manage_session", args=[session.uuid])),
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_cancel(request, session_uuid):
    session = selectors.access_managed_session(request.user, session_uuid)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.session_cancel(
                actor=request.user, session=session, reason=form.cleaned_data["reason"], at=clock.now()
            )
        except PermissionDenied:
            raise Http404("No such session") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"The session is cancelled; {count} people booked or waiting were told."
            )
            return redirect("events:manage_session", session_uuid=session.uuid)
    return render(
        request,
        "events/manage/session_cancel.html",
        {
            "title": f"Cancel the session of {session.event.title}",
            "form": form,
            "session": session,
            "breadcrumbs": _crumbs(("People booked", reverse("events:manage_session", args=[session.uuid]))),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def booking_cancel_admin(request, booking_uuid):
    booking = selectors.access_booking(request.user, booking_uuid)
    if not selectors.may_administer(request.user, booking.session.event):
        raise Http404("No such booking")
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            booking_service.cancel(
                actor=request.user, booking=booking, reason=form.cleaned_data["reason"], at=clock.now()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"{booking.person.get_full_name()}'s booking is cancelled; they were told."
            )
            return redirect("events:manage_session", session_uuid=booking.session.uuid)
    return render(
        request,
        "events/manage/booking_cancel.html",
        {
            "title": f"Cancel {booking.person.get_full_name()}'s booking",
            "form": form,
            "booking": booking,
            "late": clock.now() >= booking_service.cancel_cutoff(booking.session),
            "breadcrumbs": _crumbs(
                ("People booked", reverse("events:manage_session", args=[booking.session.uuid]))
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def register(request, session_uuid):
    """The register: one row per person with a place, three large choices each (a tablet in the
    training room)."""
    session = selectors.access_managed_session(request.user, session_uuid, trainers_too=True)
    rows = list(attendance.register_rows(session))
    now = clock.now()
    if request.method == "POST":
        marks = {}
        for booking in rows:
            value = request.POST.get(f"b{booking.pk}", "")
            if value and booking.status == Booking.Status.BOOKED:
                marks[booking.pk] = value
        try:
            changed = attendance.mark(actor=request.user, session=session, marks=marks, at=now)
        except PermissionDenied:
            raise Http404("No such session") from None
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            unmarked = sum(
                1
                for b in rows
                if b.status == Booking.Status.BOOKED and b.pk not in marks and not b.attendance
            )
            note = f" {unmarked} not marked yet." if unmarked else ""
            messages.success(request, f"The register is saved ({changed} changed).{note}")
            return redirect("events:register", session_uuid=session.uuid)
    counts = {value: sum(1 for b in rows if b.attendance == value) for value, _ in Booking.Attendance.choices}
    return render(
        request,
        "events/manage/register.html",
        {
            "title": f"Register: {session.event.title}",
            "session": session,
            "rows": rows,
            "open": now >= attendance.register_opens(session),
            "counts": counts,
            "choices": [c for c in Booking.Attendance.choices if c[0] != Booking.Attendance.LATE_CANCEL],
            "completes": session.event.course,
            "breadcrumbs": [
                {"text": "Events", "href": reverse("events:sessions")},
                {"text": "Sessions you train", "href": reverse("events:training")}
                if not selectors.may_administer(request.user, session.event)
                else {"text": "People booked", "href": reverse("events:manage_session", args=[session.uuid])},
            ],
        },
    )


@login_required
def training(request):
    """The sessions the reader trains, soonest first (with the register of each)."""
    now = clock.now()
    sessions = selectors.sessions_trained(request.user).filter(status=EventSession.Status.SCHEDULED)
    upcoming = sessions.filter(ends_at__gte=now - _GRACE).order_by("starts_at", "pk")[:100]
    past = sessions.filter(ends_at__lt=now - _GRACE).order_by("-starts_at", "-pk")[:50]
    return render(
        request,
        "events/manage/training.html",
        {
            "title": "Sessions you train",
            "upcoming": upcoming,
            "past": past,
            "breadcrumbs": [{"text": "Events", "href": reverse("events:sessions")}],
        },
    )


# --- venues -----------------------------------------------------------------------------------


@login_required
def venue_list(request):
    _require_admin_somewhere(request.user)
    owners = selectors.administered_owner_ids(request.user)
    venues = (
        Venue.objects.select_related("owner").annotate(room_count=Count("rooms")).order_by("-active", "name")
    )
    if owners is not None:
        venues = venues.filter(owner_id__in=owners)
    page = Paginator(venues, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/manage/venues.html",
        {"title": "Venues", "page": page, "breadcrumbs": _crumbs()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def venue_new(request):
    _require_admin_somewhere(request.user)
    form = VenueForm(
        request.POST or None, owners=selectors.owner_organisations(request.user), initial={"active": True}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, venue = saved(
            request, form,
            lambda: services.venue_create(
                actor=request.user, owner=form.chosen_owner(), name=data["name"], address=data["address"],
                accessibility=data["accessibility"],
            ),
            missing="No such page", done="The venue is saved. Add its rooms.",
        )  # fmt: skip
        if ok:
            return redirect("events:venue", venue_uuid=venue.uuid)
    return render(
        request,
        "events/manage/venue_form.html",
        {
            "title": "Add a venue",
            "form": form,
            "breadcrumbs": _crumbs(("Venues", reverse("events:venues"))),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def venue_detail(request, venue_uuid):
    venue = selectors.access_venue(request.user, venue_uuid)
    form = VenueForm(
        request.POST if request.POST.get("form") == "venue" else None,
        initial={
            "name": venue.name,
            "address": venue.address,
            "accessibility": venue.accessibility,
            "active": venue.active,
        },
    )
    room_form = RoomForm(request.POST if request.POST.get("form") == "room" else None)
    if request.method == "POST":
        try:
            if request.POST.get("form") == "venue" and form.is_valid():
                services.venue_update(actor=request.user, venue=venue, **form.cleaned_data)
                messages.success(request, "The venue is saved.")
                return redirect("events:venue", venue_uuid=venue.uuid)
            if request.POST.get("form") == "room" and room_form.is_valid():
                services.room_add(
                    actor=request.user, venue=venue, name=room_form.cleaned_data["name"],
                    capacity=room_form.cleaned_data["capacity"] or 0, accessibility=room_form.cleaned_data["accessibility"],
                )  # fmt: skip
                messages.success(request, "The room is added.")
                return redirect("events:venue", venue_uuid=venue.uuid)
        except PermissionDenied:
            raise Http404("No such venue") from None
        except ValidationError as error:
            add_service_errors(form if request.POST.get("form") == "venue" else room_form, error)
    return render(
        request,
        "events/manage/venue.html",
        {
            "title": venue.name,
            "venue": venue,
            "form": form if form.errors else room_form,
            "venue_form": form,
            "room_form": room_form,
            "rooms": venue.rooms.all(),
            "breadcrumbs": _crumbs(("Venues", reverse("events:venues"))),
        },
    )


# --- the course activity "event" ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def course_activity(request, course_uuid):
    """Add the activity "attend one of this event's sessions" to a course's draft: choose one of
    the course's organisation's events (it is linked to the course)."""
    course = courses_managed(request.user).filter(uuid=selectors.parse_uuid(course_uuid)).first()
    if course is None or not may_manage_course(request.user, course):
        raise Http404("No such course")
    events = list(
        Event.objects.filter(owner_id=course.owner_id)
        .exclude(status=Event.Status.CANCELLED)
        .order_by("title", "pk")
    )
    chosen = request.POST.get("event", "")
    error = ""
    if request.method == "POST":
        event = next((e for e in events if str(e.uuid) == chosen), None)
        if event is None:
            error = "Choose one of the organisation's events from the list"
        else:
            try:
                with transaction.atomic():
                    draft = version_start(actor=request.user, course=course)
                    activity_add(
                        actor=request.user, version=draft, kind=ACTIVITY_KIND, title=f"Attend {event.title}",
                        target=str(event.uuid), required=True,
                    )  # fmt: skip
                    if event.course_id != course.pk:
                        services.event_link_course(actor=request.user, event=event, course=course)
            except PermissionDenied:
                raise Http404("No such course") from None
            except ValidationError as failure:
                error = " ".join(failure.messages)
            else:
                messages.success(
                    request,
                    f"Attending {event.title} is added to the draft. Publish the draft for learners to take it.",
                )
                return redirect("learning:manage_course", course_uuid=course.uuid)
    return render(
        request,
        "events/manage/course_activity.html",
        {
            "title": f"Add event attendance to {course.title}",
            "course": course,
            "events": events,
            "chosen": chosen,
            "error": error,
            "breadcrumbs": _crumbs(),
        },
    )
