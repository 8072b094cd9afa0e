"""Writing tickets. Every write checks its input in full, runs in one transaction, lands in the
audit log, and sends e-mail to the requester only after commit.

Every service takes `at` (aware; default now) so that history can be recorded as it happened
and tests can say "16:30 on a Friday" without patching the clock. Events on one ticket must not
go back in time: `at` before the ticket's last activity is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.servicedesk.incidents import complaints
from bluelamp.servicedesk.models import Attachment, Category, Contact, Ticket, TicketCounter, TicketEvent
from bluelamp.servicedesk.sla import Impact, Priority, Urgency, suggest_priority
from bluelamp.servicedesk.tickets import emails
from bluelamp.servicedesk.tickets.attachments import check_uploads
from bluelamp.servicedesk.tickets.history import due_times_from_history, warning_time_from_history
from bluelamp.servicedesk.tickets.selectors import AT_RISK_SHARE, is_desk_staff, may_see_as_requester
from bluelamp.servicedesk.working_time import WORKING_DAY, working_time_between

Status = Ticket.Status
Tier = Ticket.Tier
Kind = TicketEvent.Kind
PUBLIC = TicketEvent.Visibility.PUBLIC
INTERNAL = TicketEvent.Visibility.INTERNAL

TIER_ORDER: list[str] = list(Tier.values)
# The author shown on the timeline for what Bluelamp does by itself (closing after the window).
SYSTEM_AUTHOR = "Bluelamp (automatic)"
# A requester's reply this long after resolution reopens the ticket; later, it is closed.
REOPEN_WINDOW = 10 * WORKING_DAY

# Which statuses staff may move a ticket to, from each status.
_WORKING = {Status.OPEN, Status.AWAITING_CUSTOMER, Status.AWAITING_THIRD_PARTY, Status.RESOLVED}
ALLOWED_STATUS_CHANGES: dict[str, set[str]] = {
    Status.NEW: _WORKING,
    Status.OPEN: _WORKING,
    Status.AWAITING_CUSTOMER: _WORKING,
    Status.AWAITING_THIRD_PARTY: _WORKING,
    Status.REOPENED: _WORKING,
    Status.RESOLVED: {Status.CLOSED, Status.REOPENED},
    Status.CLOSED: {Status.REOPENED},
}


# --- helpers ------------------------------------------------------------------------------------


def _now(at: dt.datetime | None) -> dt.datetime:
    if at is None:
        return timezone.now()
    if timezone.is_naive(at):
        raise ValueError(f"at={at.isoformat()} has no time zone: give an aware datetime")
    return at


def _require_staff(actor) -> None:
    if not is_desk_staff(actor):
        raise PermissionDenied("Only service-desk staff may do this.")


def _text(value: str | None) -> str:
    return (value or "").strip()


def _require_reason(reason: str, what: str) -> str:
    reason = _text(reason)
    if not reason:
        raise ValidationError({"reason": f"Enter the reason for {what}"})
    return reason


def _choice(enum, value, field: str, what: str) -> str:
    if value not in enum.values:
        accepted = ", ".join(str(label) for label in enum.labels)
        raise ValidationError({field: f"{what} {value!r} is not one of: {accepted}"})
    return value


def _lock(ticket: Ticket, at: dt.datetime) -> Ticket:
    """The ticket, locked for this transaction, with `at` checked against its history."""
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if at < locked.last_activity_at:
        raise ValidationError(
            f"{locked.reference} was last updated at {timezone.localtime(locked.last_activity_at):%H:%M on %d %B %Y}: "
            "a new entry cannot be dated earlier."
        )
    return locked


def _person_name(person) -> str:
    return person.get_full_name() if person is not None else ""


def _event(
    ticket: Ticket, *, kind: str, at: dt.datetime, author=None, visibility=INTERNAL, **fields
) -> TicketEvent:
    event = TicketEvent(
        ticket=ticket,
        kind=kind,
        at=at,
        author=author if getattr(author, "pk", None) else None,
        author_name=fields.pop("author_name", "")
        or _person_name(author if getattr(author, "pk", None) else None),
        visibility=visibility,
        **fields,
    )
    event.full_clean(exclude=["ticket"])
    event.save()
    return event


def _save_attachments(ticket: Ticket, event: TicketEvent, uploads: Sequence, content_types, uploader) -> None:
    for upload, content_type in zip(uploads, content_types, strict=True):
        attachment = Attachment(
            ticket=ticket,
            event=event,
            name=(upload.name or "file")[-200:],
            content_type=content_type,
            size=upload.size,
            uploaded_by=uploader if getattr(uploader, "pk", None) else None,
        )
        attachment.file.save(attachment.name, upload, save=False)
        attachment.save()


def _recompute_due(ticket: Ticket) -> None:
    """Set the due times from the ticket's whole history (its status changes in the database)."""
    changes = [
        (event.at, event.to_value)
        for event in ticket.events.filter(kind=Kind.STATUS).only("at", "to_value").order_by("at", "pk")
    ]
    _set_due_times(ticket, changes)


