"""The contact centre sees the coming releases and the calls to expect on the desk's queue."""

import datetime as dt
import re

import pytest

from bluelamp.changes.tests.helpers import AT, make_release

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr("bluelamp.changes.web.clock.now", lambda: AT)


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_advisers_see_the_next_30_days_of_releases_and_their_call_impact(
    client, signed_in, adviser, service_manager
):
    make_release(actor=service_manager, title="New catalogue", type="minor", planned_for=D(2027, 1, 4))
    make_release(actor=service_manager, title="Much later", type="major", planned_for=D(2027, 3, 1))
    signed_in(adviser)
    page = text(client.get("/service-desk/queue/"))
    assert "Coming releases: calls to expect" in page
    assert (
        "New catalogue (minor, 4 January 2027): May receive a small number of calls and may need to explain "
        "the change" in page
    )
    assert "Much later" not in page


def test_no_panel_without_coming_releases(client, signed_in, adviser):
    signed_in(adviser)
    assert "Coming releases" not in text(client.get("/service-desk/queue/"))
