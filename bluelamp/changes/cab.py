"""The Change Advisory Board's meetings: planning one (its agenda built from the changes awaiting a
decision and the emergency decisions not yet reviewed), each member's recommendation, the
decision on each change with its reasons, and the minutes that close the meeting.

Writes check who acts (CAB members: `changes.approve`) and the input, then write and audit in one
transaction. A change left undecided when the meeting closes stays awaiting the CAB and goes on
the next meeting's agenda.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.changes import selectors
from bluelamp.changes.models import CabAgendaItem, CabMeeting, CabRecommendation, ChangeRequest

Status = ChangeRequest.Status
DECISIONS = {"approve": Status.APPROVED, "reject": Status.REJECTED, "defer": Status.DEFERRED}
WAITING = (Status.SUBMITTED, Status.DEFERRED)


def _require_member(actor) -> None:
    if actor is not None and not selectors.may_decide_changes(actor):
        raise PermissionDenied("Only CAB members run CAB meetings.")


def _audit(actor, action: str, obj, label: str, **changes) -> None:
    audit_record(actor=actor, action=f"changes.cab.{action}", obj=obj, object_label=label, **changes)


def _open(meeting: CabMeeting) -> CabMeeting:
    meeting = CabMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != CabMeeting.Status.PLANNED:
        raise ValidationError({"__all__": ["This meeting is closed: its minutes are recorded"]})
    return meeting


# --- reading --------------------------------------------------------------------------------


def meetings_visible(person) -> QuerySet[CabMeeting]:
    if not selectors.may_see_changes(person):
        return CabMeeting.objects.none()
    return CabMeeting.objects.order_by("-starts_at", "-pk")


def access_meeting(person, meeting_uuid) -> CabMeeting:
    meeting = meetings_visible(person).filter(uuid=meeting_uuid).first()
    if meeting is None:
        raise Http404("No such meeting")
    return meeting


def agenda(meeting: CabMeeting) -> list[CabAgendaItem]:
    items = list(meeting.items.select_related("rfc", "rfc__raised_by").order_by("order", "pk"))
    recommendations = CabRecommendation.objects.filter(item__meeting=meeting).select_related("member")
    by_item: dict[int, list[CabRecommendation]] = {}
    for recommendation in recommendations:
        by_item.setdefault(recommendation.item_id, []).append(recommendation)
    for item in items:
        item.recommendations_made = by_item.get(item.pk, [])  # type: ignore[attr-defined]
    return items


def awaiting_review() -> QuerySet[ChangeRequest]:
    """Emergency decisions no meeting has reviewed yet."""
    return ChangeRequest.objects.filter(emergency=True, emergency_reviewed_at__isnull=True)


# --- writing --------------------------------------------------------------------------------


@transaction.atomic
def cab_meeting_plan(*, actor, starts_at: dt.datetime | None, at: dt.datetime | None = None) -> CabMeeting:
    """A meeting, its agenda the changes awaiting a decision (oldest first, the most urgent
    first) and the emergency decisions to review. CAB members only (or the system)."""
    _require_member(actor)
    if starts_at is None:
        raise ValidationError({"starts_at": ["Enter when the meeting starts"]})
    at = at or timezone.now()
    meeting = CabMeeting.objects.create(starts_at=starts_at, created_by=actor, created_at=at)
    items = _add_to_agenda(meeting)
    _audit(actor, "plan", meeting, str(meeting), after={"starts_at": starts_at.isoformat(), "items": items})
    return meeting


def _add_to_agenda(meeting: CabMeeting) -> int:
    """Put on the agenda, after what is there, the emergency decisions to review and the changes
    awaiting a decision (most urgent, then oldest, first) that are not on it yet; how many."""
    present = set(meeting.items.values_list("rfc_id", flat=True))
    order = meeting.items.count()
    new: list[CabAgendaItem] = []
    for kind, rfcs in (
        (CabAgendaItem.Kind.REVIEW, awaiting_review().order_by("decided_at", "pk")),
        (
            CabAgendaItem.Kind.DECIDE,
            ChangeRequest.objects.filter(status__in=WAITING).order_by("priority", "created_at", "pk"),
        ),
    ):
        for rfc in rfcs:
            if rfc.pk not in present:
                present.add(rfc.pk)
                new.append(CabAgendaItem(meeting=meeting, rfc=rfc, kind=kind, order=order + len(new) + 1))
    CabAgendaItem.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def cab_agenda_refresh(*, actor, meeting: CabMeeting) -> int:
    """Add to a planned meeting the changes raised (or emergency decisions made) since it was
    planned; how many were added."""
    _require_member(actor)
    meeting = _open(meeting)
    added = _add_to_agenda(meeting)
    if added:
        _audit(actor, "agenda_refresh", meeting, str(meeting), after={"added": added})
    return added


@transaction.atomic
def cab_recommend(
    *, actor, item: CabAgendaItem, recommendation: str, comment: str = "", at: dt.datetime | None = None
) -> CabRecommendation:
    """A member's recommendation on a change to decide (a second one replaces their first)."""
    if actor is None or not selectors.may_decide_changes(actor):
        raise PermissionDenied("Only CAB members make recommendations.")
    _open(item.meeting)
    if item.kind != CabAgendaItem.Kind.DECIDE or item.decided_at is not None:
        raise ValidationError({"recommendation": [f"{item.rfc.reference} is not awaiting a decision here"]})
    if recommendation not in CabRecommendation.Choice.values:
        raise ValidationError({"recommendation": ["Choose approve, reject or defer"]})
    made, _ = CabRecommendation.objects.update_or_create(
        item=item,
        member=actor,
        defaults={
            "recommendation": recommendation,
            "comment": (comment or "").strip(),
            "at": at or timezone.now(),
        },
    )
    _audit(actor, "recommend", item.rfc, item.rfc.reference, after={"recommendation": recommendation})
    return made


