"""The desk queue's pages, staff list and main content come from the shared cache
(tickets/queue_cache.py, staff.py, the queue view), and every write that changes what the queue
shows is seen on the next request; the SLA flags follow the clock without any write; nobody but
the desk's staff reads a kept page, and "assigned to me" is each adviser's own. The suite turns
the cache off; these tests turn it on."""

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bluelamp.organisations.api import organisation_update, role_revoke
from bluelamp.people.api import Person, forget_people, person_update
from bluelamp.people.listeners import people_changed
from bluelamp.servicedesk.tickets import queue_cache, views
from bluelamp.servicedesk.tickets.models import Ticket
from bluelamp.servicedesk.tickets.monitoring import service_levels_check
from bluelamp.servicedesk.tickets.services import (
    ticket_add_note,
    ticket_assign,
    ticket_create,
    ticket_set_status,
)
from conftest import london, make_person

pytestmark = pytest.mark.django_db

URL = "/service-desk/queue/"
LOGGED = london(2026, 4, 1, 10)  # a Wednesday; the P2's 75 % and target: see test_monitoring
WARN_AT = london(2026, 4, 9, 10)
DUE_AT = london(2026, 4, 10, 13)


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.DESK_CACHE_SECONDS = 60


@pytest.fixture
def clock(monkeypatch):
    """The instant the queue view works the SLA flags out at (its own clock only)."""
    now = SimpleNamespace(at=LOGGED + dt.timedelta(hours=1))
    monkeypatch.setattr(views, "timezone", SimpleNamespace(now=lambda: now.at))
    return now


@pytest.fixture
def ann(national):
    return make_person(national, "ann@national.example", first="Ann", last="Adviser", roles=["cc_adviser"])


def log_p2(adviser, bob, subject="Course page will not load") -> Ticket:
    return ticket_create(
        actor=adviser,
        requester=bob,
        channel=Ticket.Channel.PHONE,
        type=Ticket.Type.INCIDENT,
        subject=subject,
        description="The course page shows an error.",
        impact="small_group",
        urgency="work_stopped",  # suggests P2
        at=LOGGED,
    )


def queue(client, query=""):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL + query)
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.text), [q["sql"] for q in captured]


def desk_reads(sql) -> list[str]:
    """The queue's own reads: tickets, saved filters and the staff list (people by role)."""
    return [
        s
        for s in sql
        if '"servicedesk_ticket"' in s
        or '"servicedesk_savedqueuefilter"' in s
        or ('"people_person"' in s and '"organisations_roleassignment"' in s)
    ]


def row_of(page: str, ticket: Ticket) -> str:
    """The table row of `ticket` in the page."""
    start = page.index(f'value="{ticket.reference}"')
    return page[start : page.index("</tr>", start)]


def assignable(page: str) -> list[str]:
    """The names in the bulk form's "Assign to" list."""
    select = page[page.index('name="assignee"') :]
    select = select[: select.index("</select>")]
    return re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select)


def test_a_second_visit_reads_no_ticket_nor_staff(signed_in, adviser, bob):
    log_p2(adviser, bob, "First")
    log_p2(adviser, bob, "Second")
    client = signed_in(adviser)
    page, sql = queue(client)
    assert "First" in page and "Second" in page and "2 tickets" in page
    assert desk_reads(sql)
    again, sql = queue(client)
    assert "First" in again and "Second" in again and "2 tickets" in again
    assert desk_reads(sql) == []
    assert assignable(again) == ["Adam Adviser"]


def test_a_ticket_change_shows_at_once(signed_in, adviser, ann, bob):
    ticket = log_p2(adviser, bob)
    client = signed_in(adviser)
    row = row_of(queue(client)[0], ticket)
    assert "Unassigned" in row and ">New<" in row
    ticket_assign(actor=adviser, ticket=ticket, assignee=ann)
    row = row_of(queue(client)[0], ticket)
    assert "Ann Adviser" in row and "Unassigned" not in row
    ticket_set_status(actor=adviser, ticket=Ticket.objects.get(), status="awaiting_customer", reason="")
    row = row_of(queue(client)[0], ticket)
    assert "Awaiting customer" in row and "Clock paused" in row


def test_a_new_ticket_is_listed_and_counted_at_once(signed_in, adviser, bob):
    log_p2(adviser, bob, "First")
    client = signed_in(adviser)
    assert "1 ticket." in queue(client)[0]
    log_p2(adviser, bob, "Second")
    page = queue(client)[0]
    assert "2 tickets." in page and "Second" in page


