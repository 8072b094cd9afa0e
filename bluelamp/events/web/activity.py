"""The course activity kind "event" (registered by plugins.py): a course's activity that
attending one of an event's sessions completes (attendance.py reports it through
`learning.api.activity_result`). Its target is the event's UUID. A course manager adds it from
the course's draft: they choose one of the organisation's events (linking it to the course); the
learner's link lists the event's sessions they may book."""

from __future__ import annotations

import uuid

from django.urls import reverse


def _add_url(course, draft) -> str:
    return reverse("events:course_activity", args=[course.uuid])


def _learner_url(enrolment, activity) -> str:
    return f"{reverse('events:sessions')}?event={activity.target}"


def _event(activity):
    from bluelamp.events.models import Event

    try:
        key = uuid.UUID(str(activity.target))
    except ValueError:
        return None
    return Event.objects.filter(uuid=key).first()


def _manage_url(course, activity) -> str:
    event = _event(activity)
    return reverse("events:manage_event", args=[event.uuid]) if event else reverse("events:manage")


def _describe(activity) -> str:
    event = _event(activity)
    if event is None:
        return "Event (missing)"
    return f"Attending {event.title} ({event.get_kind_display().lower()}) completes it"


def register() -> None:
    from bluelamp.learning.api import ActivityKind, register_activity_kind

    register_activity_kind(
        ActivityKind(
            key="event",
            label="Event attendance",
            add_url=_add_url,
            learner_url=_learner_url,
            manage_url=_manage_url,
            describe=_describe,
        )
    )
