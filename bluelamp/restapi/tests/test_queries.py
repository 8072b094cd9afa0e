"""List endpoints make a fixed number of queries, however many rows they return."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bluelamp.organisations.services import role_grant, unit_create
from conftest import make_person


def _people_list_queries(client, url="/api/v1/people/?page_size=100") -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), len(response.json()["results"])


@pytest.fixture
def crowd(kent, alice):
    def add(n, start=0):
        unit = unit_create(actor=alice, organisation=kent, name=f"Team {start}")
        for i in range(start, start + n):
            person = make_person(
                kent, f"p{i}@kent.police.uk", unit=unit, line_manager=alice, staff_number=f"P{i}"
            )
            if i % 3 == 0:
                role_grant(actor=alice, person=person, role="tutor", organisation=kent)

    return add


# Site middleware 1 (organisation for the host name), token 3 (the token with its owner, the
# owner's other tokens for knox's clean-up, last used), licence gate 3 (organisation, PL-P-101 in
# force, national body), access 3 (role assignments, licensed organisations, national body), page
# 2 (count, rows). The suite reads organisations and licences from the database every time; in
# production they come from the shared cache (organisations/cache.py), 6 fewer.
PEOPLE_LIST_QUERIES_WITH_TOKEN = 12


def test_people_list_query_count_is_pinned_and_does_not_grow(api_as, alice, crowd):
    client = api_as(alice)
    crowd(3)
    few, shown = _people_list_queries(client)
    assert shown == 4
    crowd(30, start=100)
    many, shown = _people_list_queries(client)
    assert shown == 34
    assert few == many == PEOPLE_LIST_QUERIES_WITH_TOKEN


@pytest.mark.parametrize("url", ["/api/v1/units/", "/api/v1/licences/", "/api/v1/organisations/"])
def test_other_lists_do_not_grow_with_rows(api_as, alice, crowd, url):
    client = api_as(alice)
    crowd(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for start in (10, 20, 30):
        crowd(2, start=start)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(few) == len(many)