def _set_due_times(ticket: Ticket, changes: Sequence[tuple[dt.datetime, str]]) -> None:
    targets = due_times_from_history(
        priority=ticket.priority, logged_at=ticket.created_at, status_changes=changes
    )
    ticket.response_due = targets.response_due
    ticket.resolution_due = targets.resolution_due
    # The breach warning's instant (bluelamp.servicedesk.monitoring), stored so that finding the
    # tickets to warn is one indexed comparison.
    ticket.resolution_warn_at = warning_time_from_history(
        priority=ticket.priority, logged_at=ticket.created_at, status_changes=changes, share=AT_RISK_SHARE
    )


def _next_reference(year: int) -> str:
    # One row per year, incremented in place: the UPDATE's row lock serialises concurrent
    # loggers, and numbers are never reused.
    if not TicketCounter.objects.filter(year=year).update(last_number=F("last_number") + 1):
        try:
            with transaction.atomic():
                TicketCounter.objects.create(year=year, last_number=1)
        except IntegrityError:
            TicketCounter.objects.filter(year=year).update(last_number=F("last_number") + 1)
    number = TicketCounter.objects.values_list("last_number", flat=True).get(year=year)
    return f"BL-{year}-{number:06d}"


def _audit(actor, action: str, ticket: Ticket, **changes) -> None:
    audit_record(
        actor=actor,
        action=f"servicedesk.{action}",
        organisation=ticket.organisation,
        obj=ticket,
        object_label=ticket.reference,
        **changes,
    )


def _change_status(ticket: Ticket, *, status: str, at: dt.datetime, actor, reason: str = "") -> TicketEvent:
    """Record a status change and its consequences on the ticket (not saved)."""
    event = _event(
        ticket,
        kind=Kind.STATUS,
        at=at,
        author=actor,
        from_value=ticket.status,
        to_value=status,
        reason=reason,
    )
    ticket.status = status
    if status == Status.RESOLVED:
        ticket.resolved_at = at
    elif status == Status.CLOSED:
        ticket.closed_at = at
    elif status == Status.REOPENED:
        ticket.resolved_at = None
        ticket.closed_at = None
    _recompute_due(ticket)
    return event


def _priority_for(*, impact: str, urgency: str) -> Priority:
    return suggest_priority(
        impact=_choice(Impact, impact, "impact", "Impact"),
        urgency=_choice(Urgency, urgency, "urgency", "Urgency"),
    )


# --- creating -----------------------------------------------------------------------------------


