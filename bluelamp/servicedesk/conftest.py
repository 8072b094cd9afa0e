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
