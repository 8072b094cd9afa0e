"""The demo's events (`bluelamp demo-data`): Kent's first aid refresher with 20 places, some
booked, open for the demo officer; the national body's paid CMI workshop; loading again adds
nothing."""

import io

import pytest
from django.core.management import call_command

from bluelamp.events.models import Booking, Event, EventSession, Feedback
from bluelamp.learning.api import Enrolment

pytestmark = pytest.mark.django_db


def test_the_demo_has_bookable_and_paid_events():
    call_command("demo-data", "--people-per-force", "8", stdout=io.StringIO())
    first_aid = (
        EventSession.objects.filter(event__title="Emergency first aid refresher")
        .order_by("-starts_at")
        .first()
    )
    assert (first_aid.capacity, first_aid.event.owner.slug, first_aid.event.status) == (
        20,
        "kent",
        "published",
    )
    assert 0 < first_aid.booked < 20
    assert not Booking.objects.filter(session=first_aid, person__email="kent.officer@kent.police.uk").exists()
    workshop = Event.objects.get(title="CMI leading change workshop")
    assert (workshop.pricing, workshop.price_pence, workshop.audience) == ("per_place", 15000, "licensed")
    assert workshop.sessions.get().dates.count() == 2
    held = (
        EventSession.objects.filter(event__title="Emergency first aid refresher")
        .order_by("starts_at")
        .first()
    )
    assert held.bookings.filter(attendance="attended").count() >= 5
    assert Feedback.objects.filter(booking__session=held).exists()
    assert Enrolment.objects.filter(course__code="KENT-EFA-CLASS", status="completed").exists()
    before = Booking.objects.count()
    call_command("demo-data", "--people-per-force", "8", stdout=io.StringIO())
    assert Booking.objects.count() == before and EventSession.objects.count() == 3
