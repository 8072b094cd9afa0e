"""Writes to requests for change and releases. Each checks who acts first (PermissionDenied),
then the input (ValidationError naming the field, nothing written), then writes and audits in one
transaction.

`actor=None` is the system (the demo data, tests' factories): accepted where noted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.changes import selectors
from bluelamp.changes.guidance import Category, ChangePriority
from bluelamp.changes.models import ChangeFreeze, ChangeRequest, ReferenceCounter, Release, ReleaseGuide
from bluelamp.changes.notice import ReleaseType, earliest_release_day, rule_for
from bluelamp.notifications.api import email_queue_each, email_render
from bluelamp.organisations.api import key_contact_emails
from bluelamp.servicedesk.api import (
    Problem,
    Ticket,
    access_problem_for_staff,
    access_ticket_for_staff,
    check_attachment,
)

Status = ChangeRequest.Status


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def _require(actor, allowed, message: str) -> None:
    if actor is not None and not allowed(actor):
        raise PermissionDenied(message)


def _next_reference(kind: str, year: int) -> str:
    # One counter row per kind and year; its row lock serialises concurrent writers.
    counters = ReferenceCounter.objects.filter(kind=kind, year=year)
    if not counters.update(last_number=F("last_number") + 1):
        try:
            with transaction.atomic():
                ReferenceCounter.objects.create(kind=kind, year=year, last_number=1)
        except IntegrityError:
            counters.update(last_number=F("last_number") + 1)
    number = counters.values_list("last_number", flat=True).get()
    return f"{kind}-{year}-{number:04d}"


def _audit(actor, action: str, obj, label: str, **changes) -> None:
    audit_record(actor=actor, action=f"changes.{action}", obj=obj, object_label=label, **changes)


# --- requests for change ---------------------------------------------------------------------


@dataclass(frozen=True)
class RfcInput:
    title: str
    description: str
    category: str
    priority: int
    risk: str
    impact: str
    service: str
    implementation_plan: str
    test_plan: str
    backout_plan: str
    planned_start: dt.datetime | None = None
    planned_end: dt.datetime | None = None


def planned_errors(start: dt.datetime | None, end: dt.datetime | None) -> dict[str, list[str]]:
    """What is wrong with a change's planned start and end (both or neither; the end after the
    start), by field."""
    if (start is None) != (end is None):
        return {
            "planned_end" if end is None else "planned_start": [
                "Give both the planned start and end, or neither"
            ]
        }
    if start and end and end <= start:
        return {"planned_end": ["The planned end must be after the planned start"]}
    return {}


def _check_rfc(data: RfcInput) -> None:
    errors: dict[str, list[str]] = {}
    for name, label in (
        ("title", "a title"),
        ("description", "what is to change and why"),
        ("implementation_plan", "how the change is made (the implementation plan)"),
        ("test_plan", "how it is tested (the test plan)"),
        ("backout_plan", "how it is undone if it fails (the back-out plan)"),
    ):
        if not (getattr(data, name) or "").strip():
            errors[name] = [f"Enter {label}"]
    if data.category not in Category.values:
        errors["category"] = [f"Choose a category: {', '.join(Category.labels)}"]
    if data.priority not in ChangePriority.values:
        errors["priority"] = ["Choose a priority from 1 (emergency) to 4 (low)"]
    for name in ("risk", "impact"):
        if getattr(data, name) not in ChangeRequest.Level.values:
            errors[name] = [f"Choose the {name}: low, medium or high"]
    if data.service not in ChangeRequest.Service.values:
        errors["service"] = ["Choose the part of the service the change touches"]
    errors.update(planned_errors(data.planned_start, data.planned_end))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def rfc_create(*, actor, data: RfcInput, at: dt.datetime | None = None) -> ChangeRequest:
    """A request for change, awaiting the CAB. National desk staff and CAB members (or the system)."""
    _require(actor, selectors.may_raise_changes, "Only service-desk staff and CAB members raise changes.")
    _check_rfc(data)
    at = _now(at)
    rfc = ChangeRequest(
        reference=_next_reference("RFC", timezone.localtime(at).year),
        title=data.title.strip(),
        description=data.description.strip(),
        category=data.category,
        priority=data.priority,
        risk=data.risk,
        impact=data.impact,
        service=data.service,
        implementation_plan=data.implementation_plan.strip(),
        test_plan=data.test_plan.strip(),
        backout_plan=data.backout_plan.strip(),
        planned_start=data.planned_start,
        planned_end=data.planned_end,
        raised_by=actor,
        created_at=at,
        updated_at=at,
    )
    rfc.save()
    _audit(actor, "rfc.create", rfc, rfc.reference, after={"title": rfc.title, "priority": rfc.priority})
    return rfc


def _link(actor, rfc: ChangeRequest, *, what: str, reference: str, example: str, records, find, linked, at):
    """Link the desk's record `reference` (found by `find` for staff, in `records` for the system)
    to `rfc` through its `linked` many-to-many; `what` names it in errors, the form's field and the
    audit."""
    _require(actor, selectors.may_raise_changes, "Only service-desk staff and CAB members change RFCs.")
    reference = (reference or "").strip().upper()
    try:
        record = records.filter(reference=reference).first() if actor is None else find(actor, reference)
    except Http404:
        record = None
    if record is None:
        raise ValidationError(
            {what: [f"There is no {what} {reference or '(blank)'}: give a reference such as {example}"]}
        )
    if linked.filter(pk=record.pk).exists():
        raise ValidationError({what: [f"{record.reference} is already linked to {rfc.reference}"]})
    linked.add(record)
    ChangeRequest.objects.filter(pk=rfc.pk).update(updated_at=_now(at))
    _audit(actor, f"rfc.link_{what}", rfc, rfc.reference, after={what: record.reference})
    return record


@transaction.atomic
def rfc_link_problem(*, actor, rfc: ChangeRequest, problem_reference: str, at: dt.datetime | None = None):
    """Link a problem or known error (by its PRB- reference) that the change fixes."""
    return _link(
        actor, rfc, what="problem", reference=problem_reference, example="PRB-2026-0001",
        records=Problem.objects, find=access_problem_for_staff, linked=rfc.problems, at=at,
    )  # fmt: skip


@transaction.atomic
def rfc_link_ticket(*, actor, rfc: ChangeRequest, ticket_reference: str, at: dt.datetime | None = None):
    """Link a desk ticket (by its BL- reference): an incident the change fixes, or a P4 request
    whose planned work it is. The ticket's work page then shows the change."""
    return _link(
        actor, rfc, what="ticket", reference=ticket_reference, example="BL-2026-000123",
        records=Ticket.objects, find=access_ticket_for_staff, linked=rfc.tickets, at=at,
    )  # fmt: skip


