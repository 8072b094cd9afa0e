"""The desk queue's pages from the shared cache.

Every adviser sees the same queue (tickets.selectors.ticket_queue: staff see every ticket), so
each filter's count and each page's rows are kept in the shared cache for DESK_CACHE_SECONDS
(60; 0 turns it off, as the test suite does but for the caches' own tests), as tuples of just
what a row shows: 50 rows read as model instances with their assignee, category and
organisation were most of the page's reading (docs/performance.md, "Serving").

Any write to a ticket, its timeline (a reply changes what a search finds) or an organisation (the
rows show its name) drops every kept page at once and again on commit, through one generation;
writes that bypass `save()` (tickets.monitoring's notices) call `forget_queue()`. People's names
and the staff list have their own generation (servicedesk/staff.py), also part of the keys.
"Only tickets assigned to me" is kept per person; "due a review" depends on the time of asking
and is never kept. Whether the person may see the queue at all is checked on every request, and
a page is only read from here for desk staff.

The SLA flags ("Breached", "At risk", "Review due") depend on the time too: the view works them
out on every request from the kept due times, and they are part of the key of the page's HTML.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import NamedTuple

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from markupsafe import Markup

from bluelamp.core.sharedcache import Generation, LocalCopies, read_through
from bluelamp.organisations.api import Organisation
from bluelamp.servicedesk.staff import is_desk_staff, staff_generation
from bluelamp.servicedesk.tickets import selectors
from bluelamp.servicedesk.tickets.models import SavedQueueFilter, Ticket, TicketEvent

_KEY = "servicedesk:queue:v1:{generation}:{shared}:{staff}:{digest}:{part}"
_ROW = "servicedesk:queue-row:v1:{generation}:{digest}"
_SAVED = "servicedesk:saved-filters:v1:{generation}:{shared}:{person}"
_queue = Generation("servicedesk-queue")
# Everyone's saved filters at once: they change seldom, and a generation lets a process hold them.
_saved = Generation("servicedesk-saved-filters")
# Part of every key: the test suite moves each test onto new keys (its rollbacks send no signal).
_generation = 0


# Counts and pages of rows (a few KB each), saved filters, rows' HTML (1 KB each): their keys
# name their generations or their whole content, so each process may hold copies.
_local = LocalCopies(1024)


class QueueRow(NamedTuple):
    """What the queue shows of a ticket (and what its SLA flags are worked out from)."""

    pk: int
    reference: str
    subject: str
    requester_name: str
    organisation_name: str | None
    priority: str
    status: str
    tier: str
    assignee_first_name: str | None
    assignee_last_name: str | None
    first_response_at: dt.datetime | None
    response_due: dt.datetime
    resolution_due: dt.datetime | None
    resolution_breach_notified_at: dt.datetime | None
    resolution_warned_at: dt.datetime | None
    last_activity_at: dt.datetime

    @property
    def assignee_name(self) -> str | None:
        """The assignee's full name (as Person.get_full_name), None when unassigned."""
        if self.assignee_first_name is None and self.assignee_last_name is None:
            return None
        return f"{self.assignee_first_name} {self.assignee_last_name}".strip()


_COLUMNS = (
    "pk",
    "reference",
    "subject",
    "requester_name",
    "organisation__name",
    "priority",
    "status",
    "tier",
    "assignee__first_name",
    "assignee__last_name",
    "first_response_at",
    "response_due",
    "resolution_due",
    "resolution_breach_notified_at",
    "resolution_warned_at",
    "last_activity_at",
)


class QueuePage(Page):
    """A page of QueueRow; `many`: a search too large to count or rank (the page says "more
    than 1,000" and shows the most urgent matches first); `version`: names what the rows are,
    for the key of anything drawn from them."""

    many: bool
    version: str


