"""The register and what follows it: who came, the course activity their attendance completes,
and their feedback.

The register is taken by the session's trainers or the event's administrators, from the start of
the session's first date. Each person with a place is marked attended, partly attended or did not
attend (a late cancellation is marked by the cancelling itself). Attending completes the event's
activity in its course (the activity kind "event", registered by plugins.py, whose target is the
event): the learner record, the course's completion and through it compliance and certificates
follow at once, in the same transaction. Someone not enrolled on the course is enrolled as they
are marked (a renewal for someone who completed it before). Partly attending starts the activity
without completing it. A completion is never undone by a later correction of the register: the
learner record keeps what was once completed; the register shows the correction.

Feedback: someone who attended (or partly) gives a rating out of 5, whether they would recommend
the event, and what they thought, once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.core.timefmt import format_datetime
from bluelamp.events import selectors
from bluelamp.events.models import Booking, EventSession, Feedback
from bluelamp.learning.api import activity_result, enrol_required, live_enrolment

ACTIVITY_KIND = "event"
Attendance = Booking.Attendance
MARKABLE = (Attendance.ATTENDED, Attendance.PARTIAL, Attendance.NO_SHOW)


def may_take_register(person, session: EventSession) -> bool:
    return selectors.may_administer(person, session.event) or selectors.is_trainer(person, session)


def register_opens(session: EventSession) -> dt.datetime:
    return session.starts_at


def register_rows(session: EventSession):
    """Everyone with a confirmed place, and those who cancelled late, by surname."""
    return (
        Booking.objects.filter(session=session)
        .filter(Q(status=Booking.Status.BOOKED) | Q(attendance=Attendance.LATE_CANCEL))
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "pk")
    )


def mark(*, actor, session: EventSession, marks: Mapping[int, str], at: dt.datetime | None = None) -> int:
    """Record the register: `marks` maps booking ids to attended, partial or no_show. Nothing is
    written if any mark is bad. How many changed."""
    at = at or timezone.now()
    if actor is not None and not may_take_register(actor, session):
        raise PermissionDenied(
            "Only the session's trainers and the event's administrators take the register."
        )
    if at < register_opens(session):
        raise ValidationError(
            {
                "register": [
                    f"The register opens when the session starts, on {format_datetime(session.starts_at)}"
                ]
            }
        )
    bad = sorted({value for value in marks.values() if value not in MARKABLE})
    if bad:
        raise ValidationError(
            {"register": [f"“{bad[0]}” is not a mark: use attended, partly attended or did not attend"]}
        )
    event = session.event
    changed = 0
    with transaction.atomic():
        rows = {
            booking.pk: booking
            for booking in Booking.objects.select_for_update(of=("self",))
            .filter(session=session, pk__in=list(marks), status=Booking.Status.BOOKED)
            .select_related("person")
        }
        missing = [pk for pk in marks if pk not in rows]
        if missing:
            raise ValidationError(
                {"register": ["Someone on the register no longer has a place: reload the page"]}
            )
        for pk, value in marks.items():
            booking = rows[pk]
            if booking.attendance == value:
                continue
            before = booking.attendance
            booking.attendance = value
            booking.attendance_marked_at = at
            booking.attendance_marked_by = actor
            booking.save(update_fields=["attendance", "attendance_marked_at", "attendance_marked_by"])
            audit_record(
                actor=actor, action="events.attendance_marked", obj=booking,
                object_label=f"{session} ({booking.person_id})", before={"attendance": before},
                after={"attendance": value},
            )  # fmt: skip
            if event.course_id is not None and value in (Attendance.ATTENDED, Attendance.PARTIAL):
                _record_learning(booking, value, at=at)
            changed += 1
    return changed


def _record_learning(booking: Booking, value: str, *, at: dt.datetime) -> None:
    event = booking.session.event
    course = event.course
    if course is None:
        return
    person = booking.person
    enrolment = live_enrolment(person, course)
    if enrolment is None or enrolment.status not in ("active",):
        try:
            enrol_required(
                person=person, course=course, due_on=None, at=at, again_after_completion=True,
                reason=f"Attended {event.title} ({format_datetime(booking.session.starts_at)})",
            )  # fmt: skip
        except ValidationError:
            return  # the course is not available to them (not published, not licensed): nothing to complete
    activity_result(
        person=person, course=course, kind=ACTIVITY_KIND, target=str(event.uuid),
        status="completed" if value == Attendance.ATTENDED else "in_progress", at=at,
    )  # fmt: skip


def may_give_feedback(person, booking: Booking) -> bool:
    return (
        booking.person_id == getattr(person, "pk", None)
        and booking.attendance in (Attendance.ATTENDED, Attendance.PARTIAL)
        and not Feedback.objects.filter(booking=booking).exists()
    )


def feedback_give(
    *, actor, booking: Booking, rating, would_recommend, comments: str = "", at: dt.datetime | None = None
) -> Feedback:
    at = at or timezone.now()
    if booking.person_id != actor.pk:
        raise PermissionDenied("Only the person who attended gives their feedback.")
    booking.refresh_from_db(fields=["attendance"])
    if booking.attendance not in (Attendance.ATTENDED, Attendance.PARTIAL):
        raise ValidationError(
            {"rating": ["Feedback is for those who attended: the register does not show you did"]}
        )
    errors: dict[str, list[str]] = {}
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        errors["rating"] = ["Choose a rating from 1 (poor) to 5 (excellent)"]
    if would_recommend not in (True, False):
        errors["would_recommend"] = ["Say whether you would recommend it: yes or no"]
    if len(comments or "") > 5000:
        errors["comments"] = [f"Write at most 5,000 characters: this has {len(comments):,}"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if Feedback.objects.select_for_update(of=("self",)).filter(booking=booking).exists():
            raise ValidationError({"rating": ["You have already given your feedback on this session"]})
        feedback = Feedback.objects.create(
            booking=booking, rating=rating, would_recommend=would_recommend,
            comments=(comments or "").strip(), submitted_at=at,
        )  # fmt: skip
    return feedback