def ticket_create(
    *,
    actor,
    type: str,
    subject: str,
    description: str,
    channel: str = Ticket.Channel.WEB,
    category: Category | None = None,
    requester=None,
    requester_name: str = "",
    requester_email: str = "",
    impact: str = Impact.ONE_PERSON,
    urgency: str = Urgency.INCONVENIENCE,
    priority: str | None = None,
    priority_reason: str = "",
    attachments: Sequence = (),
    at: dt.datetime | None = None,
) -> Ticket:
    """Log a ticket and send the requester an acknowledgement with its reference.

    `actor` is who logs it: the requester themself (signed in), None for a member of the public
    (a general enquiry, with a name and e-mail address), or an adviser logging it for someone
    (phone, e-mail). The priority follows the impact and urgency answers; only staff may set
    another, with a reason.
    """
    at = _now(at)
    staff = is_desk_staff(actor)
    _choice(Ticket.Type, type, "type", "Type")
    _choice(Ticket.Channel, channel, "channel", "Channel")
    suggested = _priority_for(impact=impact, urgency=urgency)
    priority_reason = _text(priority_reason)
    if priority is None or priority == suggested:
        priority, priority_reason = suggested, ""
    else:
        if not staff:
            raise PermissionDenied("Only service-desk staff may choose a ticket's priority.")
        _choice(Priority, priority, "priority", "Priority")
        _require_reason(priority_reason, f"choosing {priority} rather than the suggested {suggested}")
    if requester is not None:
        if not requester.is_active:
            raise ValidationError(
                {"requester": f"{requester.get_full_name()} has left: their account is inactive."}
            )
        requester_name = _text(requester_name) or requester.get_full_name()
        requester_email = _text(requester_email) or requester.email
    elif actor is not None and not staff:
        # A signed-in person raises tickets for themself.
        requester = actor
        requester_name, requester_email = actor.get_full_name(), actor.email
    if requester is None and getattr(actor, "pk", None) is None and type != Ticket.Type.GENERAL_ENQUIRY:
        raise ValidationError(
            {"type": "Sign in to report a problem; without signing in you can send a general enquiry."}
        )
    if category is not None and not category.is_active and not staff:
        raise ValidationError(
            {"category": f"The category “{category.name}” is no longer used: choose another."}
        )
    errors = {}
    if not _text(subject):
        errors["subject"] = "Enter a subject: a few words that sum up the request"
    if not _text(description):
        errors["description"] = "Enter the details of the request"
    if not _text(requester_name):
        errors["requester_name"] = "Enter the requester's name"
    if errors:
        raise ValidationError(errors)
    content_types = check_uploads(attachments)
    ticket = Ticket(
        type=type,
        channel=channel,
        requester=requester,
        requester_name=_text(requester_name),
        requester_email=_text(requester_email).lower() if requester is None else _text(requester_email),
        organisation=requester.organisation if requester is not None else None,
        category=category,
        impact=impact,
        urgency=urgency,
        suggested_priority=suggested,
        priority=priority,
        priority_reason=priority_reason,
        subject=_text(subject),
        description=_text(description),
        created_at=at,
        last_activity_at=at,
        reference="pending",
    )
    if channel != Ticket.Channel.PHONE and not ticket.requester_email:
        raise ValidationError({"requester_email": "Enter an e-mail address so that we can reply"})
    _set_due_times(ticket, ())
    ticket.full_clean(exclude=["reference"])
    with transaction.atomic():
        ticket.reference = _next_reference(timezone.localtime(at).year)
        ticket.save()
        event = _event(
            ticket,
            kind=Kind.CREATED,
            at=at,
            author=actor,
            author_name=_person_name(actor) if getattr(actor, "pk", None) else ticket.requester_name,
            visibility=PUBLIC,
            body=ticket.description,
            to_value=priority,
            reason=priority_reason,
        )
        _save_attachments(ticket, event, attachments, content_types, actor or requester)
        _audit(
            actor,
            "ticket_create",
            ticket,
            after={
                "type": type,
                "channel": channel,
                "priority": priority,
                "suggested_priority": suggested,
                "priority_reason": priority_reason,
                "requester": ticket.requester_name,
            },
        )
        if ticket.requester_email:
            transaction.on_commit(partial(emails.send_acknowledgement, ticket.pk))
    return ticket