def queue_page(
    person,
    *,
    page,
    per_page: int,
    status: str = "",
    priority: str = "",
    tier: str = "",
    mine: bool = False,
    text: str = "",
    review_due: bool = False,
) -> QueuePage:
    """The page `page` (any value a query string gives; as Paginator.get_page reads it) of
    tickets.selectors.ticket_queue's tickets for `person` with these filters."""
    filters = {
        "status": status,
        "priority": priority,
        "tier": tier,
        "mine": mine,
        "text": text,
        "review_due": review_due,
    }
    seconds = settings.DESK_CACHE_SECONDS
    if review_due or not is_desk_staff(person):
        seconds = 0  # a cut-off that moves with the clock; and anyone else reads nothing kept
    facts = {**filters, "per_page": per_page, "person": person.pk if mine else None}
    digest = hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()[:32]
    prefix = _KEY.format(
        generation=_generation,
        shared=_queue.current() if seconds else "",
        staff=staff_generation() if seconds else "",
        digest=digest,
        part="{part}",
    )

    def queue(*, ranked: bool = True) -> QuerySet[Ticket]:
        return selectors.ticket_queue(
            person,
            status=status,
            priority=priority,
            tier=tier,
            mine=mine,
            text=text,
            review_due=review_due,
            ranked=ranked,
        )

    def count() -> tuple[int, bool]:
        tickets = queue()
        if text.strip() and selectors.search_is_large(tickets):
            return selectors.SEARCH_COUNT_CAP, True
        return tickets.count(), False

    def rows(number: int, many: bool) -> tuple[QueueRow, ...]:
        tickets = queue(ranked=not many)
        bottom = (number - 1) * per_page
        return tuple(
            QueueRow(*values) for values in tickets.values_list(*_COLUMNS)[bottom : bottom + per_page]
        )

    if not seconds:
        total, many = count()
        number = Paginator(range(total), per_page).get_page(page).number
        fresh = rows(number, many)
        version = hashlib.sha256(repr((total, many, fresh)).encode()).hexdigest()
        return _page(fresh, number, total, per_page, many, version)

    # The count and the page asked for at once (the page is nearly always valid): from this
    # process's copies, else in one round trip.
    count_key = prefix.format(part="count")
    guess_key = prefix.format(part=f"page-{_number(page)}")
    held = _local.get_many([count_key, guess_key])
    counted = held.get(count_key)
    if counted is None:
        counted = count()
        _local.keep_many({count_key: counted}, seconds)
    total, many = counted
    number = Paginator(range(total), per_page).get_page(page).number
    rows_key = prefix.format(part=f"page-{number}")
    found: tuple[QueueRow, ...] | None = held.get(rows_key)
    if found is None:
        found = read_through(seconds, lambda: rows_key, lambda: rows(number, many), local=_local)
    return _page(found, number, total, per_page, many, rows_key)


def rows_html(
    rows: list[QueueRow], seconds: int, draw: Callable[[list[QueueRow]], list[str]]
) -> list[Markup]:
    """Each row's HTML, `draw`n (a list of rows at once) only for rows not kept already: a key
    names everything a row shows (the row itself), so after a ticket write, which moves every
    page's generation, the next page draws only the rows that changed."""
    if not seconds:
        return [Markup(html) for html in draw(rows)]  # noqa: S704 - a template's output
    keys = [
        _ROW.format(generation=_generation, digest=hashlib.sha256(repr(row).encode()).hexdigest()[:32])
        for row in rows
    ]
    found = _local.get_many(keys)
    missing = [i for i, key in enumerate(keys) if key not in found]
    if missing:
        drawn = dict(zip([keys[i] for i in missing], draw([rows[i] for i in missing]), strict=True))
        _local.keep_many(drawn, seconds)
        found.update(drawn)
    return [Markup(found[key]) for key in keys]  # noqa: S704 - a template's output


def _number(page) -> int:
    try:
        return max(int(page), 1)
    except (TypeError, ValueError):
        return 1


def _page(
    rows: tuple[QueueRow, ...], number: int, total: int, per_page: int, many: bool, version: str
) -> QueuePage:
    found = QueuePage(rows, number, Paginator(range(total), per_page))
    found.many = many
    found.version = version
    return found


def saved_filters(person) -> tuple[tuple[int, str], ...]:
    """(id, name) of the person's saved queue filters, from the shared cache."""
    return read_through(
        settings.DESK_CACHE_SECONDS,
        lambda: _SAVED.format(generation=_generation, shared=_saved.current(), person=person.pk),
        lambda: tuple(selectors.saved_filters_for(person).values_list("pk", "name")),
        local=_local,
    )


def forget_queue() -> None:
    """Drop every kept queue page (now and on commit). Writes to tickets that bypass `save()`
    call it."""
    _queue.bump()


def forget_all() -> None:
    """This process stops reading anything cached so far (the test suite, around every test)."""
    global _generation
    _generation += 1
    _queue.forget_local()
    _saved.forget_local()
    _local.clear()


@receiver([post_save, post_delete], sender=Ticket, dispatch_uid="servicedesk-queue-ticket")
@receiver([post_save, post_delete], sender=TicketEvent, dispatch_uid="servicedesk-queue-event")
@receiver([post_save, post_delete], sender=Organisation, dispatch_uid="servicedesk-queue-organisation")
def _changed(sender, **kwargs) -> None:
    forget_queue()


@receiver([post_save, post_delete], sender=SavedQueueFilter, dispatch_uid="servicedesk-queue-saved")
def _saved_filter_changed(sender, **kwargs) -> None:
    _saved.bump()