DECISIONS = {
    "approve": Status.APPROVED,
    "reject": Status.REJECTED,
    "defer": Status.DEFERRED,
}


@transaction.atomic
def rfc_decide_emergency(
    *, actor, rfc: ChangeRequest, decision: str, reason: str, at: dt.datetime | None = None
) -> ChangeRequest:
    """The emergency CAB's decision on a priority 1 (emergency) change, outside a meeting: CAB
    members only; reviewed at the next meeting. Other changes wait for a meeting."""
    _require(actor, selectors.may_decide_changes, "Only CAB members decide changes.")
    rfc = ChangeRequest.objects.select_for_update().get(pk=rfc.pk)
    errors: dict[str, list[str]] = {}
    if rfc.priority != ChangePriority.EMERGENCY:
        errors["decision"] = [
            f"{rfc.reference} is priority {rfc.priority}: only emergency (priority 1) changes are decided "
            "outside a CAB meeting"
        ]
    elif rfc.status not in (Status.SUBMITTED, Status.DEFERRED):
        errors["decision"] = [
            f"{rfc.reference} is {rfc.get_status_display().lower()}: it was decided already"
        ]
    if decision not in DECISIONS:
        errors["decision"] = ["Choose approve, reject or defer"]
    if not (reason or "").strip():
        errors["reason"] = ["Give the reasons for the decision"]
    if errors:
        raise ValidationError(errors)
    at = _now(at)
    before = rfc.status
    rfc.status = DECISIONS[decision]
    rfc.decided_by = actor
    rfc.decided_at = at
    rfc.decision_reason = reason.strip()
    rfc.emergency = True
    rfc.updated_at = at
    rfc.save()
    _audit(
        actor,
        "rfc.decide_emergency",
        rfc,
        rfc.reference,
        before={"status": before},
        after={"status": rfc.status, "reason": rfc.decision_reason},
    )
    return rfc


