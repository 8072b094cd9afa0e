"""The queue's text search, for staff: what is searched, and how results are ranked.

Searched: the reference (exact, any case: "bl-2026-000123"), the subject and description, and
the bodies of public replies (either way) and internal notes. Staff see every ticket, so every
field is searched; requesters never reach this (the queue is staff only).

On PostgreSQL: full-text search (English stemming: "passwords" finds "password"; web-search
syntax: "two words" as a phrase, `or`, `-word` to leave out) over GIN expression indexes on the
ticket's subject, its description and each reply's body (migration 0006). The matches of the
three are one UNION of ticket ids, so counting them is index work, not a scan of the tickets;
ranking asks the subject index once more rather than parsing every matched subject.
On SQLite (the quick start): every word must appear (any case) in one of the same fields.

Ranked: an exact reference first, then tickets whose subject matches, then the rest (matched in
the description, a reply or a note); within each, the queue's usual most-urgent-first order.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from bluelamp.servicedesk.models import Ticket, TicketEvent

# Must stay the same expressions as the GIN indexes of migration 0006_queue_performance.
SUBJECT_DOCUMENT = SearchVector("subject", config="english")
DESCRIPTION_DOCUMENT = SearchVector("description", config="english")
EVENT_DOCUMENT = SearchVector("body", config="english")
SEARCHED_KINDS = [TicketEvent.Kind.REPLY, TicketEvent.Kind.CUSTOMER_REPLY, TicketEvent.Kind.NOTE]
REFERENCE = re.compile(r"^BL-\d{4}-\d+$", re.IGNORECASE)

RANK_REFERENCE, RANK_SUBJECT, RANK_OTHER = 0, 1, 2


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def search_tickets(tickets: QuerySet[Ticket], text: str) -> QuerySet[Ticket]:
    """`tickets` narrowed to those matching `text`, annotated with `search_rank` (lower first)."""
    text = (text or "").strip()
    reference = text.upper()
    if REFERENCE.match(text):
        # A reference is unique: no need to search the text at all.
        return tickets.filter(reference=reference).annotate(
            search_rank=Value(RANK_REFERENCE, output_field=IntegerField())
        )
    if _postgres():
        query = SearchQuery(text, config="english", search_type="websearch")
        in_subject = (
            Ticket.objects.alias(_document=SUBJECT_DOCUMENT).filter(_document=query).order_by().values("pk")
        )
        in_description = (
            Ticket.objects.alias(_document=DESCRIPTION_DOCUMENT)
            .filter(_document=query)
            .order_by()
            .values("pk")
        )
        in_events = (
            TicketEvent.objects.alias(_document=EVENT_DOCUMENT)
            .filter(_document=query, kind__in=SEARCHED_KINDS)
            .order_by()
            .values("ticket_id")
        )
        matched = tickets.filter(pk__in=in_subject.union(in_description, in_events))
        subject_match = When(pk__in=in_subject, then=Value(RANK_SUBJECT))
    else:
        words = text.split()
        matched = tickets
        subject_q = Q()
        for word in words:
            in_events = TicketEvent.objects.filter(body__icontains=word, kind__in=SEARCHED_KINDS).values(
                "ticket_id"
            )
            matched = matched.filter(
                Q(reference__iexact=word)
                | Q(subject__icontains=word)
                | Q(description__icontains=word)
                | Q(pk__in=in_events)
            )
            subject_q &= Q(subject__icontains=word)
        subject_match = When(subject_q, then=Value(RANK_SUBJECT))
    return matched.annotate(
        search_rank=Case(subject_match, default=Value(RANK_OTHER), output_field=IntegerField())
    )
