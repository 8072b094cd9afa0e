"""Reading tickets, and who may see which; and the staff's canned responses and saved filters.

A requester sees their own tickets; a key contact of an organisation's licence (with a linked
person record) sees every ticket of that organisation; the desk's staff (service-desk permission,
national) see all. To anyone else a ticket does not exist: `access_*` raise the same 404 for
"no such reference" and "not yours".
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from django.db.models import F, OrderBy, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from bluelamp.organisations.api import LicenceContact
from bluelamp.servicedesk.sla import SLA_POLICIES, Priority
from bluelamp.servicedesk.staff import is_desk_staff
from bluelamp.servicedesk.tickets.models import (
    CannedResponse,
    Category,
    SavedQueueFilter,
    Ticket,
    TicketEvent,
)
from bluelamp.servicedesk.tickets.search import search_tickets
from bluelamp.workingtime.api import WORKING_DAY, subtract_working_time, working_time_between

_KEY_CONTACT_ATTR = "_bluelamp_key_contact_org_ids"
# A resolution target is "at risk" once this share of its working time has gone.
AT_RISK_SHARE = 0.75
# An active ticket nobody has touched for this long is due a review by its owner and team leader.
REVIEW_AFTER = 5 * WORKING_DAY
# A requester's reply this long after resolution reopens the ticket; later, it is closed.
REOPEN_WINDOW = 10 * WORKING_DAY


def key_contact_organisation_ids(person) -> frozenset[int]:
    """The organisations whose licences name `person` as a key contact (cached on the object)."""
    if person is None or not getattr(person, "is_authenticated", False) or not person.is_active:
        return frozenset()
    cached = getattr(person, _KEY_CONTACT_ATTR, None)
    if cached is None:
        cached = frozenset(
            LicenceContact.objects.filter(person=person).values_list("licence__organisation_id", flat=True)
        )
        setattr(person, _KEY_CONTACT_ATTR, cached)
    return cached


def _requester_q(person) -> Q:
    q = Q(requester=person)
    org_ids = key_contact_organisation_ids(person)
    if org_ids:
        q |= Q(organisation_id__in=org_ids)
    return q


def may_see_as_requester(person, ticket: Ticket) -> bool:
    if person is None or not getattr(person, "is_authenticated", False) or not person.is_active:
        return False
    return ticket.requester_id == person.pk or (
        ticket.organisation_id is not None and ticket.organisation_id in key_contact_organisation_ids(person)
    )


def ticket_accepts_customer_reply(ticket: Ticket, at: dt.datetime) -> bool:
    """Whether a reply from the requester at `at` goes on this ticket: not once it is closed, nor
    once it has been resolved for more than 10 working days (`REOPEN_WINDOW`); then they raise
    a new request. The rule of `ticket_customer_reply`, and mail-in asks it first so that a late
    e-mail becomes a new ticket instead of an error."""
    if ticket.status == Ticket.Status.CLOSED:
        return False
    if ticket.status == Ticket.Status.RESOLVED and ticket.resolved_at is not None:
        return working_time_between(ticket.resolved_at, at) <= REOPEN_WINDOW
    return True


def tickets_for_requester(person) -> QuerySet[Ticket]:
    """The tickets `person` sees on "My tickets", newest first."""
    if person is None or not getattr(person, "is_authenticated", False) or not person.is_active:
        return Ticket.objects.none()
    return Ticket.objects.filter(_requester_q(person)).select_related("category").order_by("-created_at")


def access_ticket(person, reference: str) -> Ticket:
    """The ticket as its requester (or their organisation's key contact) sees it; else 404."""
    ticket = (
        Ticket.objects.select_related("category", "organisation", "requester")
        .filter(reference=(reference or "").upper())
        .first()
    )
    if ticket is None or not may_see_as_requester(person, ticket):
        raise Http404("No such ticket")
    return ticket


def access_ticket_for_staff(person, reference: str) -> Ticket:
    """The ticket for the desk's work page: staff only; to anyone else, 404."""
    if not is_desk_staff(person):
        raise Http404("No such ticket")
    ticket = (
        Ticket.objects.select_related("category", "organisation", "requester", "assignee")
        .filter(reference=(reference or "").upper())
        .first()
    )
    if ticket is None:
        raise Http404("No such ticket")
    return ticket


def ticket_timeline(ticket: Ticket, *, public_only: bool) -> list[TicketEvent]:
    """The ticket's events, oldest first, with their authors and attachments (two queries)."""
    events = ticket.events.select_related("author").prefetch_related("attachments").order_by("at", "pk")
    if public_only:
        events = events.filter(visibility=TicketEvent.Visibility.PUBLIC)
    return list(events)


def active_categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True)


ACTIVE_STATUSES = [s for s in Ticket.Status.values if s not in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED)]


def review_due_before(now: dt.datetime) -> dt.datetime:
    """An active ticket last updated at or before this instant is due a review (idle for 5
    working days by `now`; weekends, bank holidays and extra closures do not count)."""
    return subtract_working_time(now, REVIEW_AFTER)


