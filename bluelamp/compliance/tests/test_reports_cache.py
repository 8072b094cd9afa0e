"""The dashboard's tables kept as HTML (web/views_reports.py, counts_cache.tables_version): the
same for everyone at a level, drawn again at once after anything they show changes, never shown
to someone who may not see the level; the people by name kept likewise, per reader's sight of
names, and drawn again at once after any write to people or their standings.

The suite keeps nothing in the cache (settings._read_cache); here it is turned on, with the
suite's local-memory cache. Kent is test_reports.py's hand-built scenario.
"""

# ruff: noqa: F811 - `world` is test_reports.py's fixture, imported, then asked for by name

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bluelamp.compliance import counts_cache, evaluation
from bluelamp.compliance.services import CourseChoice, RequirementInput, extension_grant, requirement_save
from bluelamp.compliance.sweeps import month_end_keep
from bluelamp.compliance.tests.helpers import complete_course
from bluelamp.compliance.tests.test_reports import D, _table, at, world  # noqa: F401
from bluelamp.compliance.web import clock
from bluelamp.organisations.api import organisation_update, role_grant
from bluelamp.organisations.services import unit_rename
from bluelamp.people.api import Person
from bluelamp.people.importing import run_import
from bluelamp.people.listeners import listening
from bluelamp.people.services import person_update
from conftest import make_person

pytestmark = pytest.mark.django_db

# Statements that drawing the tables needs and a kept copy does not.
TABLE_READS = ("compliance_statuscount", "compliance_requirement", "compliance_monthendcount")


@pytest.fixture
def kept(settings):
    settings.COMPLIANCE_CACHE_SECONDS = 60


def _visit(client, **params):
    """The page, and the statements of the tables' data it ran."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("compliance:dashboard"), params)
    assert response.status_code == 200, response.status_code
    reads = [q["sql"] for q in captured if any(t in q["sql"] for t in TABLE_READS)]
    return response.content.decode(), reads


def _tables(page: str) -> str:
    """The kept part of the page: from "How these figures are worked out" to the trend's end."""
    start = page.index("How these figures are worked out")
    end = page.index('id="people"') if 'id="people"' in page else page.index("</main>")
    return page[start:end]


def test_a_levels_tables_are_drawn_once_then_kept(world, signed_in, kept):
    client = signed_in(world.alice)
    first, reads = _visit(client)
    assert reads
    again, reads = _visit(client)
    assert reads == [] and _tables(again) == _tables(first)
    assert _table(again, "requirements-table")[0][:4] == ["FA First aid", "9", "25%", "2"]
    # Another page of the people by name shows the same tables (they do not show the page).
    _, reads = _visit(client, page="2")
    assert reads == []
    # Another filter is another copy.
    _, reads = _visit(client, requirement=str(world.fa.uuid))
    assert reads


def test_the_tables_are_drawn_again_when_the_counts_change(world, signed_in, kept):
    client = signed_in(world.alice)
    _visit(client)
    complete_course(world.olly, world.fa_course, at=at(D))
    evaluation.evaluate_people([world.olly.pk], at=at(D))
    page, reads = _visit(client)
    assert reads and _table(page, "requirements-table")[0][3] == "3"


def test_a_requirement_renamed_shows_at_once(world, signed_in, kept):
    client = signed_in(world.alice)
    _visit(client)
    data = RequirementInput(
        code="FA",
        title="First aid at work",
        courses=[CourseChoice(world.fa_course)],
        audience={"all": True},
        validity_months=12,
        window_days=60,
        first_due_kind="start_date",
        first_due_days=60,
    )
    requirement_save(actor=world.alice, owner=world.kent, data=data, requirement=world.fa, at=at(D))
    page, _ = _visit(client)
    assert _table(page, "requirements-table")[0][0] == "FA First aid at work"


def test_a_unit_renamed_and_the_organisation_renamed_show_at_once(world, signed_in, kept):
    client = signed_in(world.alice)
    page, _ = _visit(client)
    assert [row[0] for row in _table(page, "units-table")][:2] == ["North", "South"]
    unit_rename(actor=None, unit=world.north, name="Northern")
    page, reads = _visit(client)
    assert [row[0] for row in _table(page, "units-table")][:2] == ["Northern", "South"]

    organisation_update(actor=None, organisation=world.kent, name="Kent Police")
    page, _ = _visit(client)
    assert "Figures by requirement: Kent Police" in page


