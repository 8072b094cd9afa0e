"""Writing major incidents: declaring one on a P1 ticket, convening the gold group, the timeline
of actions, communications and decisions, service notices to the licensees, and resolving.

Each write checks who may make it (incidents.selectors explains the choice), runs in one
transaction with its audit entry, and sends e-mail only after commit. Each takes `at` (aware;
default now) so that tests and late entries say when things happened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.organisations.api import Role
from bluelamp.servicedesk.incidents import emails
from bluelamp.servicedesk.incidents.models import IncidentEntry, MajorIncident, ServiceNotice
from bluelamp.servicedesk.incidents.selectors import (
    key_contact_emails,
    may_lead_incidents,
    role_holder_emails,
)
from bluelamp.servicedesk.sla import Priority
from bluelamp.servicedesk.staff import is_desk_staff
from bluelamp.servicedesk.tickets.models import Ticket
from bluelamp.servicedesk.tickets.services import ticket_add_note

Kind = IncidentEntry.Kind
# Told at once when a major incident is declared (the seed's escalation route).
NOTIFIED_ROLES = (Role.LEAD_ENGINEER, Role.IT_SERVICE_MANAGER)


def _now(at: dt.datetime | None) -> dt.datetime:
    if at is None:
        return timezone.now()
    if timezone.is_naive(at):
        raise ValueError(f"at={at.isoformat()} has no time zone: give an aware datetime")
    return at


def _require_lead(actor, what: str) -> None:
    if not may_lead_incidents(actor):
        raise PermissionDenied(f"Only a team leader, lead engineer or IT service manager may {what}.")


def _text(value: str | None) -> str:
    return (value or "").strip()


def _lock(incident: MajorIncident, *, open_only: bool = True) -> MajorIncident:
    locked = MajorIncident.objects.select_for_update().select_related("ticket").get(pk=incident.pk)
    if open_only and not locked.is_open:
        raise ValidationError(
            f"The major incident on {locked.ticket.reference} is resolved: reopen is not possible, declare a new one."
        )
    return locked


def _entry(incident: MajorIncident, *, actor, kind: str, text: str, at: dt.datetime) -> IncidentEntry:
    entry = IncidentEntry(
        incident=incident,
        kind=kind,
        at=at,
        author=actor if getattr(actor, "pk", None) else None,
        author_name=actor.get_full_name() if getattr(actor, "pk", None) else "Bluelamp",
        text=text,
    )
    entry.full_clean(exclude=["incident", "author"])
    entry.save()
    return entry


def _audit(actor, action: str, incident: MajorIncident, **changes) -> None:
    audit_record(
        actor=actor,
        action=f"servicedesk.{action}",
        obj=incident,
        object_label=f"Major incident {incident.ticket.reference}",
        **changes,
    )


def _names(people) -> str:
    return ", ".join(p.get_full_name() for p in people)


def major_incident_declare(
    *,
    actor,
    ticket: Ticket,
    summary: str,
    convene_gold: bool = False,
    gold_members: Sequence = (),
    at: dt.datetime | None = None,
) -> MajorIncident:
    """Declare the P1 `ticket` a major incident. The lead engineers and IT service managers are
    e-mailed at once (after commit); with `convene_gold`, the gold group is convened too."""
    at = _now(at)
    _require_lead(actor, "declare a major incident")
    summary = _text(summary)
    if not summary:
        raise ValidationError({"summary": "Enter what is affected and what is known so far"})
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if ticket.priority != Priority.P1:
            raise ValidationError(
                f"{ticket.reference} is {ticket.priority}: only a P1 can be declared a major incident "
                "(change its priority first, with a reason)."
            )
        if not ticket.is_active:
            raise ValidationError(
                f"{ticket.reference} is {ticket.get_status_display().lower()}: reopen it first."
            )
        if MajorIncident.objects.filter(ticket=ticket).exists():
            raise ValidationError(f"{ticket.reference} is already a major incident.")
        incident = MajorIncident(ticket=ticket, summary=summary, declared_by=actor, declared_at=at)
        incident.full_clean(exclude=["ticket", "declared_by"])
        incident.save()
        _entry(incident, actor=actor, kind=Kind.DECISION, text=f"Declared a major incident. {summary}", at=at)
        ticket_add_note(actor=actor, ticket=ticket, body=f"Declared a major incident: {summary}", at=at)
        notified = role_holder_emails(*NOTIFIED_ROLES)
        _entry(
            incident,
            actor=actor,
            kind=Kind.COMMUNICATION,
            text=f"Lead engineers and IT service managers notified by e-mail ({len(notified)} people).",
            at=at,
        )
        _audit(
            actor,
            "major_incident_declare",
            incident,
            after={"ticket": ticket.reference, "notified": len(notified)},
        )
        emails.send_declared(incident.pk, notified)  # queued in this transaction: sent only if it commits
        if convene_gold:
            gold_group_convene(actor=actor, incident=incident, members=gold_members, at=at)
    return incident


def gold_group_convene(
    *, actor, incident: MajorIncident, members: Sequence, at: dt.datetime | None = None
) -> MajorIncident:
    """Convene the "gold" incident group with `members` (people of the national body), who are
    e-mailed after commit. Convening again adds members; only the new ones are e-mailed."""
    at = _now(at)
    _require_lead(actor, "convene the gold incident group")
    members = list(dict.fromkeys(members))
    if not members:
        raise ValidationError({"members": "Name at least one member of the gold group"})
    with transaction.atomic():
        incident = _lock(incident)
        existing = set(incident.gold_members.values_list("pk", flat=True))
        new = [m for m in members if m.pk not in existing]
        if not new:
            raise ValidationError({"members": "Everyone named is already in the gold group"})
        incident.gold_members.add(*new)
        if not incident.gold_group_convened:
            incident.gold_group_convened = True
            incident.gold_group_convened_at = at
            incident.save(update_fields=["gold_group_convened", "gold_group_convened_at"])
        _entry(
            incident,
            actor=actor,
            kind=Kind.COMMUNICATION,
            text=f"Gold incident group convened; notified: {_names(new)}.",
            at=at,
        )
        _audit(actor, "gold_group_convene", incident, after={"members": [m.get_full_name() for m in new]})
        transaction.on_commit(
            partial(emails.send_gold_convened, incident.pk, [m.email for m in new if m.email])
        )
    return incident


def incident_entry_add(
    *, actor, incident: MajorIncident, kind: str, text: str, at: dt.datetime | None = None
) -> IncidentEntry:
    """Add an action, communication or decision to an open major incident's timeline."""
    at = _now(at)
    if not is_desk_staff(actor):
        raise PermissionDenied("Only service-desk staff may add to a major incident's timeline.")
    if kind not in Kind.values:
        raise ValidationError({"kind": f"Kind {kind!r} is not one of: action, communication, decision"})
    text = _text(text)
    if not text:
        raise ValidationError({"text": "Enter what was done, said or decided"})
    with transaction.atomic():
        incident = _lock(incident)
        entry = _entry(incident, actor=actor, kind=kind, text=text, at=at)
        _audit(actor, "incident_entry_add", incident, after={"kind": kind, "entry": entry.pk})
    return entry