# --- releases ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReleaseInput:
    title: str
    type: str
    planned_for: dt.date | None
    summary: str
    who_is_affected: str = ""
    faqs: str = ""
    changes: tuple[ChangeRequest, ...] = ()
    emergency_reason: str = ""


def _day(value: dt.date) -> str:
    return f"{value:%A} {value.day} {value:%B %Y}"


def notice_problem(
    release_type: str, planned_for: dt.date, *, notice_on: dt.date, emergency: bool
) -> str | None:
    """Why a release of this type cannot go live on `planned_for` with its notice sent on
    `notice_on` (None: it can). An emergency change approved by CAB lifts the notice period."""
    earliest = earliest_release_day(release_type, notice_on)
    if planned_for >= earliest or emergency:
        return None
    rule = rule_for(release_type)
    return (
        f"A {ReleaseType(release_type).label.lower()} release needs {rule.period}' notice to licensees. "
        f"With the notice sent on {_day(notice_on)}, the earliest day it can go live is {_day(earliest)}"
        f" ({earliest.isoformat()}). Only a release carrying an emergency change approved by CAB may go "
        "live sooner."
    )


def _check_release(data: ReleaseInput, *, notice_on: dt.date, release: Release | None = None) -> bool:
    """Checks the input; True if the release goes live inside its notice period (an emergency)."""
    errors: dict[str, list[str]] = {}
    if not data.title.strip():
        errors["title"] = ["Enter a title"]
    if not data.summary.strip():
        errors["summary"] = ["Enter what changes, for the release notes"]
    if data.type not in ReleaseType.values:
        errors["type"] = [f"Choose the kind of release: {', '.join(ReleaseType.labels)}"]
    unapproved = [c.reference for c in data.changes if c.status != Status.APPROVED]
    if unapproved:
        errors["changes"] = [
            f"Only approved changes go into a release: {', '.join(unapproved)} is not approved"
        ]
    others = Release.objects.filter(changes__in=data.changes).exclude(status=Release.Status.CANCELLED)
    if release is not None:
        others = others.exclude(pk=release.pk)
    taken = others.values_list("changes__reference", "reference").distinct()
    wanted = {c.reference for c in data.changes}
    elsewhere = sorted(f"{change} is in {release}" for change, release in taken if change in wanted)
    if elsewhere:
        errors.setdefault("changes", []).append(f"A change goes into one release: {', '.join(elsewhere)}")
    emergency = any(
        c.priority == ChangePriority.EMERGENCY and c.status == Status.APPROVED for c in data.changes
    )
    inside = False
    if data.planned_for is None:
        errors["planned_for"] = ["Enter the day the release goes live, for example 15 3 2027"]
    elif data.planned_for < notice_on:
        errors["planned_for"] = [f"The day it goes live must be {_day(notice_on)} or later"]
    elif "type" not in errors:
        problem = notice_problem(data.type, data.planned_for, notice_on=notice_on, emergency=emergency)
        if problem:
            errors["planned_for"] = [problem]
        inside = data.planned_for < earliest_release_day(data.type, notice_on)
        if inside and emergency and not data.emergency_reason.strip():
            errors["emergency_reason"] = [
                "Say why it goes live inside its notice period: the licensees are told this reason"
            ]
    if errors:
        raise ValidationError(errors)
    return inside


