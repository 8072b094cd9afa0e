"""Service-desk fixtures, for the tests of every applet: the desk's people beyond the root
conftest's (which has the adviser, the service manager, `london` and fresh calendars)."""

import pytest

from conftest import make_person


@pytest.fixture
def engineer(national):
    """Second line: an application operations engineer."""
    return make_person(
        national, "eve@national.example", first="Eve", last="Engineer", roles=["app_ops_engineer"]
    )


@pytest.fixture(autouse=True)
def _fresh_desk_cache():
    """The queue's pages and the staff list are cached across requests (tickets/queue_cache.py,
    staff.py); a test's rollback sends no signal, so each test starts with nothing cached."""
    from bluelamp.servicedesk.staff import forget_all as forget_cached_staff
    from bluelamp.servicedesk.tickets.queue_cache import forget_all as forget_cached_queue

    forget_cached_staff()
    forget_cached_queue()
    yield