def service_notice_post(
    *, actor, incident: MajorIncident, subject: str, body: str, at: dt.datetime | None = None
) -> ServiceNotice:
    """E-mail a service notice to the key contacts of every licence in force, each separately
    (after commit), and record it with how many received it."""
    at = _now(at)
    _require_lead(actor, "post a service notice")
    errors = {}
    subject, body = _text(subject), _text(body)
    if not subject:
        errors["subject"] = "Enter the notice's subject, e.g. “Bluelamp unavailable”"
    if not body:
        errors["body"] = "Enter the notice: what is affected, what to do, when the next update is"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        incident = _lock(incident)
        recipients = key_contact_emails(on=timezone.localdate(at))
        if not recipients:
            raise ValidationError(
                "No licence in force has a key contact: there is no one to send the notice to."
            )
        notice = ServiceNotice(
            incident=incident,
            subject=subject,
            body=body,
            posted_by=actor,
            posted_at=at,
            recipients_count=len(recipients),
        )
        notice.full_clean(exclude=["incident", "posted_by"])
        notice.save()
        _entry(
            incident,
            actor=actor,
            kind=Kind.COMMUNICATION,
            text=f"Service notice “{subject}” sent to {len(recipients)} key contacts of licensees.",
            at=at,
        )
        _audit(
            actor,
            "service_notice_post",
            incident,
            after={"subject": subject, "recipients_count": len(recipients)},
        )
        emails.send_service_notice(
            notice.pk, recipients
        )  # queued in this transaction: sent only if it commits
    return notice


def major_incident_resolve(
    *, actor, incident: MajorIncident, resolution: str, at: dt.datetime | None = None
) -> MajorIncident:
    """Close the major incident (the ticket itself is resolved on its own page, which e-mails
    the requester). The lead engineers, IT service managers and gold group are told."""
    at = _now(at)
    _require_lead(actor, "resolve a major incident")
    resolution = _text(resolution)
    if not resolution:
        raise ValidationError({"resolution": "Enter how the service was restored"})
    with transaction.atomic():
        incident = _lock(incident)
        incident.status = MajorIncident.Status.RESOLVED
        incident.resolved_by = actor
        incident.resolved_at = at
        incident.resolution = resolution
        incident.save(update_fields=["status", "resolved_by", "resolved_at", "resolution"])
        _entry(
            incident, actor=actor, kind=Kind.DECISION, text=f"Major incident resolved. {resolution}", at=at
        )
        ticket_add_note(
            actor=actor, ticket=incident.ticket, body=f"Major incident resolved: {resolution}", at=at
        )
        _audit(actor, "major_incident_resolve", incident, after={"resolution": resolution})
        to = list(
            dict.fromkeys(
                role_holder_emails(*NOTIFIED_ROLES)
                + [m.email for m in incident.gold_members.filter(is_active=True) if m.email]
            )
        )
        emails.send_resolved(incident.pk, to)  # queued in this transaction: sent only if it commits
    return incident
