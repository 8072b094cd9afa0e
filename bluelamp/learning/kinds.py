"""Kinds of activity that domains above learning add to courses (quizzes, assignments).

Learning knows its own kinds (e-learning, pages, media, files, links). A domain above it
registers a kind from its plugins: its key and label, the page where a course manager sets one
up in a draft, where a learner goes to take it and where its settings are edited. The activity
row keeps the kind's key and, in `target`, the key of the thing it stands for (a quiz's UUID);
copying a version into a new draft copies both, so the new version takes the same quiz. The
domain reports a learner's result through `activity_result` (progress.py), which completes the
activity and, through it, the course and the learner record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ActivityKind:
    """A kind of activity a domain adds. The callables return addresses (`reverse(...)`).

    - `add_url(course, draft)`: the page that sets one up in the course's draft version and then
      calls `activity_add(kind=key, target=...)`.
    - `learner_url(enrolment, activity)`: where the learner takes it.
    - `manage_url(course, activity)`: where its settings are edited (None: only the title and
      "required" on learning's own edit page).
    - `describe(activity)`: one line for the course manager's list of activities.
    """

    key: str
    label: str
    add_url: Callable[[Any, Any], str]
    learner_url: Callable[[Any, Any], str]
    manage_url: Callable[[Any, Any], str] | None = None
    describe: Callable[[Any], str] | None = None


_KINDS: dict[str, ActivityKind] = {}


def register_activity_kind(kind: ActivityKind) -> None:
    """Add (or, registered again, replace) a kind of activity."""
    from bluelamp.learning.models import Activity

    if kind.key in Activity.Kind.values:
        raise ValueError(f"{kind.key!r} is one of learning's own kinds of activity.")
    if len(kind.key) > (Activity._meta.get_field("kind").max_length or 0):
        raise ValueError(f"The kind {kind.key!r} is too long.")
    _KINDS[kind.key] = kind


def registered_kind(key: str) -> ActivityKind | None:
    return _KINDS.get(key)


def registered_kinds() -> list[ActivityKind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.label)


def kind_label(key: str) -> str:
    from bluelamp.learning.models import Activity

    labels = dict(Activity.Kind.choices)
    if key in labels:
        return str(labels[key])
    registered = _KINDS.get(key)
    return registered.label if registered else key
