"""Logging tickets (from the web, e-mail or a phone call) and recording the calls advisers take."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.servicedesk.sla import Impact, Priority, Urgency
from bluelamp.servicedesk.staff import is_desk_staff
from bluelamp.servicedesk.tickets import emails
from bluelamp.servicedesk.tickets.attachments import check_uploads
from bluelamp.servicedesk.tickets.models import Category, Contact, Ticket
from bluelamp.servicedesk.tickets.services._common import (
    PUBLIC,
    Kind,
    _audit,
    _choice,
    _event,
    _lock,
    _next_reference,
    _now,
    _person_name,
    _priority_for,
    _require_reason,
    _require_staff,
    _save_attachments,
    _set_due_times,
    _text,
)


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
            emails.send_acknowledgement(ticket.pk)  # queued in this transaction: sent only if it commits
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