@transaction.atomic
def release_create(*, actor, data: ReleaseInput, at: dt.datetime | None = None) -> Release:
    """A planned release. Its day must leave the notice its type needs, counted from today (the
    earliest its notice can go), unless it carries an approved emergency change and says why.
    Service leads only (or the system)."""
    _require(actor, selectors.may_manage_releases, "Only the service's leads plan releases.")
    at = _now(at)
    inside = _check_release(data, notice_on=timezone.localdate(at))
    assert data.planned_for is not None  # checked above
    release = Release(
        reference=_next_reference("REL", timezone.localtime(at).year),
        title=data.title.strip(),
        type=data.type,
        planned_for=data.planned_for,
        summary=data.summary.strip(),
        who_is_affected=data.who_is_affected.strip(),
        faqs=data.faqs.strip(),
        emergency_reason=data.emergency_reason.strip() if inside else "",
        created_by=actor,
        created_at=at,
        updated_at=at,
    )
    release.save()
    release.changes.set(data.changes)
    _audit(
        actor,
        "release.create",
        release,
        release.reference,
        after={
            "type": release.type,
            "planned_for": release.planned_for.isoformat(),
            "changes": [c.reference for c in data.changes],
            "emergency_reason": release.emergency_reason,
        },
    )
    return release


@transaction.atomic
def release_reschedule(
    *,
    actor,
    release: Release,
    planned_for: dt.date | None,
    emergency_reason: str = "",
    at: dt.datetime | None = None,
) -> Release:
    """Move a release's day. Announced, its notice counts from the day it was sent, and the
    licensees' key contacts are sent the notes again with the new day; not yet announced, its
    notice counts from today."""
    _require(actor, selectors.may_manage_releases, "Only the service's leads plan releases.")
    release = Release.objects.select_for_update().get(pk=release.pk)
    if release.status in (Release.Status.DEPLOYED, Release.Status.CANCELLED):
        raise ValidationError(
            {
                "planned_for": [
                    f"{release.reference} is {release.get_status_display().lower()}: it cannot move"
                ]
            }
        )
    at = _now(at)
    data = ReleaseInput(
        title=release.title,
        type=release.type,
        planned_for=planned_for,
        summary=release.summary,
        changes=tuple(release.changes.all()),
        emergency_reason=emergency_reason,
    )
    inside = _check_release(data, notice_on=release.notice_on or timezone.localdate(at), release=release)
    assert planned_for is not None  # checked above
    before = release.planned_for
    release.planned_for = planned_for
    release.emergency_reason = emergency_reason.strip() if inside else ""
    release.updated_at = at
    release.save()
    _audit(
        actor,
        "release.reschedule",
        release,
        release.reference,
        before={"planned_for": before.isoformat()},
        after={"planned_for": release.planned_for.isoformat(), "emergency_reason": release.emergency_reason},
    )
    if release.status == Release.Status.ANNOUNCED and release.planned_for != before:
        _send_release_notes(release, deployed=False, on=timezone.localdate(at), moved_from=before)
    return release


# --- announcing and deploying: release notes to the licensees' key contacts --------------------


