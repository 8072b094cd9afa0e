"""The queue's text search, for staff: what is searched, and how results are ranked.

Searched: the reference (exact, any case: "bl-2026-000123"), the subject and description, and
the bodies of public replies (either way) and internal notes. Staff see every ticket, so every
field is searched; requesters never reach this (the queue is staff only).

On PostgreSQL: full-text search (English stemming: "passwords" finds "password"; web-search
syntax: "two words" as a phrase, `or`, `-word` to leave out) over each ticket's stored search
document (migration 0007): its subject (weight A), description (weight B) and the bodies of its
replies and notes (weight C) in one `tsvector` column that PostgreSQL keeps up to date (a
generated column, fed by a trigger on the timeline). The words of a query may therefore come
from different fields of the ticket, as on SQLite. Two GIN indexes serve it: one over every
ticket and a small one over the active tickets, so searching the default queue reads only the
active matches however common the words are in three years of history. Nothing is parsed at
search time; ranking asks whether the subject's (weight A) part of the document matches.
On SQLite (the quick start): every word must appear (any case) in one of the same fields.

Ranked: an exact reference first, then tickets whose subject matches, then the rest (matched in
the description, a reply or a note); within each, the queue's usual most-urgent-first order.
A search matching more than 1,000 tickets is shown unranked, most urgent first, with "more than
1,000" rather than an exact count (`selectors.search_is_large`): counting or ranking that many
would read every match.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import Case, Expression, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import Col

from bluelamp.servicedesk.tickets.models import Ticket, TicketEvent

# The kinds of timeline entry whose bodies are searched: as the trigger of migration 0007.
SEARCHED_KINDS = [TicketEvent.Kind.REPLY, TicketEvent.Kind.CUSTOMER_REPLY, TicketEvent.Kind.NOTE]
REFERENCE = re.compile(r"^BL-\d{4}-\d+$", re.IGNORECASE)

RANK_REFERENCE, RANK_SUBJECT, RANK_OTHER = 0, 1, 2


def _postgres() -> bool:
    return connection.vendor == "postgresql"


# `servicedesk_ticket.search_document` (migration 0007). Not a model field, since SQLite has no
# tsvector: queries reach it through this stand-in, which knows its model but is not added to it.
_DOCUMENT_COLUMN = SearchVectorField()
_DOCUMENT_COLUMN.set_attributes_from_name("search_document")
_DOCUMENT_COLUMN.model = Ticket


class StoredDocument(Expression):
    """A ticket's stored search document (PostgreSQL only)."""

    output_field = SearchVectorField()

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        # A plain column of the query's ticket table, relabelled like any other in a subquery.
        if query is None or query.model is not Ticket:
            raise ValueError("StoredDocument belongs to queries of tickets")
        return Col(query.get_initial_alias(), _DOCUMENT_COLUMN)


class _SubjectPart(Expression):
    """The subject's (weight A) lexemes of a stored document."""

    output_field = SearchVectorField()

    def __init__(self, document):
        super().__init__()
        self.document = document

    def get_source_expressions(self):
        return [self.document]

    def set_source_expressions(self, exprs):
        (self.document,) = exprs

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.document)
        return f"ts_filter({sql}, '{{a}}')", params


def search_tickets(tickets: QuerySet[Ticket], text: str) -> QuerySet[Ticket]:
    """`tickets` narrowed to those matching `text`, annotated with `search_rank` (lower first)."""
    text = (text or "").strip()
    reference = text.upper()
    if REFERENCE.match(text):
        # A reference is unique: no need to search the text at all.
        return tickets.filter(reference=reference).annotate(
            search_rank=Value(RANK_REFERENCE, output_field=IntegerField())
        )
    matched: QuerySet[Ticket]
    if _postgres():
        query = SearchQuery(text, config="english", search_type="websearch")
        matched = tickets.alias(_document=StoredDocument(), _subject=_SubjectPart(StoredDocument())).filter(
            _document=query
        )
        subject_match = When(_subject=query, then=Value(RANK_SUBJECT))
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
