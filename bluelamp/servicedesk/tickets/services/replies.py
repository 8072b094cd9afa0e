"""The timeline's words: replies to and from the requester, and internal notes (staff's, and
Bluelamp's own)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from bluelamp.servicedesk.tickets import emails
from bluelamp.servicedesk.tickets.attachments import check_uploads
from bluelamp.servicedesk.tickets.models import Ticket
from bluelamp.servicedesk.tickets.selectors import (
    is_desk_staff,
    may_see_as_requester,
    ticket_accepts_customer_reply,
)
from bluelamp.servicedesk.tickets.services._common import (
    PUBLIC,
    SYSTEM_AUTHOR,
    Kind,
    Status,
    _audit,
    _change_status,
    _event,
    _lock,
    _now,
    _person_name,
    _require_staff,
    _save_attachments,
    _text,
)


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
            emails.send_reply(event.pk)  # queued in this transaction: sent only if it commits
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
        if not ticket_accepts_customer_reply(ticket, at):
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


def ticket_add_system_note(*, ticket: Ticket, body: str, at: dt.datetime | None = None) -> Ticket:
    """An internal note written by Bluelamp itself (`SYSTEM_AUTHOR`), not by a person: what
    inbound e-mail could not do (files left off, a reference quoted by someone else). Staff
    only see it, like any note; audited with no actor."""
    at = _now(at)
    body = _text(body)
    if not body:
        raise ValidationError({"body": "Enter the note"})
    with transaction.atomic():
        ticket = _lock(ticket, at)
        event = _event(ticket, kind=Kind.NOTE, at=at, author=None, author_name=SYSTEM_AUTHOR, body=body)
        ticket.last_activity_at = at
        ticket.save(update_fields=["last_activity_at"])
        _audit(None, "ticket_system_note", ticket, after={"event": event.pk})
    return ticket