def test_a_unit_the_hr_import_creates_shows_at_once(world, signed_in, kept):
    """The import creates units in bulk (no save(), no signal) and tells people's listeners; the
    domain's own listeners (which would count the new people) are set aside to show that the
    tables' own listener is enough."""
    client = signed_in(world.alice)
    page, _ = _visit(client)
    assert "East Division" not in page
    data = (
        b"staff_number,email,first_name,last_name,unit,rank,job_role,line_manager_staff_number,start_date,status\n"
        b"900,new.one@kent.police.uk,Nia,One,East Division,Police Constable,Response officer,,2021-09-06,active\n"
    )
    with listening(counts_cache.people_changed, alone=True):
        result = run_import(
            actor=world.alice, organisation=world.kent, data=data, file_name="hr.csv", dry_run=False
        )
    assert result.ok and result.applied, result.errors
    page, _ = _visit(client)
    assert [row[0] for row in _table(page, "units-table")][0] == "East Division"


def test_a_month_end_kept_shows_in_the_trend_at_once(world, signed_in, kept):
    client = signed_in(world.alice)
    page, _ = _visit(client)
    assert 'id="trend-table"' not in page
    month_end_keep(on=dt.date(2026, 3, 31))
    page, _ = _visit(client)
    assert [row[0] for row in _table(page, "trend-table")] == ["31 March 2026"]


def test_the_tables_are_drawn_again_the_next_day(world, signed_in, kept, monkeypatch):
    client = signed_in(world.alice)
    _visit(client)
    monkeypatch.setattr(clock, "today", lambda: dt.date(2031, 1, 2))
    _, reads = _visit(client)
    assert reads