def contact_log(
    *,
    actor,
    caller_name: str,
    outcome: str,
    caller_phone: str = "",
    caller_email: str = "",
    person=None,
    new_ticket: dict | None = None,
    ticket: Ticket | None = None,
    not_logged_reason: str = "",
    at: dt.datetime | None = None,
) -> Contact:
    """Record a phone call an adviser took, and exactly one of: a new ticket raised from it
    (`new_ticket`: the arguments of `ticket_create` besides who, when and how), the existing
    ticket it was about, or why it was not logged as a ticket."""
    at = _now(at)
    _require_staff(actor)
    not_logged_reason = _text(not_logged_reason)
    chosen = sum(bool(x) for x in (new_ticket, ticket, not_logged_reason))
    if chosen != 1:
        raise ValidationError(
            {
                "logged_as": "Choose one: raise a new ticket, add the call to an existing ticket, or say why it is not logged"
            }
        )
    contact = Contact(
        caller_name=_text(caller_name) or _person_name(person),
        caller_phone=_text(caller_phone),
        caller_email=_text(caller_email) or (person.email if person is not None else ""),
        person=person,
        adviser=actor,
        at=at,
        outcome=_text(outcome),
        not_logged_reason=not_logged_reason,
    )
    contact.full_clean(exclude=["ticket", "adviser", "person"])
    with transaction.atomic():
        if new_ticket:
            ticket = ticket_create(
                actor=actor,
                channel=Ticket.Channel.PHONE,
                requester=person,
                requester_name=contact.caller_name,
                requester_email=contact.caller_email,
                at=at,
                **new_ticket,
            )
            contact.created_ticket = True
        elif ticket is not None:
            ticket = _lock(ticket, at)
            _event(
                ticket,
                kind=Kind.NOTE,
                at=at,
                author=actor,
                body=f"Phone call from {contact.caller_name}: {contact.outcome}",
            )
            ticket.last_activity_at = at
            ticket.save(update_fields=["last_activity_at"])
        contact.ticket = ticket
        contact.save()
        audit_record(
            actor=actor,
            action="servicedesk.contact_log",
            organisation=ticket.organisation if ticket else None,
            obj=contact,
            after={
                "caller": contact.caller_name,
                "ticket": ticket.reference if ticket else None,
                "not_logged_reason": not_logged_reason,
            },
        )
    return contact


# --- the timeline -------------------------------------------------------------------------------


def ticket_reply(
    *,
    actor,
    ticket: Ticket,
    body: str,
    attachments: Sequence = (),
    await_customer: bool = False,
    at: dt.datetime | None = None,
) -> Ticket:
    """A reply the requester sees. From staff: e-mailed to the requester; the first is the
    response the SLA measures; `await_customer` then pauses the clock until they answer. From
    the requester (or a key contact of their organisation): see `ticket_customer_reply`."""
    at = _now(at)
    if ticket.requester_id is not None and actor is not None and actor.pk == ticket.requester_id:
        return ticket_customer_reply(ticket=ticket, author=actor, body=body, attachments=attachments, at=at)
    if not is_desk_staff(actor):
        if may_see_as_requester(actor, ticket):
            return ticket_customer_reply(
                ticket=ticket, author=actor, body=body, attachments=attachments, at=at
            )
        raise PermissionDenied("You cannot reply to this ticket.")
    body = _text(body)
    if not body:
        raise ValidationError({"body": "Enter your reply"})
    content_types = check_uploads(attachments)
    with transaction.atomic():
        ticket = _lock(ticket, at)
        if ticket.status == Status.CLOSED:
            raise ValidationError(f"{ticket.reference} is closed: reopen it before replying.")
        event = _event(ticket, kind=Kind.REPLY, at=at, author=actor, visibility=PUBLIC, body=body)
        _save_attachments(ticket, event, attachments, content_types, actor)
        first = ticket.first_response_at is None
        if first:
            ticket.first_response_at = at
        if await_customer and ticket.status != Status.AWAITING_CUSTOMER:
            _change_status(ticket, status=Status.AWAITING_CUSTOMER, at=at, actor=actor)
        elif ticket.status in (Status.NEW, Status.REOPENED):
            _change_status(ticket, status=Status.OPEN, at=at, actor=actor)
        ticket.last_activity_at = at
        ticket.save()
        _audit(actor, "ticket_reply", ticket, after={"first_response": first, "status": ticket.status})
        if ticket.requester_email:
            transaction.on_commit(partial(emails.send_reply, event.pk))
    return ticket