def _send_release_notes(
    release: Release, *, deployed: bool, on: dt.date, moved_from: dt.date | None = None
) -> int:
    """Queue the release notes to every key contact of every licence in force, each separately
    (sent by a task after commit); how many."""
    recipients = key_contact_emails(on=on)
    rule = rule_for(release.type)
    kind = ReleaseType(release.type).label.lower()
    if deployed:
        heading = f"Now live: {release.title}"
    elif moved_from is not None:
        heading = f"Moved from {_day(moved_from)} to {_day(release.planned_for)}: {release.title}"
    else:
        heading = f"Coming on {_day(release.planned_for)}: {release.title}"
    text, html = email_render(
        "changes/email/release_notes",
        {
            "heading": heading,
            "release": release,
            "kind": kind,
            "day": _day(release.planned_for),
            "deployed": deployed,
            "impact": rule.licensee_impact,
            "guides": list(release.guides.order_by("uploaded_at", "pk")),
        },
    )
    return email_queue_each(
        recipients,
        subject=f"Bluelamp release notes: {heading}",
        text=text,
        html=html,
        headers={"Auto-Submitted": "auto-generated"},
        kind="changes.release_notes",
    )


@transaction.atomic
def release_announce(*, actor, release: Release, at: dt.datetime | None = None) -> int:
    """Send a planned release's notes to the licensees: its notice counts from today, so its day
    must still leave the notice its type needs (or carry an approved emergency change and its
    reason). How many key contacts it went to."""
    _require(actor, selectors.may_manage_releases, "Only the service's leads announce releases.")
    release = Release.objects.select_for_update().get(pk=release.pk)
    if release.status != Release.Status.PLANNED:
        raise ValidationError(
            {
                "__all__": [
                    f"{release.reference} is {release.get_status_display().lower()}: only a planned release is announced"
                ]
            }
        )
    at = _now(at)
    today = timezone.localdate(at)
    data = ReleaseInput(
        title=release.title,
        type=release.type,
        planned_for=release.planned_for,
        summary=release.summary,
        changes=tuple(release.changes.all()),
        emergency_reason=release.emergency_reason,
    )
    _check_release(data, notice_on=today, release=release)
    release.status = Release.Status.ANNOUNCED
    release.notice_on = today
    release.updated_at = at
    release.save()
    sent = _send_release_notes(release, deployed=False, on=today)
    _audit(
        actor,
        "release.announce",
        release,
        release.reference,
        after={"notice_on": today.isoformat(), "sent_to": sent},
    )
    return sent


@transaction.atomic
def release_deploy(*, actor, release: Release, at: dt.datetime | None = None) -> int:
    """Record that an announced release is live: its changes are implemented, and the licensees'
    key contacts get the notes again. How many key contacts they went to."""
    _require(actor, selectors.may_manage_releases, "Only the service's leads record deployments.")
    release = Release.objects.select_for_update().get(pk=release.pk)
    if release.status != Release.Status.ANNOUNCED:
        raise ValidationError(
            {
                "__all__": [
                    f"{release.reference} is {release.get_status_display().lower()}: announce it before it goes live"
                ]
            }
        )
    at = _now(at)
    release.status = Release.Status.DEPLOYED
    release.deployed_at = at
    release.updated_at = at
    release.save()
    release.changes.filter(status=Status.APPROVED).update(status=Status.IMPLEMENTED, updated_at=at)
    sent = _send_release_notes(release, deployed=True, on=timezone.localdate(at))
    _audit(actor, "release.deploy", release, release.reference, after={"sent_to": sent})
    return sent


# --- freezes and post-implementation reviews ---------------------------------------------------


@transaction.atomic
def freeze_create(
    *, actor, starts_on: dt.date | None, ends_on: dt.date | None, reason: str, at=None
) -> ChangeFreeze:
    """A change freeze (service leads only, or the system)."""
    _require(actor, selectors.may_manage_releases, "Only the service's leads record change freezes.")
    errors: dict[str, list[str]] = {}
    if starts_on is None:
        errors["starts_on"] = ["Enter the first day of the freeze, for example 2026-12-21"]
    if ends_on is None:
        errors["ends_on"] = ["Enter the last day of the freeze, for example 2027-01-04"]
    elif starts_on is not None and ends_on < starts_on:
        errors["ends_on"] = ["The last day must be on or after the first"]
    if not (reason or "").strip():
        errors["reason"] = ["Say why nothing may change then, for example “Year-end exams”"]
    if errors:
        raise ValidationError(errors)
    assert starts_on is not None and ends_on is not None  # checked above
    freeze = ChangeFreeze.objects.create(
        starts_on=starts_on, ends_on=ends_on, reason=reason.strip(), created_by=actor, created_at=_now(at)
    )
    _audit(actor, "freeze.create", freeze, str(freeze), after={"reason": freeze.reason})
    return freeze