def _people_reads(client, **params):
    """The page, and the statements that read people's standings (a kept list reads none)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("compliance:dashboard"), params)
    assert response.status_code == 200, response.status_code
    return response.content.decode(), [q["sql"] for q in captured if "compliance_assignment" in q["sql"]]


def test_the_people_by_name_are_kept_and_follow_every_write_at_once(world, signed_in, kept):
    """The list of people by name is kept too, and drawn again at once after a name changes
    (through save() or the HR import's bulk writes), a standing changes without any count
    changing (a renewal moves the due date), or a person leaves."""
    client = signed_in(world.alice)
    north = {"unit": str(world.north.pk), "below": "on"}
    page, reads = _people_reads(client, **north)
    assert reads and "Sam Kent" in page
    again, reads = _people_reads(client, **north)
    assert reads == [] and _table(again, "people-table") == _table(page, "people-table")

    person_update(actor=world.alice, person=world.sam, first_name="Samuel")
    page, reads = _people_reads(client, **north)
    assert "Samuel Kent" in page and "Sam Kent" not in page
    assert not any("statuscount" in sql for sql in _visit(client, **north)[1])  # the tables were kept

    # The HR import writes people in bulk (no save(), no signal): still seen at once.
    data = b"staff_number,email,first_name,last_name\nK-Cara,cara@kent.police.uk,Cara,Jones\n"
    result = run_import(
        actor=world.alice, organisation=world.kent, data=data, file_name="hr.csv", dry_run=False
    )
    assert result.ok and result.applied, result.errors
    page, _ = _people_reads(client, **north)
    assert "Cara Jones" in page and "Cara Kent" not in page

    # Cara's Taser due date is extended: still assigned (no count changes), due later.
    counted = _table(page, "requirements-table")
    extension_grant(
        actor=world.alice,
        person=world.cara,
        requirement=world.taser,
        to_due_on=dt.date(2027, 1, 15),
        reason="Course cancelled",
        at=at(D),
    )
    page, _ = _people_reads(client, **north)
    assert _table(page, "requirements-table") == counted
    cara = [row for row in _table(page, "people-table") if row[0] == "Cara Jones"][0]
    assert cara[-1] == "Assigned Due 15 January 2027"

    person_update(actor=world.alice, person=world.dan, status=Person.Status.LEAVER)
    page, _ = _people_reads(client, **north)
    assert "Dan Kent" not in page


def test_each_page_of_people_and_each_reader_s_sight_is_its_own_copy(world, signed_in, kept, monkeypatch):
    from bluelamp.compliance.web import views_reports

    monkeypatch.setattr(views_reports, "PAGE_SIZE", 2)
    client = signed_in(world.alice)
    north = {"unit": str(world.north.pk), "below": "on"}
    first, _ = _people_reads(client, **north)
    second, reads = _people_reads(client, **north, page="2")
    assert reads and [row[0] for row in _table(second, "people-table")] == ["Dan Kent", "Olly Kent"]
    assert [row[0] for row in _table(first, "people-table")] == ["Ann Kent", "Cara Kent"]

    # Someone who sees only Team A by name, at the same level and query string as Alice: their own
    # copy, with only the people they may see.
    team_admin = make_person(world.kent, "team.admin@kent.police.uk", first="Tia", unit=world.team_a)
    role_grant(actor=None, person=team_admin, role="training_admin", unit=world.team_a, as_operator=True)
    page, _ = _people_reads(signed_in(team_admin), unit=str(world.team_a.pk), below="on")
    names = [row[0] for row in _table(page, "people-table")]
    assert "Sam Kent" not in names and "Ann Kent" not in names


def test_readers_at_the_same_level_share_a_copy_and_no_one_else_sees_it(world, signed_in, kept):
    """Kept per level, not per person: the South unit's own administrator is shown the copy the
    force's administrator caused to be drawn, but its access check still runs for everyone."""
    south_admin = make_person(world.kent, "south.admin@kent.police.uk", first="Sue", unit=world.south)
    role_grant(actor=None, person=south_admin, role="training_admin", unit=world.south, as_operator=True)
    north_admin = make_person(world.kent, "north.admin@kent.police.uk", first="Ned", unit=world.north)
    role_grant(actor=None, person=north_admin, role="training_admin", unit=world.north, as_operator=True)
    first, _ = _visit(signed_in(world.alice), unit=str(world.south.pk))
    page, reads = _visit(signed_in(south_admin), unit=str(world.south.pk))  # the same query string
    assert reads == [] and _tables(page) == _tables(first)

    for outsider in (north_admin, world.charlie):
        client = signed_in(outsider)
        response = client.get(reverse("compliance:dashboard"), {"unit": str(world.south.pk)})
        assert response.status_code == 404
        assert "Eve Kent" not in response.content.decode() and "K-Eve" not in response.content.decode()


def test_bad_filters_are_never_kept(world, signed_in, kept):
    client = signed_in(world.alice)
    for _ in range(2):
        response = client.get(reverse("compliance:dashboard"), {"status": "nonsense"})
        assert response.status_code == 400
        assert "Choose a status from the list" in response.content.decode()
    page, _ = _visit(client)
    assert "Choose a status from the list" not in page


def test_the_my_team_link_follows_reporting_lines_and_leavers_at_once(world, signed_in, kept):
    """Whether anyone reports to the reader is kept until people's audience facts change."""
    client = signed_in(world.alice)
    assert "?view=team" in _visit(client)[0]  # Bob reports to Alice
    person_update(actor=world.alice, person=world.bob, line_manager=None)
    assert "?view=team" not in _visit(client)[0]
    person_update(actor=world.alice, person=world.bob, line_manager=world.alice)
    assert "?view=team" in _visit(client)[0]
    person_update(actor=world.alice, person=world.bob, status=Person.Status.LEAVER)
    assert "?view=team" not in _visit(client)[0]


def test_a_first_page_that_holds_everyone_is_not_counted(world, signed_in, kept, monkeypatch):
    """Page 1 reads one row more than a page: when that is everyone, no COUNT; when it is not, the
    count and the pages are those of the whole list."""
    from bluelamp.compliance.web import views_reports

    client = signed_in(world.alice)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("compliance:dashboard"), {"unit": world.north.pk, "below": "on"}).content
    assert not any("COUNT(" in q["sql"] for q in captured)
    assert "5 people" in page.decode()  # Ann, Cara, Dan, Olly and Sam

    monkeypatch.setattr(views_reports, "PAGE_SIZE", 2)
    asked = {"unit": world.north.pk, "below": "on"}
    page = client.get(reverse("compliance:dashboard"), asked).content.decode()
    assert "5 people" in page and "page=3" in page
    second = client.get(reverse("compliance:dashboard"), {**asked, "page": "2"}).content.decode()
    assert [row[0] for row in _table(page, "people-table")] == ["Ann Kent", "Cara Kent"]
    assert [row[0] for row in _table(second, "people-table")] == ["Dan Kent", "Olly Kent"]