def ticket_customer_reply(
    *,
    ticket: Ticket,
    body: str,
    author=None,
    author_name: str = "",
    attachments: Sequence = (),
    at: dt.datetime | None = None,
) -> Ticket:
    """A reply from the requester (signed in, or later by e-mail with `author` None). While the
    ticket awaits them it resumes the clock (status open); within 10 working days of resolution
    it reopens the ticket; a closed ticket takes no more replies (raise a new one)."""
    at = _now(at)
    body = _text(body)
    if not body:
        raise ValidationError({"body": "Enter your reply"})
    content_types = check_uploads(attachments)
    with transaction.atomic():
        ticket = _lock(ticket, at)
        if ticket.status == Status.CLOSED:
            raise ValidationError(
                f"{ticket.reference} is closed. Raise a new request and mention {ticket.reference} in it."
            )
        if ticket.status == Status.RESOLVED and working_time_between(ticket.resolved_at, at) > REOPEN_WINDOW:
            raise ValidationError(
                f"{ticket.reference} was resolved more than 10 working days ago. "
                f"Raise a new request and mention {ticket.reference} in it."
            )
        event = _event(
            ticket,
            kind=Kind.CUSTOMER_REPLY,
            at=at,
            author=author,
            author_name=_text(author_name) or _person_name(author) or ticket.requester_name,
            visibility=PUBLIC,
            body=body,
        )
        _save_attachments(ticket, event, attachments, content_types, author)
        before = ticket.status
        if ticket.status == Status.AWAITING_CUSTOMER:
            _change_status(ticket, status=Status.OPEN, at=at, actor=author, reason="The requester replied.")
        elif ticket.status == Status.RESOLVED:
            _change_status(
                ticket, status=Status.REOPENED, at=at, actor=author, reason="The requester replied."
            )
        ticket.last_activity_at = at
        ticket.save()
        _audit(
            author,
            "ticket_customer_reply",
            ticket,
            before={"status": before},
            after={"status": ticket.status},
        )
    return ticket


def ticket_add_note(
    *, actor, ticket: Ticket, body: str, attachments: Sequence = (), at: dt.datetime | None = None
) -> Ticket:
    """An internal note: staff only, never shown or sent to the requester."""
    at = _now(at)
    _require_staff(actor)
    body = _text(body)
    if not body:
        raise ValidationError({"body": "Enter the note"})
    content_types = check_uploads(attachments)
    with transaction.atomic():
        ticket = _lock(ticket, at)
        event = _event(ticket, kind=Kind.NOTE, at=at, author=actor, body=body)
        _save_attachments(ticket, event, attachments, content_types, actor)
        ticket.last_activity_at = at
        ticket.save(update_fields=["last_activity_at"])
        _audit(actor, "ticket_note", ticket, after={"event": event.pk})
    return ticket


# --- changes ------------------------------------------------------------------------------------