def ticket_queue(
    person,
    *,
    status: str = "",
    priority: str = "",
    tier: str = "",
    mine: bool = False,
    text: str = "",
    review_due: bool = False,
    now: dt.datetime | None = None,
    ranked: bool = True,
) -> QuerySet[Ticket]:
    """The desk's queue, for staff only: active tickets by default, most urgent target first.
    `review_due`: only active tickets idle for 5 working days or more (at `now`, default now).
    `ranked=False`: a text search in the queue's order only, without "subject matches first"
    (ranking must read every match; see `search_is_large`)."""
    if not is_desk_staff(person):
        return Ticket.objects.none()
    tickets = Ticket.objects.select_related("assignee", "category", "organisation")
    if status == "all":
        pass
    elif status:
        tickets = tickets.filter(status=status)
    else:
        tickets = tickets.filter(status__in=ACTIVE_STATUSES)
    if priority:
        tickets = tickets.filter(priority=priority)
    if tier:
        tickets = tickets.filter(tier=tier)
    if mine:
        tickets = tickets.filter(assignee=person)
    if review_due:
        before = review_due_before(now or timezone.now())
        tickets = tickets.filter(status__in=ACTIVE_STATUSES, last_activity_at__lte=before)
    order: list[str | OrderBy] = [
        "priority",
        F("resolution_due").asc(nulls_last=True),
        "response_due",
        "created_at",
        "pk",
    ]
    text = (text or "").strip()
    if text:
        # Reference, subject, description, replies and notes; best matches first (tickets.search).
        found = search_tickets(tickets, text)
        # search_rank is search_tickets' annotation, which its return type cannot carry.
        return found.order_by("search_rank", *order) if ranked else found.order_by(*order)  # type: ignore[misc]
    return tickets.order_by(*order)


# A search matching more tickets than this is not counted exactly nor ranked: both would read
# every match (60,000+ for a common word over three years of history). The page then says "more
# than 1,000" and shows the most urgent matches first, which PostgreSQL finds by walking the
# queue's order index until it has a page (docs/performance.md, "Service desk queue").
SEARCH_COUNT_CAP = 1000


def search_is_large(tickets: QuerySet[Ticket]) -> bool:
    """The search matches more than SEARCH_COUNT_CAP tickets (reads at most that many + 1)."""
    return tickets.order_by().values("pk")[: SEARCH_COUNT_CAP + 1].count() > SEARCH_COUNT_CAP


class SlaFacts(Protocol):
    """What `sla_flags` reads: a Ticket, or a row of the queue (queue_cache.QueueRow)."""

    @property
    def status(self) -> str: ...
    @property
    def priority(self) -> str: ...
    @property
    def first_response_at(self) -> dt.datetime | None: ...
    @property
    def response_due(self) -> dt.datetime: ...
    @property
    def resolution_due(self) -> dt.datetime | None: ...
    @property
    def resolution_breach_notified_at(self) -> dt.datetime | None: ...
    @property
    def resolution_warned_at(self) -> dt.datetime | None: ...
    @property
    def last_activity_at(self) -> dt.datetime: ...


def sla_flags(ticket: SlaFacts, now: dt.datetime) -> list[tuple[str, str]]:
    """Tags for the queue: (text, colour) for a missed or at-risk response or resolution target.
    In-process arithmetic on the stored due times; no queries."""
    flags: list[tuple[str, str]] = []
    if ticket.status in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED):
        return flags
    if ticket.first_response_at is None and ticket.response_due <= now:
        flags.append(("Response overdue", "red"))
    if ticket.status == Ticket.Status.AWAITING_CUSTOMER:
        flags.append(("Clock paused", "grey"))
    elif ticket.resolution_due is not None:
        if ticket.resolution_due <= now:
            flags.append(("Breached", "red"))
            if ticket.resolution_breach_notified_at is not None:
                flags.append(("Next tier told", "grey"))
        else:
            budget = SLA_POLICIES[Priority(ticket.priority)].resolution
            if budget is not None and working_time_between(now, ticket.resolution_due) <= budget * (
                1 - AT_RISK_SHARE
            ):
                flags.append(("At risk", "orange"))
            if ticket.resolution_warned_at is not None:
                flags.append(("Warned", "grey"))
    if working_time_between(ticket.last_activity_at, now) >= REVIEW_AFTER:
        flags.append(("Review due", "purple"))
    return flags


# --- working the queue faster: canned responses and saved filters (staff only) -------------------


def canned_responses_for(person, *, active_only: bool = True) -> QuerySet[CannedResponse]:
    """The shared responses and `person`'s own, by title."""
    if not is_desk_staff(person):
        return CannedResponse.objects.none()
    responses = CannedResponse.objects.filter(Q(owner__isnull=True) | Q(owner=person))
    return responses.filter(is_active=True) if active_only else responses


def _id(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def access_canned_response(person, response_id) -> CannedResponse:
    response_id = _id(response_id)
    response = canned_responses_for(person, active_only=False).filter(pk=response_id).first()
    if response is None:
        raise Http404("No such canned response")
    return response


def canned_response_fill(response: CannedResponse, *, ticket: Ticket, adviser) -> str:
    """The response's body with the placeholders filled in for `ticket`, from `adviser`."""
    requester = ticket.requester
    full_name = ticket.requester_name or (requester.get_full_name() if requester else "")
    first_name = (requester.first_name if requester else "") or (full_name.split() or [""])[0]
    values = {
        "requester_first_name": first_name or "there",
        "requester_name": full_name,
        "reference": ticket.reference,
        "subject": ticket.subject,
        "adviser_name": adviser.get_full_name(),
    }
    return response.body.format_map(values)


def saved_filters_for(person) -> QuerySet[SavedQueueFilter]:
    if not is_desk_staff(person):
        return SavedQueueFilter.objects.none()
    return SavedQueueFilter.objects.filter(owner=person)


def access_saved_filter(person, filter_id) -> SavedQueueFilter:
    filter_id = _id(filter_id)
    saved = saved_filters_for(person).filter(pk=filter_id).first()
    if saved is None:
        raise Http404("No such saved filter")
    return saved
