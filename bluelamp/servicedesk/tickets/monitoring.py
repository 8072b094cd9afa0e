"""SLA monitoring: the notices the desk's background tasks send, and closing resolved tickets.

Run by `tickets.tasks` (never at request time):

  * 75 % warning. Once 75 % of a ticket's resolution budget has gone (working time from
    logging, pauses excluded: `Ticket.resolution_warn_at`, stored with the due times), its
    assignee, or everyone in its tier's queue if unassigned, and the contact-centre team leaders
    are told. Once per target: a priority change that moves the target re-arms it. Tickets
    logged before that time was stored (migration 0003) have it NULL: each run first fills it
    from their history (`resolution_warn_at_backfill`), so they are warned like the rest.
  * Resolution breach. The next tier up (the IT service managers, for a ticket already at the
    top) and the team leaders, once.
  * Response breach. No first response by the response target: the team leaders, once.
  * Review due. An active ticket (awaiting the customer included: someone should chase them)
    with no update for 5 working days: its owner and the team leaders, once per idle spell (any
    update starts a new one). The queue shows and filters it from last_activity_at; nothing is
    stored but when the notice went out.
  * Closing. A ticket resolved more than 10 working days ago is closed by the system
    (`ticket_close_resolved`); a reply after that must be a new request.

Each finder is one indexed query on stored times (see the partial indexes on Ticket), in
batches. A notice is claimed by a conditional UPDATE (`... WHERE resolution_warned_at IS NULL`)
before it is sent, and PostgreSQL workers skip rows another worker has locked, so two workers,
or one run twice, never send the same notice twice. The claim, its audit entry and the e-mail
(queued with bluelamp.notifications in the same transaction, delivered after commit and retried
while the mail server is down) land together or not at all. Every function takes `now` for tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.core.timefmt import format_datetime
from bluelamp.notifications.api import email_queue, email_render
from bluelamp.organisations.api import Role, RoleAssignment
from bluelamp.people.api import Person
from bluelamp.servicedesk.tickets.history import warning_time_from_history
from bluelamp.servicedesk.tickets.models import Ticket, TicketEvent
from bluelamp.servicedesk.tickets.queue_cache import forget_queue
from bluelamp.servicedesk.tickets.selectors import ACTIVE_STATUSES, AT_RISK_SHARE, review_due_before
from bluelamp.servicedesk.tickets.services import REOPEN_WINDOW, TIER_ORDER, ticket_close_resolved
from bluelamp.workingtime.api import subtract_working_time

__all__ = [
    "TIER_ROLES",
    "resolution_breaches_notify",
    "resolution_warn_at_backfill",
    "resolution_warnings_send",
    "resolved_tickets_close",
    "response_breaches_notify",
    "review_due_notify",
    "service_levels_check",
]

Tier = Ticket.Tier
# Who works each tier's queue.
TIER_ROLES: dict[str, str] = {
    Tier.FIRST_LINE: Role.CONTACT_CENTRE_ADVISER,
    Tier.SECOND_LINE: Role.APP_OPS_ENGINEER,
    Tier.SENIOR: Role.SENIOR_APP_OPS_ENGINEER,
    Tier.LEAD: Role.LEAD_ENGINEER,
    Tier.SERVICE_MANAGER: Role.IT_SERVICE_MANAGER,
}
TEAM_LEADER = Role.CONTACT_CENTRE_TEAM_LEADER
# Tickets claimed per transaction: short locks, and a backlog is worked off batch by batch.
BATCH = 200


def _now(now: dt.datetime | None) -> dt.datetime:
    if now is None:
        return timezone.now()
    if timezone.is_naive(now):
        raise ValueError(f"now={now.isoformat()} has no time zone: give an aware datetime")
    return now


class _Recipients:
    """E-mail addresses by role (national holders, active, current), read once per run."""

    def __init__(self):
        self._by_role: dict[str, list[str]] = {}

    def role(self, role: str) -> list[str]:
        if role not in self._by_role:
            holders = RoleAssignment.objects.current().filter(role=role, organisation__isnull=True)
            self._by_role[role] = list(
                Person.objects.filter(pk__in=holders.values("person_id"), is_active=True)
                .exclude(email="")
                .order_by("email")
                .values_list("email", flat=True)
            )
        return self._by_role[role]

    def owner(self, ticket: Ticket) -> list[str]:
        """The assignee, or everyone in the ticket's tier's queue while it is unassigned."""
        assignee = ticket.assignee
        if assignee is not None and assignee.is_active and assignee.email:
            return [assignee.email]
        return self.role(TIER_ROLES[ticket.tier])

    def next_tier(self, ticket: Ticket) -> list[str]:
        index = TIER_ORDER.index(ticket.tier)
        return self.role(TIER_ROLES[TIER_ORDER[min(index + 1, len(TIER_ORDER) - 1)]])

    def team_leaders(self) -> list[str]:
        return self.role(TEAM_LEADER)


def _unique(*groups: list[str]) -> list[str]:
    return list(dict.fromkeys(address for group in groups for address in group))


@dataclass(frozen=True)
class _Notice:
    """One kind of notice: which tickets need it, how a ticket is claimed, who hears, what it says."""

    action: str  # audit action, servicedesk.<action>
    stamp: str  # the Ticket field that records it was sent
    pending: Q  # still to send (checked again in the claiming UPDATE)
    recipients: Callable[[_Recipients, Ticket], list[str]]
    subject: str
    headline: Callable[[Ticket], str]


def _claim_and_send(notice: _Notice, due: QuerySet[Ticket], now: dt.datetime) -> int:
    """Send `notice` for every ticket of `due` that still needs it. Returns how many were sent."""
    recipients = _Recipients()
    sent = 0
    while True:
        with transaction.atomic():
            batch = list(
                due.filter(notice.pending)
                .select_related("assignee", "organisation")
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")[:BATCH]
            )
            claimed = 0
            for ticket in batch:
                # The conditional UPDATE is the claim: a second worker (or a second run) finds
                # the notice already stamped and updates nothing.
                if not Ticket.objects.filter(notice.pending, pk=ticket.pk).update(**{notice.stamp: now}):
                    continue
                claimed += 1
                to = notice.recipients(recipients, ticket)
                audit_record(
                    actor=None,
                    action=f"servicedesk.{notice.action}",
                    organisation=ticket.organisation,
                    obj=ticket,
                    object_label=ticket.reference,
                    after={"at": now, "to": to},
                )
                if to:
                    _queue(
                        ticket,
                        to=to,
                        kind=notice.action,
                        subject=notice.subject,
                        headline=notice.headline(ticket),
                    )
            if claimed:
                # Stamped by UPDATE (no save()): the queue's "Warned" and "Next tier told" tags.
                forget_queue()
        sent += claimed
        if len(batch) < BATCH:
            return sent


def _queue(ticket: Ticket, *, to: list[str], kind: str, subject: str, headline: str) -> None:
    subject = f"[{ticket.reference}] {subject}: {ticket.subject}"
    text, html = email_render(
        "servicedesk/email/sla_notice",
        {
            "subject": subject,
            "ticket": ticket,
            "headline": headline,
            "ticket_url": settings.SITE_URL.rstrip("/")
            + reverse("servicedesk:ticket", args=[ticket.reference]),
            "response_due": format_datetime(ticket.response_due),
            "resolution_due": format_datetime(ticket.resolution_due) if ticket.resolution_due else "none",
        },
    )
    email_queue(
        to=to,
        subject=subject,
        text=text,
        html=html,
        from_email=settings.SERVICE_DESK_FROM_EMAIL,
        headers={"Auto-Submitted": "auto-generated", "X-Bluelamp-Ticket": ticket.reference},
        kind=f"servicedesk.{kind}",
    )


def _active() -> QuerySet[Ticket]:
    return Ticket.objects.filter(status__in=ACTIVE_STATUSES)


def resolution_warn_at_backfill() -> int:
    """Fill `resolution_warn_at` from history for active tickets with a resolution target but
    no warning time (logged before migration 0003 stored it). Returns how many were filled.

    The same computation as when a ticket changes (tickets.history, from its status changes),
    so a backfilled ticket is warned exactly when it would have been. Once filled, a ticket is
    never looked at again: the finder is cheap on every run after the first.
    """
    missing = _active().filter(resolution_due__isnull=False, resolution_warn_at__isnull=True)
    filled = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(
                missing.filter(pk__gt=last_pk)
                .select_for_update(skip_locked=True, of=("self",))
                .only("pk", "priority", "created_at")
                .order_by("pk")[:BATCH]
            )
            changes: dict[int, list[tuple[dt.datetime, str]]] = {ticket.pk: [] for ticket in batch}
            for ticket_id, at, status in (
                TicketEvent.objects.filter(ticket_id__in=list(changes), kind=TicketEvent.Kind.STATUS)
                .order_by("ticket_id", "at", "pk")
                .values_list("ticket_id", "at", "to_value")
            ):
                changes[ticket_id].append((at, status))
            for ticket in batch:
                warn_at = warning_time_from_history(
                    priority=ticket.priority,
                    logged_at=ticket.created_at,
                    status_changes=changes[ticket.pk],
                    share=AT_RISK_SHARE,
                )
                if warn_at is not None:
                    filled += Ticket.objects.filter(pk=ticket.pk, resolution_warn_at__isnull=True).update(
                        resolution_warn_at=warn_at
                    )
        if len(batch) < BATCH:
            return filled
        last_pk = batch[-1].pk


def resolution_warnings_send(*, now: dt.datetime | None = None) -> int:
    """Warn of tickets past 75 % of their resolution budget (assignee or queue, team leaders)."""
    now = _now(now)
    resolution_warn_at_backfill()
    notice = _Notice(
        action="sla_warning",
        stamp="resolution_warned_at",
        pending=Q(resolution_warned_at__isnull=True),
        recipients=lambda r, t: _unique(r.owner(t), r.team_leaders()),
        subject="75 % of the resolution time used",
        headline=lambda t: (
            f"{t.reference} ({t.priority}) has used 75 % of its resolution time. "
            f"It must be resolved by {format_datetime(t.resolution_due)}."
        ),
    )
    return _claim_and_send(notice, _active().filter(resolution_warn_at__lte=now), now)


def resolution_breaches_notify(*, now: dt.datetime | None = None) -> int:
    """Tell the next tier up and the team leaders of tickets past their resolution target."""
    now = _now(now)
    notice = _Notice(
        action="sla_breach",
        stamp="resolution_breach_notified_at",
        pending=Q(resolution_breach_notified_at__isnull=True),
        recipients=lambda r, t: _unique(r.next_tier(t), r.team_leaders()),
        subject="Resolution target breached",
        headline=lambda t: (
            f"{t.reference} ({t.priority}, {t.get_tier_display()}) missed its resolution target "
            f"of {format_datetime(t.resolution_due)}. You are told as the next tier up or as team leader."
        ),
    )
    return _claim_and_send(notice, _active().filter(resolution_due__lte=now), now)


def response_breaches_notify(*, now: dt.datetime | None = None) -> int:
    """Tell the team leaders of tickets that passed their response target without a response."""
    now = _now(now)
    notice = _Notice(
        action="sla_response_breach",
        stamp="response_breach_notified_at",
        pending=Q(response_breach_notified_at__isnull=True, first_response_at__isnull=True),
        recipients=lambda r, t: r.team_leaders(),
        subject="Response target breached",
        headline=lambda t: (
            f"{t.reference} ({t.priority}) has had no response to the requester; "
            f"the target was {format_datetime(t.response_due)}."
        ),
    )
    return _claim_and_send(notice, _active().filter(response_due__lte=now), now)


def review_due_notify(*, now: dt.datetime | None = None) -> int:
    """Tell the owner and the team leaders of active tickets idle for 5 working days, once per
    idle spell."""
    now = _now(now)
    notice = _Notice(
        action="review_due",
        stamp="review_notified_at",
        pending=Q(review_notified_at__isnull=True) | Q(review_notified_at__lt=F("last_activity_at")),
        recipients=lambda r, t: _unique(r.owner(t), r.team_leaders()),
        subject="Review due",
        headline=lambda t: (
            f"{t.reference} ({t.get_status_display().lower()}) has had no update since "
            f"{format_datetime(t.last_activity_at)}: 5 working days or more. Please review it."
        ),
    )
    return _claim_and_send(notice, _active().filter(last_activity_at__lte=review_due_before(now)), now)


def service_levels_check(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Every SLA notice that has fallen due by `now` (the frequent task)."""
    now = _now(now)
    return {
        "warnings": resolution_warnings_send(now=now),
        "resolution_breaches": resolution_breaches_notify(now=now),
        "response_breaches": response_breaches_notify(now=now),
        "reviews": review_due_notify(now=now),
    }


def resolved_tickets_close(*, now: dt.datetime | None = None) -> int:
    """Close tickets resolved more than 10 working days before `now` (the daily task)."""
    now = _now(now)
    closed = 0
    candidates = Ticket.objects.filter(
        status=Ticket.Status.RESOLVED, resolved_at__lte=subtract_working_time(now, REOPEN_WINDOW)
    ).order_by("pk")
    last_pk = 0
    while True:
        batch = list(candidates.filter(pk__gt=last_pk).only("pk")[:BATCH])
        for ticket in batch:
            # Exactly 10 working days still lets a reply reopen it: the service checks again.
            if ticket_close_resolved(ticket=ticket, at=now) is not None:
                closed += 1
        if len(batch) < BATCH:
            return closed
        last_pk = batch[-1].pk