def ticket_set_status(
    *,
    actor,
    ticket: Ticket,
    status: str,
    reason: str = "",
    outcome: str = "",
    outcome_text: str = "",
    at: dt.datetime | None = None,
) -> Ticket:
    """Move a ticket on. Awaiting customer pauses the resolution clock; resolving e-mails the
    requester (a reply within 10 working days reopens it); reopening needs a reason. A complaint
    is resolved only with its `outcome` and `outcome_text` (incidents.complaints)."""
    at = _now(at)
    _require_staff(actor)
    _choice(Status, status, "status", "Status")
    reason = _text(reason)
    with transaction.atomic():
        ticket = _lock(ticket, at)
        if status == ticket.status:
            raise ValidationError(
                {"status": f"{ticket.reference} is already {ticket.get_status_display().lower()}."}
            )
        allowed = ALLOWED_STATUS_CHANGES[ticket.status]
        if status not in allowed:
            labels = ", ".join(sorted(Status(s).label.lower() for s in allowed))
            raise ValidationError(
                {
                    "status": f"A {ticket.get_status_display().lower()} ticket cannot become "
                    f"{Status(status).label.lower()}; it can become: {labels}."
                }
            )
        if status == Status.REOPENED:
            _require_reason(reason, "reopening the ticket")
        complaints.complaint_outcome_check(ticket, status=status, outcome=outcome, outcome_text=outcome_text)
        before = {"status": ticket.status, "resolution_due": ticket.resolution_due}
        _change_status(ticket, status=status, at=at, actor=actor, reason=reason)
        if outcome:
            complaints.complaint_outcome_record(
                ticket, outcome=outcome, outcome_text=outcome_text, actor=actor, at=at
            )
        ticket.last_activity_at = at
        ticket.save()
        _audit(
            actor,
            "ticket_status",
            ticket,
            before=before,
            after={"status": status, "reason": reason, "resolution_due": ticket.resolution_due}
            | ({"outcome": outcome} if outcome else {}),
        )
        if status == Status.RESOLVED and ticket.requester_email:
            transaction.on_commit(partial(emails.send_resolved, ticket.pk))
    return ticket


def ticket_set_priority(
    *, actor, ticket: Ticket, priority: str, reason: str, at: dt.datetime | None = None
) -> Ticket:
    """An adviser's override of the priority, with a reason (audited). The targets are worked
    out again from the time logged and the ticket's pauses, as if it had always had it."""
    at = _now(at)
    _require_staff(actor)
    _choice(Priority, priority, "priority", "Priority")
    reason = _require_reason(reason, "changing the priority")
    with transaction.atomic():
        ticket = _lock(ticket, at)
        if priority == ticket.priority:
            raise ValidationError({"priority": f"{ticket.reference} is already {priority}."})
        before = {
            "priority": ticket.priority,
            "response_due": ticket.response_due,
            "resolution_due": ticket.resolution_due,
        }
        _event(
            ticket,
            kind=Kind.PRIORITY,
            at=at,
            author=actor,
            from_value=ticket.priority,
            to_value=priority,
            reason=reason,
        )
        ticket.priority = priority
        ticket.priority_reason = reason
        _recompute_due(ticket)
        # A moved target is a new one: its warnings and breach notices are due again.
        if ticket.resolution_due != before["resolution_due"]:
            ticket.resolution_warned_at = None
            ticket.resolution_breach_notified_at = None
        if ticket.response_due != before["response_due"]:
            ticket.response_breach_notified_at = None
        ticket.last_activity_at = at
        ticket.save()
        _audit(
            actor,
            "ticket_priority",
            ticket,
            before=before,
            after={
                "priority": priority,
                "reason": reason,
                "response_due": ticket.response_due,
                "resolution_due": ticket.resolution_due,
            },
        )
    return ticket