def test_a_note_is_found_by_a_search_at_once(signed_in, adviser, bob):
    ticket = log_p2(adviser, bob)
    client = signed_in(adviser)
    assert "No tickets match." in queue(client, "?q=kaleidoscope")[0]
    ticket_add_note(actor=adviser, ticket=ticket, body="The kaleidoscope plug-in is blocked.")
    page = queue(client, "?q=kaleidoscope")[0]
    assert ticket.reference in page and "1 ticket." in page


def test_a_resolved_ticket_leaves_the_active_queue_at_once(signed_in, adviser, bob):
    ticket = log_p2(adviser, bob)
    client = signed_in(adviser)
    assert ticket.reference in queue(client)[0]
    ticket_set_status(actor=adviser, ticket=ticket, status="resolved", reason="")
    page = queue(client)[0]
    assert ticket.reference not in page and "0 tickets." in page


def test_the_flags_follow_the_clock_without_a_write(signed_in, adviser, bob, clock):
    ticket = log_p2(adviser, bob)
    client = signed_in(adviser)
    row = row_of(queue(client)[0], ticket)
    assert "Breached" not in row and "At risk" not in row
    clock.at = WARN_AT + dt.timedelta(hours=1)
    row = row_of(queue(client)[0], ticket)
    assert "At risk" in row and "Breached" not in row
    clock.at = DUE_AT + dt.timedelta(minutes=1)
    page, sql = queue(client)
    assert "Breached" in row_of(page, ticket)
    assert desk_reads(sql) == []  # the rows are still the kept ones: only the flags moved


def test_notices_stamped_by_the_monitoring_task_show_at_once(
    signed_in, adviser, bob, clock, django_capture_on_commit_callbacks
):
    ticket = log_p2(adviser, bob)
    client = signed_in(adviser)
    clock.at = WARN_AT + dt.timedelta(minutes=1)
    assert "Warned" not in row_of(queue(client)[0], ticket)
    # The task stamps the notice with an UPDATE (no save(), no signal).
    with django_capture_on_commit_callbacks(execute=True):
        assert service_levels_check(now=WARN_AT)["warnings"] == 1
    assert "Warned" in row_of(queue(client)[0], ticket)


def test_a_new_desk_member_appears_in_the_assign_list_at_once(signed_in, adviser, bob, national):
    log_p2(adviser, bob)
    client = signed_in(adviser)
    assert assignable(queue(client)[0]) == ["Adam Adviser"]
    make_person(national, "ann@national.example", first="Ann", last="Adviser", roles=["cc_adviser"])
    assert assignable(queue(client)[0]) == ["Adam Adviser", "Ann Adviser"]


def test_a_revoked_desk_role_leaves_the_assign_list_at_once(signed_in, adviser, ann, bob, platform_admin):
    log_p2(adviser, bob)
    client = signed_in(adviser)
    assert "Ann Adviser" in assignable(queue(client)[0])
    role_revoke(actor=platform_admin, assignment=ann.role_assignments.get(), reason="Moved on")
    assert "Ann Adviser" not in assignable(queue(client)[0])


def test_a_renamed_adviser_shows_renamed_at_once(signed_in, adviser, ann, bob, platform_admin):
    ticket = log_p2(adviser, bob)
    ticket_assign(actor=adviser, ticket=ticket, assignee=ann)
    client = signed_in(adviser)
    page = queue(client)[0]
    assert "Ann Adviser" in row_of(page, ticket) and "Ann Adviser" in assignable(page)
    person_update(actor=platform_admin, person=ann, last_name="Smith")
    page = queue(client)[0]
    assert "Ann Smith" in row_of(page, ticket) and "Ann Smith" in assignable(page)
    assert "Ann Adviser" not in page


def test_a_leaver_reported_by_an_hr_import_leaves_the_assign_list(signed_in, adviser, ann, bob):
    log_p2(adviser, bob)
    client = signed_in(adviser)
    assert "Ann Adviser" in assignable(queue(client)[0])
    # As the HR import writes leavers: in bulk, then one report to the people-changed listeners.
    Person.objects.filter(pk=ann.pk).update(is_active=False)
    people_changed(person_ids=[ann.pk], at=LOGGED)
    assert assignable(queue(client)[0]) == ["Adam Adviser"]


def test_a_name_changed_by_an_hr_import_shows_at_once(signed_in, adviser, ann, bob):
    ticket = log_p2(adviser, bob)
    ticket_assign(actor=adviser, ticket=ticket, assignee=ann)
    client = signed_in(adviser)
    assert "Ann Adviser" in assignable(queue(client)[0])
    # As the HR import writes names: in bulk (no save(), no signal, reported to no listener),
    # then people's own version moves (people/tests/test_directory.py).
    Person.objects.filter(pk=ann.pk).update(last_name="Smith")
    forget_people()
    page = queue(client)[0]
    assert "Ann Smith" in row_of(page, ticket) and "Ann Smith" in assignable(page)