@transaction.atomic
def freeze_delete(*, actor, freeze: ChangeFreeze) -> None:
    _require(actor, selectors.may_manage_releases, "Only the service's leads remove change freezes.")
    _audit(actor, "freeze.delete", freeze, str(freeze), before={"reason": freeze.reason})
    freeze.delete()


@transaction.atomic
def rfc_review(
    *, actor, rfc: ChangeRequest, outcome: str, notes: str, at: dt.datetime | None = None
) -> ChangeRequest:
    """The post-implementation review of an implemented change: successful, successful with
    issues, or backed out (which the change success rate counts)."""
    _require(actor, selectors.may_raise_changes, "Only service-desk staff and CAB members review changes.")
    rfc = ChangeRequest.objects.select_for_update().get(pk=rfc.pk)
    errors: dict[str, list[str]] = {}
    if rfc.status != Status.IMPLEMENTED:
        errors["outcome"] = [
            f"{rfc.reference} is {rfc.get_status_display().lower()}: only an implemented change is reviewed"
        ]
    elif outcome not in ChangeRequest.Outcome.values:
        errors["outcome"] = ["Choose successful, successful with issues, or backed out"]
    if not (notes or "").strip():
        errors["notes"] = ["Record what the review found"]
    if errors:
        raise ValidationError(errors)
    at = _now(at)
    rfc.review_outcome = outcome
    rfc.review_notes = notes.strip()
    rfc.reviewed_at = at
    rfc.reviewed_by = actor
    rfc.updated_at = at
    rfc.save()
    _audit(actor, "rfc.review", rfc, rfc.reference, after={"outcome": outcome})
    return rfc


# --- guides attached to a release's notes ------------------------------------------------------


@transaction.atomic
def release_guide_add(
    *, actor, release: Release, title: str, upload, at: dt.datetime | None = None
) -> ReleaseGuide:
    """Attach a guide to a release's notes (the desk's rules for attachments: PDF, images, office
    files, text; 10 MB). Not to a cancelled release."""
    _require(actor, selectors.may_manage_releases, "Only the service's leads attach guides to releases.")
    errors: dict[str, list[str]] = {}
    if release.status == Release.Status.CANCELLED:
        errors["title"] = ["This release is cancelled: its notes take no guides"]
    if not (title or "").strip():
        errors["title"] = ["Enter the guide's title, for example “Quick guide to the new catalogue”"]
    content_type = ""
    if upload is None:
        errors["file"] = ["Choose the guide's file"]
    else:
        try:
            content_type = check_attachment(upload)
        except ValidationError as error:
            errors["file"] = error.messages
    if errors:
        raise ValidationError(errors)
    guide = ReleaseGuide(
        release=release, title=title.strip(), name=(upload.name or "guide")[-200:], content_type=content_type,
        size=upload.size, uploaded_by=actor, uploaded_at=_now(at),
    )  # fmt: skip
    guide.file.save(guide.name, upload, save=False)
    guide.save()
    _audit(
        actor,
        "release.guide_added",
        release,
        release.reference,
        after={"guide": guide.title, "file": guide.name},
    )
    return guide


@transaction.atomic
def release_guide_remove(*, actor, guide: ReleaseGuide) -> None:
    _require(actor, selectors.may_manage_releases, "Only the service's leads remove guides.")
    release = guide.release
    _audit(actor, "release.guide_removed", release, release.reference, before={"guide": guide.title})
    stored, storage = guide.file.name, guide.file.storage
    guide.delete()
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))
