"""Working-time fixtures: a fresh calendar cache for every test, and who keeps the calendar.

The calendars cache the extra closures. A test's rollback sends no signal, so the cache is
forgotten around every test here, lest one test's closure leak into the next.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bluelamp.workingtime.api import Calendar, forget_calendars
from conftest import make_person

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _fresh_calendars():
    forget_calendars()
    yield
    forget_calendars()


@pytest.fixture(scope="session")
def calendar():
    """England & Wales bank holidays only: no extra closures, no database."""
    return Calendar()


def london(year, month, day, hour=0, minute=0, second=0, microsecond=0) -> dt.datetime:
    """An aware Europe/London wall-clock time."""
    return dt.datetime(year, month, day, hour, minute, second, microsecond, tzinfo=LONDON)


@pytest.fixture
def service_manager(national):
    """An IT service manager: a service-desk lead, who keeps the national calendar's closures."""
    return make_person(
        national, "ivy@national.example", first="Ivy", last="Manager", roles=["it_service_manager"]
    )


@pytest.fixture
def adviser(national):
    """A contact-centre adviser: desk staff, but not a lead."""
    return make_person(national, "adam@national.example", first="Adam", last="Adviser", roles=["cc_adviser"])