def test_signing_in_does_not_drop_the_staff_list(signed_in, adviser, ann, bob):
    log_p2(adviser, bob)
    queue(signed_in(adviser))
    signed_in(ann)  # saves Ann's last_login
    assert desk_reads(queue(signed_in(adviser))[1]) == []


def test_a_renamed_organisation_shows_at_once(signed_in, adviser, bob, kent):
    ticket = log_p2(adviser, bob)
    client = signed_in(adviser)
    assert "Kent Police" in row_of(queue(client)[0], ticket)
    organisation_update(actor=None, organisation=kent, name="Kent and Medway Police")
    assert "Kent and Medway Police" in row_of(queue(client)[0], ticket)


def test_saved_filters_show_and_go_at_once(signed_in, adviser, bob):
    log_p2(adviser, bob)
    client = signed_in(adviser)
    assert "None yet." in queue(client)[0]
    client.post("/service-desk/queue/filters/", {"name": "Top priority", "priority": "P1"})
    page = queue(client)[0]
    assert "Top priority" in page and "None yet." not in page
    saved = re.search(r'href="/service-desk/queue/filters/(\d+)/"', page)
    assert saved is not None
    client.post(f"/service-desk/queue/filters/{saved.group(1)}/delete/")
    assert "None yet." in queue(client)[0]


def test_assigned_to_me_is_each_advisers_own(signed_in, adviser, ann, bob):
    ticket = log_p2(adviser, bob)
    ticket_assign(actor=adviser, ticket=ticket, assignee=ann)
    assert ticket.reference in queue(signed_in(ann), "?mine=on")[0]
    page = queue(signed_in(adviser), "?mine=on")[0]
    assert ticket.reference not in page and "0 tickets." in page


def test_only_the_desk_reads_a_kept_page(signed_in, client, adviser, bob, charlie):
    log_p2(adviser, bob)
    queue(signed_in(adviser))
    for outsider in (bob, charlie):
        assert signed_in(outsider).get(URL).status_code == 404
        found = queue_cache.queue_page(outsider, page=1, per_page=50)
        assert found.paginator.count == 0 and list(found) == []


def test_due_a_review_is_worked_out_on_every_request(signed_in, adviser, bob):
    log_p2(adviser, bob)
    client = signed_in(adviser)
    queue(client, "?review_due=on")
    assert desk_reads(queue(client, "?review_due=on")[1])


def test_a_ticket_write_draws_the_rows_again_but_not_the_forms(signed_in, adviser, bob):
    ticket = log_p2(adviser, bob)
    client = signed_in(adviser)
    queue(client)
    ticket_set_status(actor=adviser, ticket=ticket, status="open", reason="")
    page, sql = queue(client)
    assert ">Open<" in row_of(page, ticket)
    assert [s for s in sql if '"servicedesk_ticket"' in s]
    assert [s for s in desk_reads(sql) if '"servicedesk_ticket"' not in s] == []  # staff, saved filters
    assert assignable(page) == ["Adam Adviser"]


def test_the_filter_form_shows_each_query_strings_own_values(signed_in, adviser, bob):
    log_p2(adviser, bob)
    client = signed_in(adviser)
    selected = re.compile(r'<option value="(P\d)" selected')
    assert selected.findall(queue(client, "?priority=P1")[0]) == ["P1"]
    assert selected.findall(queue(client, "?priority=P2")[0]) == ["P2"]
    assert selected.findall(queue(client)[0]) == []
    assert "P9 is not one of the available choices" in queue(client, "?priority=P9")[0]


def test_after_a_ticket_write_only_its_row_is_drawn_again(signed_in, adviser, ann, bob, monkeypatch):
    first, second = log_p2(adviser, bob, "First"), log_p2(adviser, bob, "Second")
    drawn: list[str] = []
    draw_rows = views._draw_rows

    def spy(rows):
        drawn.extend(row.reference for row in rows)
        return draw_rows(rows)

    monkeypatch.setattr(views, "_draw_rows", spy)
    client = signed_in(adviser)
    queue(client)
    assert sorted(drawn) == sorted([first.reference, second.reference])
    drawn.clear()
    ticket_assign(actor=adviser, ticket=second, assignee=ann)
    page = queue(client)[0]
    assert drawn == [second.reference]
    assert "Ann Adviser" in row_of(page, second) and "First" in row_of(page, first)
