"""The message thread of a learner's place, kept on their record: the learner writes to their
tutor, concierge and programme team; they write back. Each side is told of a new message."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bluelamp.notifications.api import notify
from bluelamp.programmes.models import Message, Place
from bluelamp.programmes.places import may_decide_as_admin

NOTICE_MESSAGE = "programmes.message"
MAX_LENGTH = 5000


def may_write(person, place: Place) -> bool:
    return person.pk in (place.person_id, place.tutor_id, place.concierge_id) or may_decide_as_admin(
        person, place
    )


def message_send(*, actor, place: Place, body: str, at: dt.datetime | None = None) -> Message:
    if not may_write(actor, place):
        raise PermissionDenied("You cannot write in this thread.")
    body = body.strip()
    if not body:
        raise ValidationError({"body": "Write your message."})
    if len(body) > MAX_LENGTH:
        raise ValidationError(
            {"body": f"Your message has {len(body):,} characters: the most is {MAX_LENGTH:,}."}
        )
    at = at or timezone.now()
    from_learner = actor.pk == place.person_id
    with transaction.atomic():
        message = Message.objects.create(
            place=place, author=actor, body=body, sent_at=at,
            read_by_learner_at=at if from_learner else None, read_by_staff_at=None if from_learner else at,
        )  # fmt: skip
        if from_learner:
            recipients = [p for p in (place.tutor, place.concierge) if p is not None and p.pk != actor.pk]
            link = reverse("programmes:place_messages", args=[place.uuid])
        else:
            recipients = [place.person]
            link = reverse("programmes:my_programme_messages", args=[place.uuid])
        for recipient in {r.pk: r for r in recipients}.values():
            notify(
                person=recipient,
                kind=NOTICE_MESSAGE,
                subject=f"New message about {place.programme.title}",
                body=f"{actor.get_full_name()} wrote: {body[:200]}{'…' if len(body) > 200 else ''}",
                link=link,
                dedupe_key=f"message:{message.uuid}",
                at=at,
            )
    return message


def messages_mark_read(*, reader, place: Place, at: dt.datetime | None = None) -> int:
    """The reader has seen the thread: the learner marks staff's messages read, staff the learner's."""
    at = at or timezone.now()
    if reader.pk == place.person_id:
        return place.messages.filter(read_by_learner_at__isnull=True).update(read_by_learner_at=at)
    if may_write(reader, place):
        return place.messages.filter(read_by_staff_at__isnull=True).update(read_by_staff_at=at)
    return 0
