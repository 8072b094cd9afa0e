"""The registry of upcoming tasks: sources from every domain, each task once by its key, soonest
first, only the window asked for; the people a digest should look at."""

import datetime as dt

import pytest

from bluelamp.core import upcoming
from bluelamp.core.upcoming import (
    UpcomingTask,
    people_with_upcoming,
    register_upcoming_source,
    upcoming_tasks,
)

START, END = dt.date(2026, 11, 2), dt.date(2026, 11, 16)


@pytest.fixture(autouse=True)
def empty_registry(monkeypatch):
    monkeypatch.setattr(upcoming, "_sources", {})


def _task(key, title, day, kind="Course"):
    return UpcomingTask(key=key, title=title, due_on=day, kind=kind, href=f"/{key}/")


def test_tasks_come_from_every_source_once_each_soonest_first_then_by_title():
    register_upcoming_source(
        "learning",
        lambda person, start, end: [
            _task("a", "Zebra crossings", dt.date(2026, 11, 5)),
            _task("b", "Arrest powers", dt.date(2026, 11, 5)),
            _task("shared", "First aid", dt.date(2026, 11, 3)),
        ],
    )
    register_upcoming_source(
        "assessment",
        lambda person, start, end: [
            _task("shared", "First aid (again)", dt.date(2026, 11, 3)),
            _task("c", "Essay", dt.date(2026, 11, 4), kind="Assignment"),
        ],
    )
    found = upcoming_tasks(object(), start=START, end=END)
    assert [t.title for t in found] == ["First aid", "Essay", "Arrest powers", "Zebra crossings"]


def test_a_source_is_given_the_window_and_nothing_outside_it_is_listed():
    seen = []

    def source(person, start, end):
        seen.append((person, start, end))
        return [
            _task("early", "Early", START - dt.timedelta(days=1)),
            _task("late", "Late", END + dt.timedelta(days=1)),
            _task("edge", "Edge", END),
        ]

    register_upcoming_source("learning", source)
    assert [t.key for t in upcoming_tasks("bob", start=START, end=END)] == ["edge"]
    assert seen == [("bob", START, END)]


def test_registering_a_source_again_replaces_it():
    register_upcoming_source("learning", lambda person, start, end: [_task("a", "Old", START)])
    register_upcoming_source("learning", lambda person, start, end: [_task("b", "New", START)])
    assert [t.title for t in upcoming_tasks(None, start=START, end=END)] == ["New"]
    assert upcoming.upcoming_source_names() == ["learning"]


def test_the_people_to_look_at_are_those_any_source_names():
    register_upcoming_source("learning", lambda p, s, e: [], people=lambda start, end: [1, 2])
    register_upcoming_source("compliance", lambda p, s, e: [], people=lambda start, end: {2, 3})
    register_upcoming_source("other", lambda p, s, e: [])  # cannot say: asked per person only
    assert people_with_upcoming(start=START, end=END) == {1, 2, 3}