@transaction.atomic
def cab_decide(
    *, actor, item: CabAgendaItem, decision: str, reason: str, at: dt.datetime | None = None
) -> ChangeRequest:
    """The CAB's decision on a change of the agenda, with its reasons; or, for an emergency
    decision, that the meeting reviewed it (decision "reviewed")."""
    _require_member(actor)
    meeting = _open(item.meeting)
    item = CabAgendaItem.objects.select_for_update().get(pk=item.pk)
    rfc = ChangeRequest.objects.select_for_update().get(pk=item.rfc_id)
    errors: dict[str, list[str]] = {}
    if item.decided_at is not None:
        errors["decision"] = [f"{rfc.reference} was decided at this meeting already"]
    elif item.kind == CabAgendaItem.Kind.REVIEW:
        if decision != "reviewed":
            errors["decision"] = ["An emergency decision is reviewed, not decided again"]
    elif decision not in DECISIONS:
        errors["decision"] = ["Choose approve, reject or defer"]
    elif rfc.status not in WAITING:
        errors["decision"] = [f"{rfc.reference} is {rfc.get_status_display().lower()} already"]
    if not (reason or "").strip():
        errors["reason"] = [
            "Give the reasons for the decision" if decision != "reviewed" else "Record what the review found"
        ]
    if errors:
        raise ValidationError(errors)
    at = at or timezone.now()
    before = rfc.status
    if item.kind == CabAgendaItem.Kind.REVIEW:
        rfc.emergency_reviewed_at = at
        item.decision = "reviewed"
    else:
        rfc.status = DECISIONS[decision]
        rfc.decided_by = actor
        rfc.decided_at = at
        rfc.decision_reason = reason.strip()
        rfc.decided_at_meeting = meeting
        item.decision = rfc.status
    rfc.updated_at = at
    rfc.save()
    item.reason = reason.strip()
    item.decided_at = at
    item.save()
    _audit(
        actor,
        "decide",
        rfc,
        rfc.reference,
        before={"status": before},
        after={
            "status": rfc.status,
            "decision": item.decision,
            "reason": item.reason,
            "meeting": str(meeting),
        },
    )
    return rfc


@transaction.atomic
def cab_meeting_close(
    *, actor, meeting: CabMeeting, minutes: str, attendees, at: dt.datetime | None = None
) -> CabMeeting:
    """Record who attended and the minutes; the meeting is held. Undecided changes stay awaiting
    the CAB (the next meeting's agenda)."""
    _require_member(actor)
    meeting = _open(meeting)
    errors: dict[str, list[str]] = {}
    if not (minutes or "").strip():
        errors["minutes"] = ["Enter the minutes of the meeting"]
    attendees = list(attendees)
    if not attendees:
        errors["attendees"] = ["Choose who attended"]
    elif not all(selectors.may_decide_changes(person) for person in attendees):
        errors["attendees"] = ["Only CAB members attend: choose them from the list"]
    if errors:
        raise ValidationError(errors)
    at = at or timezone.now()
    meeting.minutes = minutes.strip()
    meeting.status = CabMeeting.Status.CLOSED
    meeting.closed_at = at
    meeting.save()
    meeting.attendees.set(attendees)
    _audit(
        actor,
        "close",
        meeting,
        str(meeting),
        after={
            "attendees": [p.email for p in attendees],
            "undecided": meeting.items.filter(decided_at__isnull=True).count(),
        },
    )
    return meeting
