"""Service-desk fixtures, for the tests of every applet: the desk's people, and a fresh
working-time calendar for every test.

The desk's calendar caches the extra closures. A test's rollback sends no signal, so the cache
is forgotten around every test here, lest one test's closure leak into the next.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bluelamp.workingtime.api import Calendar, forget_calendars
from conftest import make_person

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _fresh_desk_calendar():
    forget_calendars()
    yield
    forget_calendars()


@pytest.fixture(scope="session")
def calendar():
    """Bank holidays only: no extra closures, no database."""
    return Calendar()


def london(year, month, day, hour=0, minute=0, second=0, microsecond=0) -> dt.datetime:
    """An aware Europe/London wall-clock time."""
    return dt.datetime(year, month, day, hour, minute, second, microsecond, tzinfo=LONDON)


@pytest.fixture
def service_manager(national):
    return make_person(
        national, "ivy@national.example", first="Ivy", last="Manager", roles=["it_service_manager"]
    )


@pytest.fixture
def adviser(national):
    return make_person(national, "adam@national.example", first="Adam", last="Adviser", roles=["cc_adviser"])


@pytest.fixture
def engineer(national):
    """Second line: an application operations engineer."""
    return make_person(
        national, "eve@national.example", first="Eve", last="Engineer", roles=["app_ops_engineer"]
    )
