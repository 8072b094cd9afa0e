"""The queue's search over stored search documents (migration 0007) and its SQLite fallback.

Adam works the desk; Bob (a Kent officer) raises tickets and must never reach the search.
Tests marked `postgres_only` check what only full-text search does (stemming, phrases, `-word`)
and the stored columns themselves; the rest hold on both databases.
"""

import pytest
from django.db import connection

from bluelamp.servicedesk.tickets.models import Ticket, TicketEvent
from bluelamp.servicedesk.tickets.search import RANK_OTHER, RANK_REFERENCE, RANK_SUBJECT
from bluelamp.servicedesk.tickets.selectors import ticket_queue
from bluelamp.servicedesk.tickets.services import (
    ticket_add_note,
    ticket_create,
    ticket_customer_reply,
    ticket_reply,
    ticket_set_status,
)

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search and stored documents: PostgreSQL only"
)


@pytest.fixture
def tickets(bob, adviser):
    def make(subject, description, **kwargs):
        return ticket_create(actor=bob, type="incident", subject=subject, description=description, **kwargs)

    made = {
        "subject": make("Printer certificate missing", "Nothing printed."),
        "description": make("Cannot finish the course", "The printer certificate page is blank."),
        "reply": make("Page layout broken", "Columns overlap."),
        "note": make("Video does not play", "Spinner forever."),
        "customer": make("Account locked", "Locked after three tries."),
        "resolved": make("Printer certificate overdue", "Waiting for weeks."),
    }
    ticket_reply(actor=adviser, ticket=made["reply"], body="The printer certificate template was fixed.")
    ticket_add_note(actor=adviser, ticket=made["note"], body="Printer certificate service restarted.")
    ticket_customer_reply(
        ticket=made["customer"], author=bob, body="My printer certificate is still missing."
    )
    ticket_set_status(actor=adviser, ticket=made["resolved"], status="resolved", reason="Sent by post.")
    return {key: Ticket.objects.get(pk=ticket.pk) for key, ticket in made.items()}


def _refs(queryset):
    return [ticket.reference for ticket in queryset]


def test_every_searched_field_is_found_and_subject_matches_rank_first(adviser, tickets):
    found = list(ticket_queue(adviser, text="printer certificate"))
    assert {t.reference for t in found} == {
        tickets[key].reference for key in ("subject", "description", "reply", "note", "customer")
    }
    assert found[0].reference == tickets["subject"].reference
    assert [t.search_rank for t in found] == [RANK_SUBJECT] + [RANK_OTHER] * 4


def test_other_matches_keep_the_queues_order(adviser, tickets):
    found = _refs(ticket_queue(adviser, text="printer certificate"))[1:]
    in_queue_order = [t.reference for t in ticket_queue(adviser) if t.reference in found]
    assert found == in_queue_order


def test_status_filter_and_all_statuses(adviser, tickets):
    assert tickets["resolved"].reference not in _refs(ticket_queue(adviser, text="overdue"))
    assert _refs(ticket_queue(adviser, text="overdue", status="all")) == [tickets["resolved"].reference]
    assert _refs(ticket_queue(adviser, text="overdue", status="resolved")) == [tickets["resolved"].reference]
    assert _refs(ticket_queue(adviser, text="printer", status="new", priority="P1")) == []


def test_reference_is_exact_and_any_case(adviser, tickets):
    reference = tickets["note"].reference
    found = list(ticket_queue(adviser, text=reference.lower()))
    assert [(t.reference, t.search_rank) for t in found] == [(reference, RANK_REFERENCE)]
    assert _refs(ticket_queue(adviser, text=reference + "9")) == []


def test_count_and_page_agree(adviser, tickets):
    queue = ticket_queue(adviser, text="printer certificate")
    assert queue.count() == len(list(queue)) == 5
    assert len(list(queue[:2])) == 2


def test_search_is_staff_only(signed_in, bob, tickets):
    assert not ticket_queue(bob, text="printer").exists()
    assert signed_in(bob).get("/service-desk/queue/", {"q": "printer"}).status_code == 404


def test_queue_page_shows_matches_only(signed_in, adviser, tickets):
    page = signed_in(adviser).get("/service-desk/queue/", {"q": "spinner"})
    assert page.status_code == 200
    assert tickets["note"].reference in page.text
    assert tickets["subject"].reference not in page.text


def test_the_models_do_not_declare_the_stored_document():
    # SQLite (the quick start) never has the column; makemigrations must never see it.
    for model in (Ticket, TicketEvent):
        columns = {field.column for field in model._meta.concrete_fields}
        assert not columns & {"search_document", "events_document"}


def _columns(table):
    with connection.cursor() as cursor:
        return {column.name for column in connection.introspection.get_table_description(cursor, table)}


def test_stored_documents_exist_on_postgresql_only(db):
    stored = {"search_document", "events_document"}
    expected = stored if connection.vendor == "postgresql" else set()
    assert _columns(Ticket._meta.db_table) & stored == expected
    assert _columns(TicketEvent._meta.db_table) & stored == set()


@postgres_only
def test_english_stemming(adviser, tickets):
    assert _refs(ticket_queue(adviser, text="printers certificates"))[0] == tickets["subject"].reference
    assert tickets["customer"].reference in _refs(ticket_queue(adviser, text="tried"))  # "tries"


@postgres_only
def test_phrase_or_and_leaving_out(adviser, tickets):
    assert _refs(ticket_queue(adviser, text='"certificate missing"')) == [tickets["subject"].reference]
    assert set(_refs(ticket_queue(adviser, text="spinner or overlap"))) == {
        tickets["note"].reference,
        tickets["reply"].reference,
    }
    found = _refs(ticket_queue(adviser, text="printer -missing"))
    assert tickets["description"].reference in found
    assert tickets["subject"].reference not in found  # "missing" in its own subject


@postgres_only
def test_documents_follow_later_edits(adviser, tickets):
    # Generated columns: PostgreSQL recomputes them on every update, whoever makes it.
    Ticket.objects.filter(pk=tickets["reply"].pk).update(description="Now about a kaleidoscope.")
    TicketEvent.objects.filter(ticket=tickets["note"], kind=TicketEvent.Kind.NOTE).update(body="Periwinkle.")
    assert _refs(ticket_queue(adviser, text="kaleidoscope")) == [tickets["reply"].reference]
    assert _refs(ticket_queue(adviser, text="periwinkle")) == [tickets["note"].reference]
    assert tickets["note"].reference not in _refs(ticket_queue(adviser, text="restarted"))
    TicketEvent.objects.filter(ticket=tickets["reply"], kind=TicketEvent.Kind.REPLY).delete()
    assert tickets["reply"].reference not in _refs(ticket_queue(adviser, text="template"))


def test_a_query_may_draw_on_several_fields(adviser, tickets):
    # "spinner" is in the description, "restarted" in an internal note: one document, as on SQLite.
    assert _refs(ticket_queue(adviser, text="spinner restarted")) == [tickets["note"].reference]


@postgres_only
def test_status_change_reasons_and_system_entries_are_not_searched(adviser, tickets):
    # Only replies and notes are searched: "post" is in the resolved ticket's status-change reason.
    assert _refs(ticket_queue(adviser, text="post", status="all")) == []
