"""Capacity holds under concurrency: 500 booking requests for 100 places over real concurrent
PostgreSQL connections give exactly 100 places and 400 on the waiting list, numbered 1 to 400 in
the order they reached the session."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from bluelamp.events.booking import book
from bluelamp.events.models import Booking, EventSession
from bluelamp.events.tests.helpers import AT, event
from bluelamp.people.api import Person

THREADS = 50  # concurrent connections (PostgreSQL allows 100 by default; CI runs two test processes)
REQUESTS = 500


@pytest.mark.django_db(transaction=True)
def test_500_at_once_for_100_places(kent):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent connections: PostgreSQL, as in production and CI")
    _, session = event(kent, capacity=100)
    Person.objects.bulk_create(
        Person(email=f"rush{i}@kent.police.uk", first_name=f"R{i}", last_name="Rush", organisation=kent)
        for i in range(REQUESTS)
    )
    everyone = list(Person.objects.filter(email__startswith="rush").order_by("pk"))
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []
    mine: dict[int, list[int]] = {}

    def rush(n: int) -> None:
        try:
            start.wait()
            for person in everyone[n::THREADS]:
                booking = book(actor=person, session=session, person=person, at=AT + dt.timedelta(seconds=n))
                mine.setdefault(n, []).append(booking.pk)
        except BaseException as error:  # noqa: BLE001  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=rush, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors[:3]
    bookings = Booking.objects.filter(session=session)
    assert bookings.count() == REQUESTS
    assert bookings.filter(status="booked").count() == 100
    numbers = sorted(bookings.filter(status="waitlisted").values_list("waitlist_number", flat=True))
    assert numbers == list(range(1, 401))  # each once, none skipped
    session = EventSession.objects.get(pk=session.pk)
    assert (session.booked, session.waitlisted, session.waitlist_last) == (100, 400, 400)
    # Each connection's own requests, one after another, queued in the order it made them.
    by_pk = dict(bookings.values_list("pk", "waitlist_number"))
    for pks in mine.values():
        queued = [by_pk[pk] for pk in pks if by_pk[pk] is not None]
        assert queued == sorted(queued)
