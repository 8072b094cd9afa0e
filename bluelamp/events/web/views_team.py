"""Line managers' and approvers' pages: bookings waiting for the reader's approval
(/events/approvals/), booking a place for someone who reports to them and reserving places for
their team (/events/sessions/{id}/team/), and naming who takes reserved places
(/events/reservations/{id}/). The feedback form of someone who attended is here too."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from bluelamp.core.forms import WholeNumberField, add_service_errors, text_area
from bluelamp.events import attendance, reservations, selectors
from bluelamp.events import booking as booking_service
from bluelamp.events.models import Booking, Feedback
from bluelamp.events.web import clock
from bluelamp.people.api import Person


def _crumbs(*more: tuple[str, str]) -> list[dict]:
    return [
        {"text": "Events", "href": reverse("events:sessions")},
        *({"text": t, "href": h} for t, h in more),
    ]


@login_required
def approvals(request):
    waiting = list(selectors.approvals_waiting(request.user)[:200])
    return render(
        request,
        "events/approvals.html",
        {"title": "Bookings waiting for your approval", "waiting": waiting, "breadcrumbs": _crumbs()},
    )


@login_required
@require_POST
def approval_decide(request, booking_uuid):
    booking = selectors.access_booking(request.user, booking_uuid, approvers_too=True)
    decision = request.POST.get("decision", "")
    try:
        if decision == "approve":
            booking_service.approve(actor=request.user, booking=booking, at=clock.now())
            messages.success(
                request, f"{booking.person.get_full_name()}'s booking is approved; they were told."
            )
        elif decision == "decline":
            booking_service.decline(
                actor=request.user, booking=booking, reason=request.POST.get("reason", ""), at=clock.now()
            )
            messages.success(
                request, f"{booking.person.get_full_name()}'s booking is declined; they were told why."
            )
        else:
            messages.error(request, "Choose whether you approve or decline the booking")
    except PermissionDenied:
        raise Http404("No such booking") from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("events:approvals")


class TeamBookForm(forms.Form):
    person = forms.ChoiceField(
        label="Who to book",
        error_messages={
            "required": "Choose who to book",
            "invalid_choice": "“%(value)s” is not someone who reports to you: choose one from the list",
        },
    )

    def __init__(self, *args, reports, **kwargs):
        super().__init__(*args, **kwargs)
        self.reports = {str(p.uuid): p for p in reports}
        field = self.fields["person"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose someone"), *[(k, p.get_full_name()) for k, p in self.reports.items()]]


class ReserveForm(forms.Form):
    places = WholeNumberField(
        label="Places to reserve", what="a number of places", accepted=f"enter 1 to {reservations.MAX_PLACES}",
        most=reservations.MAX_PLACES, required=True, error_messages={"required": "Enter how many places to reserve"},
    )  # fmt: skip


def _reports(user):
    return list(
        Person.objects.filter(line_manager_id=user.pk, is_active=True).order_by(
            "last_name", "first_name", "pk"
        )[:500]
    )


@login_required
@require_http_methods(["GET", "POST"])
def team(request, session_uuid):
    session = selectors.access_bookable_session(request.user, session_uuid)
    reports = _reports(request.user)
    if not reports:
        raise Http404("No such page")
    which = request.POST.get("form", "")
    book_form = TeamBookForm(request.POST if which == "book" else None, reports=reports)
    reserve_form = ReserveForm(request.POST if which == "reserve" else None)
    if which == "book" and book_form.is_valid():
        person = book_form.reports[book_form.cleaned_data["person"]]
        try:
            made = booking_service.book(actor=request.user, session=session, person=person, at=clock.now())
        except PermissionDenied:
            raise Http404("No such session") from None
        except ValidationError as error:
            add_service_errors(book_form, error)
        else:
            messages.success(
                request, f"{person.get_full_name()}: {made.get_status_display().lower()}. They were told."
            )
            return redirect("events:team", session_uuid=session.uuid)
    if which == "reserve" and reserve_form.is_valid():
        try:
            reservation = reservations.reserve(
                actor=request.user,
                session=session,
                places=reserve_form.cleaned_data["places"],
                at=clock.now(),
            )
        except PermissionDenied:
            raise Http404("No such session") from None
        except ValidationError as error:
            add_service_errors(reserve_form, error)
        else:
            messages.success(
                request, f"{reservation.places} places are reserved for your team. Name who takes them."
            )
            return redirect("events:reservation", reservation_uuid=reservation.uuid)
    team_bookings = (
        Booking.objects.filter(session=session, person__line_manager_id=request.user.pk)
        .exclude(status=Booking.Status.CANCELLED)
        .select_related("person")
        .order_by("person__last_name")
    )
    return render(
        request,
        "events/team.html",
        {
            "title": f"Book your team on {session.event.title}",
            "session": session,
            "form": book_form if book_form.errors else reserve_form,
            "book_form": book_form,
            "reserve_form": reserve_form,
            "team_bookings": team_bookings,
            "reservations": session.reservations.filter(manager=request.user).order_by("created_at"),
            "places_left": max(session.capacity - session.booked, 0),
            "breadcrumbs": _crumbs((session.event.title, reverse("events:session", args=[session.uuid]))),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def reservation(request, reservation_uuid):
    reserved = reservations.access_reservation(request.user, reservation_uuid)
    reports = _reports(request.user) if reserved.manager_id == request.user.pk else []
    form = TeamBookForm(request.POST if request.POST.get("form") == "name" else None, reports=reports)
    if request.method == "POST" and request.POST.get("form") == "release":
        try:
            freed = reservations.release(actor=request.user, reservation=reserved, at=clock.now())
        except PermissionDenied:
            raise Http404("No such reservation") from None
        messages.success(request, f"{freed} places are given back.")
        return redirect("events:reservation", reservation_uuid=reserved.uuid)
    if form.is_bound and form.is_valid():
        person = form.reports[form.cleaned_data["person"]]
        try:
            made = reservations.name_person(
                actor=request.user, reservation=reserved, person=person, at=clock.now()
            )
        except PermissionDenied:
            raise Http404("No such reservation") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"{person.get_full_name()}: {made.get_status_display().lower()}. They were told."
            )
            return redirect("events:reservation", reservation_uuid=reserved.uuid)
    reserved.refresh_from_db()
    return render(
        request,
        "events/reservation.html",
        {
            "title": f"Places reserved on {reserved.session.event.title}",
            "reservation": reserved,
            "session": reserved.session,
            "form": form,
            "named": reserved.bookings.select_related("person").order_by("person__last_name"),
            "may_name": reserved.manager_id == request.user.pk
            and reserved.unnamed
            and not reserved.released_at,
            "breadcrumbs": _crumbs(),
        },
    )


class FeedbackForm(forms.Form):
    rating = forms.ChoiceField(
        label="How would you rate it?",
        choices=[
            ("5", "5, excellent"),
            ("4", "4, good"),
            ("3", "3, fair"),
            ("2", "2, poor"),
            ("1", "1, very poor"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a rating from 1 to 5",
            "invalid_choice": "“%(value)s” is not a rating: choose 1 to 5",
        },
    )
    recommend = forms.ChoiceField(
        label="Would you recommend it to a colleague?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say whether you would recommend it",
            "invalid_choice": "Choose yes or no",
        },
    )
    comments = text_area("What did you think? (optional)", required=False, rows=5)


@login_required
@require_http_methods(["GET", "POST"])
def feedback(request, booking_uuid):
    booking = selectors.access_booking(request.user, booking_uuid)
    if booking.person_id != request.user.pk:
        raise Http404("No such booking")
    given = Feedback.objects.filter(booking=booking).first()
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and given is None and form.is_valid():
        try:
            attendance.feedback_give(
                actor=request.user, booking=booking, rating=form.cleaned_data["rating"],
                would_recommend=form.cleaned_data["recommend"] == "yes", comments=form.cleaned_data["comments"],
                at=clock.now(),
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Thank you: your feedback is sent to the organisers.")
            return redirect("events:booking", booking_uuid=booking.uuid)
    return render(
        request,
        "events/feedback.html",
        {
            "title": f"Your feedback on {booking.session.event.title}",
            "form": form,
            "booking": booking,
            "given": given,
            "may_give": attendance.may_give_feedback(request.user, booking),
            "breadcrumbs": _crumbs(
                ("My bookings", reverse("events:bookings")),
                (booking.session.event.title, reverse("events:booking", args=[booking.uuid])),
            ),
        },
    )