def _move_tier(*, actor, ticket: Ticket, to_tier: str | None, reason: str, at, up: bool) -> Ticket:
    at = _now(at)
    _require_staff(actor)
    what = "escalating" if up else "de-escalating"
    reason = _require_reason(reason, what)
    with transaction.atomic():
        ticket = _lock(ticket, at)
        index = TIER_ORDER.index(ticket.tier)
        if to_tier is None:
            step = index + 1 if up else index - 1
            if not 0 <= step < len(TIER_ORDER):
                end = "highest" if up else "first"
                raise ValidationError(
                    {
                        "tier": f"{ticket.reference} is already at the {end} tier ({ticket.get_tier_display()})."
                    }
                )
            to_tier = TIER_ORDER[step]
        _choice(Tier, to_tier, "tier", "Tier")
        if (TIER_ORDER.index(to_tier) > index) != up or to_tier == ticket.tier:
            raise ValidationError(
                {
                    "tier": f"{Tier(to_tier).label} is not {'above' if up else 'below'} {ticket.get_tier_display()}."
                }
            )
        before = {"tier": ticket.tier, "assignee": _person_name(ticket.assignee)}
        _event(
            ticket,
            kind=Kind.ESCALATION if up else Kind.DEESCALATION,
            at=at,
            author=actor,
            from_value=ticket.tier,
            to_value=to_tier,
            reason=reason,
        )
        ticket.tier = to_tier
        # The ticket joins the new tier's queue, for someone there to pick up.
        ticket.assignee = None
        ticket.last_activity_at = at
        ticket.save()
        _audit(
            actor,
            "ticket_escalate" if up else "ticket_deescalate",
            ticket,
            before=before,
            after={"tier": to_tier, "reason": reason},
        )
    return ticket


def ticket_escalate(
    *, actor, ticket: Ticket, reason: str, to_tier: str | None = None, at: dt.datetime | None = None
) -> Ticket:
    """Pass the ticket up the chain (the next tier unless `to_tier`), recording who, why, when."""
    return _move_tier(actor=actor, ticket=ticket, to_tier=to_tier, reason=reason, at=at, up=True)


def ticket_deescalate(
    *, actor, ticket: Ticket, reason: str, to_tier: str | None = None, at: dt.datetime | None = None
) -> Ticket:
    """Hand the ticket back down the chain (the tier below unless `to_tier`), with a reason."""
    return _move_tier(actor=actor, ticket=ticket, to_tier=to_tier, reason=reason, at=at, up=False)


def ticket_assign(*, actor, ticket: Ticket, assignee, at: dt.datetime | None = None) -> Ticket:
    """Give the ticket to one of the desk's staff (None: back to the tier's queue)."""
    at = _now(at)
    _require_staff(actor)
    if assignee is not None and not is_desk_staff(assignee):
        raise ValidationError(
            {
                "assignee": f"{assignee.get_full_name()} does not work on the service desk: assign it to desk staff."
            }
        )
    with transaction.atomic():
        ticket = _lock(ticket, at)
        if (assignee.pk if assignee else None) == ticket.assignee_id:
            raise ValidationError({"assignee": "The ticket is already assigned so."})
        before = _person_name(ticket.assignee)
        _event(
            ticket,
            kind=Kind.ASSIGNMENT,
            at=at,
            author=actor,
            from_value=before,
            to_value=_person_name(assignee),
        )
        ticket.assignee = assignee
        ticket.last_activity_at = at
        ticket.save()
        _audit(
            actor,
            "ticket_assign",
            ticket,
            before={"assignee": before},
            after={"assignee": _person_name(assignee)},
        )
    return ticket


def ticket_close_resolved(*, ticket: Ticket, at: dt.datetime | None = None) -> Ticket | None:
    """Close a ticket resolved more than 10 working days ago, as the system (no person), audited.
    A reply after that raises a new request (`ticket_customer_reply`). None, changing nothing,
    if the ticket is no longer resolved or is still inside its window (say, another worker or
    the requester got there first)."""
    at = _now(at)
    with transaction.atomic():
        ticket = _lock(ticket, at)
        if ticket.status != Status.RESOLVED or working_time_between(ticket.resolved_at, at) <= REOPEN_WINDOW:
            return None
        event = _change_status(
            ticket,
            status=Status.CLOSED,
            at=at,
            actor=None,
            reason="Closed automatically: no reply within 10 working days of resolution.",
        )
        event.author_name = SYSTEM_AUTHOR
        event.save(update_fields=["author_name"])
        ticket.last_activity_at = at
        ticket.save()
        _audit(
            None,
            "ticket_close_resolved",
            ticket,
            before={"status": Status.RESOLVED},
            after={"status": Status.CLOSED},
        )
    return ticket
