"""What a person has due soon, across domains: a registry core keeps without knowing any domain.

Each domain registers a source (from its AppConfig.ready(), through its plugins): a function
giving the person's tasks due between two dates (a course, an assignment, a quiz that closes,
mandatory training), and, for jobs that tell everyone, the people who may have one. Pages and
digests ask `upcoming_tasks` for one person; callers pass the dates, so nothing here reads the
clock and tests fix the day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class UpcomingTask:
    """One thing a person must do by a date.

    `key` is stable and unique across domains ("learning.enrolment:<uuid>"): the same task found
    twice is listed once, and a reminder about it is sent once. `kind` is its label ("Course",
    "Assignment", "Quiz closes", "Mandatory training"); `href` a path on this site; `context`
    where it belongs (a course, a programme), or ""."""

    key: str
    title: str
    due_on: dt.date
    kind: str
    href: str
    context: str = ""


TaskSource = Callable[[object, dt.date, dt.date], Iterable[UpcomingTask]]
PeopleSource = Callable[[dt.date, dt.date], Iterable[int]]


@dataclass(frozen=True)
class _Source:
    tasks: TaskSource
    people: PeopleSource | None


_sources: dict[str, _Source] = {}


def register_upcoming_source(name: str, fn: TaskSource, *, people: PeopleSource | None = None) -> None:
    """Add (or replace: a second ready() changes nothing) a domain's source of upcoming tasks.

    `fn(person, start, end)` gives the person's tasks due from `start` to `end` inclusive;
    `people(start, end)`, when given, the ids of everyone who may have one then (a superset is
    fine: it only keeps a nightly job from looking at every person in the country)."""
    _sources[name] = _Source(tasks=fn, people=people)


def upcoming_source_names() -> list[str]:
    return list(_sources)


def upcoming_tasks(person, *, start: dt.date, end: dt.date) -> list[UpcomingTask]:
    """The person's tasks due from `start` to `end` inclusive, from every source: each key once
    (the first source registered wins), soonest first, then by title."""
    found: dict[str, UpcomingTask] = {}
    for source in _sources.values():
        for task in source.tasks(person, start, end):
            if start <= task.due_on <= end:
                found.setdefault(task.key, task)
    return sorted(found.values(), key=lambda task: (task.due_on, task.title.casefold(), task.key))


def people_with_upcoming(*, start: dt.date, end: dt.date) -> set[int]:
    """Ids of the people who may have a task due from `start` to `end` (the sources that can
    say so): the candidates of a digest, each then asked `upcoming_tasks`."""
    ids: set[int] = set()
    for source in _sources.values():
        if source.people is not None:
            ids.update(source.people(start, end))
    return ids
