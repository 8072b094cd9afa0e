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
import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from markupsafe import Markup

from bluelamp.core.fragments import cached_html
from bluelamp.core.sharedcache import Generation, read_through
from bluelamp.organisations.api import Organisation
from bluelamp.servicedesk.staff import is_desk_staff, staff_generation
from bluelamp.servicedesk.tickets import selectors
from bluelamp.servicedesk.tickets.models import SavedQueueFilter, Ticket, TicketEvent

_KEY = "servicedesk:queue:v1:{generation}:{shared}:{staff}:{digest}:{part}"
_SAVED = "servicedesk:saved-filters:v1:{generation}:{shared}:{person}"
_queue = Generation("servicedesk-queue")
# Everyone's saved filters at once: they change seldom, and a generation lets a process hold them.
_saved = Generation("servicedesk-saved-filters")
# Part of every key: the test suite moves each test onto new keys (its rollbacks send no signal).
_generation = 0


class _Held:
    """This process's copies of kept entries whose key names their generations or their whole
    content: such a key's value never changes, and the generations are asked for again every
    second (core/sharedcache), so a copy saves a round trip to the shared cache and unpickling on
    nearly every request. Copies are held for HOLD_SECONDS only, the oldest dropped past `size`:
    what no write reports (an HR import's change of a name) lasts little longer than in the
    shared cache."""

    HOLD_SECONDS = 10.0

    def __init__(self, size: int):
        self._size = size
        self._items: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        held = self._items.get(key)
        if held is not None and held[0] > time.monotonic():
            return held[1]
        return None

    def put(self, key: str, value: Any) -> None:
        with self._lock:
            self._items.pop(key, None)
            self._items[key] = (time.monotonic() + self.HOLD_SECONDS, value)
            while len(self._items) > self._size:
                self._items.pop(next(iter(self._items)))

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_held = _Held(256)  # counts and pages of rows (a few KB each)
_held_html = _Held(64)  # main contents (about 80 KB each) and their forms


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

    def rows(number: int, many: bool) -> list[QueueRow]:
        tickets = queue(ranked=not many)
        bottom = (number - 1) * per_page
        return [QueueRow(*values) for values in tickets.values_list(*_COLUMNS)[bottom : bottom + per_page]]

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
    held = {key: value for key in (count_key, guess_key) if (value := _held.get(key)) is not None}
    if len(held) < 2:
        fetched = cache.get_many([key for key in (count_key, guess_key) if key not in held])
        for key, value in fetched.items():
            _held.put(key, value)
        held.update(fetched)
    counted = held.get(count_key)
    if counted is None:
        counted = count()
        cache.set(count_key, counted, seconds)
        _held.put(count_key, counted)
    total, many = counted
    number = Paginator(range(total), per_page).get_page(page).number
    rows_key = prefix.format(part=f"page-{number}")
    found: list[QueueRow] | None = held.get(rows_key)
    if found is None:
        found = _held.get(rows_key)
    if found is None:
        found = read_through(seconds, lambda: rows_key, lambda: rows(number, many))
        _held.put(rows_key, found)
    return _page(found, number, total, per_page, many, rows_key)


def kept_html(key: tuple, seconds: int, draw: Callable[[], str]) -> Markup:
    """core.fragments.cached_html, with this process's copy first: the key must name everything
    the HTML shows (so a copy is never wrong but for what no write reports, and is held briefly)."""
    if not seconds:
        return cached_html(key, seconds, draw)
    name = hashlib.sha256(repr((_generation, *key)).encode()).hexdigest()
    html = _held_html.get(name)
    if html is None:
        html = cached_html(key, seconds, draw)
        _held_html.put(name, html)
    return html


def _number(page) -> int:
    try:
        return max(int(page), 1)
    except (TypeError, ValueError):
        return 1


def _page(
    rows: list[QueueRow], number: int, total: int, per_page: int, many: bool, version: str
) -> QueuePage:
    found = QueuePage(rows, number, Paginator(range(total), per_page))
    found.many = many
    found.version = version
    return found


def saved_filters(person) -> list[tuple[int, str]]:
    """(id, name) of the person's saved queue filters, from the shared cache."""
    seconds = settings.DESK_CACHE_SECONDS
    if not seconds:
        return list(selectors.saved_filters_for(person).values_list("pk", "name"))
    key = _SAVED.format(generation=_generation, shared=_saved.current(), person=person.pk)
    found = _held.get(key)
    if found is None:
        found = read_through(
            seconds, lambda: key, lambda: list(selectors.saved_filters_for(person).values_list("pk", "name"))
        )
        _held.put(key, found)
    return found


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
    _held.clear()
    _held_html.clear()


@receiver([post_save, post_delete], sender=Ticket, dispatch_uid="servicedesk-queue-ticket")
@receiver([post_save, post_delete], sender=TicketEvent, dispatch_uid="servicedesk-queue-event")
@receiver([post_save, post_delete], sender=Organisation, dispatch_uid="servicedesk-queue-organisation")
def _changed(sender, **kwargs) -> None:
    forget_queue()


@receiver([post_save, post_delete], sender=SavedQueueFilter, dispatch_uid="servicedesk-queue-saved")
def _saved_filter_changed(sender, **kwargs) -> None:
    _saved.bump()
