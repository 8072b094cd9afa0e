"""Sessions: a room or a trainer in two places at once is refused, naming the clash; a room's
seats bound the places; publishing needs something to book."""

import pytest
from django.core.exceptions import ValidationError

from bluelamp.events.services import EventInput, event_create, event_publish
from bluelamp.events.tests.helpers import AT, event, utc, venue
from conftest import make_person

pytestmark = pytest.mark.django_db
DAY = [(utc(2027, 1, 12, 9, 0), utc(2027, 1, 12, 16, 0))]
OVERLAPPING = [(utc(2027, 1, 12, 15, 0), utc(2027, 1, 12, 17, 0))]


def test_a_room_cannot_hold_two_sessions_at_once(kent):
    room = venue(kent).rooms.get(name="Room 1")
    event(kent, room=room, dates=DAY)
    with pytest.raises(ValidationError) as excinfo:
        event(kent, room=room, dates=OVERLAPPING, title="Public order")
    assert excinfo.value.message_dict["room"] == [
        "Kent Training Centre, Room 1 is booked for First aid refresher from 12 January 2027 at 9:00am to "
        "12 January 2027 at 4:00pm"
    ]
    event(
        kent, room=room, dates=[(utc(2027, 1, 12, 16, 0), utc(2027, 1, 12, 18, 0))], title="Evening"
    )  # back to back


def test_a_trainer_cannot_train_twice_at_once(kent):
    trainer = make_person(kent, "tara@kent.police.uk", first="Tara", last="Trainer")
    event(kent, dates=DAY, trainers=[trainer])
    with pytest.raises(ValidationError) as excinfo:
        event(kent, dates=OVERLAPPING, trainers=[trainer], title="Taser")
    assert excinfo.value.message_dict["trainers"][0].startswith(
        "Tara Trainer is training First aid refresher from"
    )


def test_places_fit_the_room_and_publishing_needs_a_session(kent):
    room = venue(kent).rooms.get(name="Room 2")  # seats 12
    with pytest.raises(ValidationError, match="seats 12: give at most 12 places"):
        event(kent, room=room, capacity=20)
    empty = event_create(
        actor=None, owner=kent, data=EventInput(kind="workshop", title="Empty", description="x"), at=AT
    )
    with pytest.raises(ValidationError, match="Add a session before publishing"):
        event_publish(actor=None, event=empty, at=AT)


def test_bad_events_are_refused_naming_each_field(kent, alice, bob):
    with pytest.raises(ValidationError) as excinfo:
        event_create(
            actor=alice, owner=kent,
            data=EventInput(kind="party", title=" ", description="x", pricing="per_place", price_pence=0),
        )  # fmt: skip
    errors = excinfo.value.message_dict
    assert errors["title"] == ["Enter a title"]
    assert errors["kind"][0].startswith("Choose the kind of event: Workshop, Webinar")
    assert errors["price"] == ["Enter the price of a place, more than £0"]
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        event_create(actor=bob, owner=kent, data=EventInput(kind="workshop", title="x", description="x"))
