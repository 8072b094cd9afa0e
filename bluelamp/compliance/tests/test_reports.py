"""The compliance dashboards against a hand-built Kent whose figures are worked out by hand below:
units, people in every status (exempt and suspended included), drill-down, who sees what by
name, the trend, the national view and the downloads.

Kent on 2 March 2026 (D), FA and TASER created on 1 December 2025:

    FA (first aid: 12 months' validity, first due 60 days after employment start, or joining)
      no unit     Alice (no start: due 30 Jan 2026) overdue, Bob overdue
      North/Team A  Cara (done 1 Feb 2026) compliant, Dan (done 20 Mar 2025, expires 20 Mar 2026) due,
                    Olly (started 1 Jun 2025, never done) overdue
      North       Sam (done 1 Feb 2025, lapsed) overdue, Ann (started 15 Feb 2026) assigned
      South       Eve exempt, Carl (done 15 Jan 2026) compliant
    TASER (North and below; FA a prerequisite; first due 365 days after joining)
      Sam (done 10 Jan 2026, but FA lapsed) suspended; Cara, Dan, Olly, Ann assigned

FA: 9 in audience, 2 compliant, 1 due, 4 overdue, 1 assigned, 1 exempt: 2 ÷ 8 = 25%.
TASER: 5 in audience, 4 assigned, 1 suspended: 0%. Overall: 14, 2 ÷ 13 = 15.3% (rounded down).
"""

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from bluelamp.compliance import evaluation, reports
from bluelamp.compliance.models import MonthEndCount, StatusCount
from bluelamp.compliance.services import exemption_grant
from bluelamp.compliance.sweeps import month_end_keep
from bluelamp.compliance.tests.helpers import complete_course, make_requirement
from bluelamp.learning.tests.courses import publish_course
from bluelamp.organisations.api import Licence, role_grant, unit_create
from bluelamp.people.api import Person
from conftest import make_org, make_person, page_body

pytestmark = pytest.mark.django_db

CREATED = dt.datetime(2025, 12, 1, 9, 0, tzinfo=dt.UTC)
D = dt.date(2026, 3, 2)


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.UTC)


class Kent:
    """The scenario's people, units and requirements by name."""


@pytest.fixture
def world(kent, alice, bob, essex, charlie, national):
    w = Kent()
    w.kent, w.alice, w.bob, w.essex, w.charlie, w.national = kent, alice, bob, essex, charlie, national
    w.north = unit_create(actor=None, organisation=kent, name="North")
    w.team_a = unit_create(actor=None, organisation=kent, name="Team A", parent=w.north)
    w.south = unit_create(actor=None, organisation=kent, name="South")

    def person(first, unit, start=None, **kwargs):
        p = make_person(
            kent,
            f"{first.lower()}@kent.police.uk",
            first=first,
            last=kwargs.pop("last", "Kent"),
            unit=unit,
            staff_number=kwargs.pop("staff_number", f"K-{first}"),
            **kwargs,
        )
        if start is not None:
            p.employment_start_date = start
            p.save(update_fields=["employment_start_date"])
        return p

    w.cara = person("Cara", w.team_a)
    w.dan = person("Dan", w.team_a)
    w.olly = person("Olly", w.team_a, start=dt.date(2025, 6, 1))
    w.sam = person("Sam", w.north)
    w.ann = person("Ann", w.north, start=dt.date(2026, 2, 15))
    w.eve = person("Eve", w.south)
    w.carl = person("Carl", w.south, staff_number="=cmd|' /C calc'!A0")
    w.fa_course = publish_course(kent, alice, "FA-101")
    w.taser_course = publish_course(kent, alice, "TS-101")
    w.fa = make_requirement(
        kent,
        "FA",
        [w.fa_course],
        title="First aid",
        validity_months=12,
        window_days=60,
        first_due_kind="start_date",
        first_due_days=60,
        at=CREATED,
    )
    w.taser = make_requirement(
        kent,
        "TASER",
        [w.taser_course],
        title="Taser refresher",
        audience={"units": [w.north.pk]},
        validity_months=12,
        first_due_days=365,
        prerequisites=[w.fa],
        at=CREATED,
    )
    complete_course(w.cara, w.fa_course, at=at(dt.date(2026, 2, 1)))
    complete_course(w.dan, w.fa_course, at=at(dt.date(2025, 3, 20)))
    complete_course(w.sam, w.fa_course, at=at(dt.date(2025, 2, 1)))
    complete_course(w.sam, w.taser_course, at=at(dt.date(2026, 1, 10)))
    complete_course(w.carl, w.fa_course, at=at(dt.date(2026, 1, 15)))
    exemption_grant(
        actor=alice,
        person=w.eve,
        requirement=w.fa,
        reason="Long-term sick leave",
        starts_on=dt.date(2026, 1, 1),
        ends_on=None,
        at=at(D),
    )
    evaluation.evaluate_people(
        [p.pk for p in (alice, bob, w.cara, w.dan, w.olly, w.sam, w.ann, w.eve, w.carl)], at=at(D)
    )
    return w


def counts(f):
    return {s: n for s, n in f.counts.items() if n}


# --- the figures ---------------------------------------------------------------------------------


def test_the_organisation_figures_match_the_hand_built_scenario(world):
    level = reports.level_for(world.alice)
    assert level.whole_organisation and level.organisation == world.kent and level.names
    f = reports.level_figures(level)
    assert [r.code for r in f.requirements] == ["FA", "TASER"]
    fa, taser = f.by_requirement[world.fa.pk], f.by_requirement[world.taser.pk]
    assert counts(fa) == {"compliant": 2, "due": 1, "overdue": 4, "assigned": 1, "exempt": 1}
    assert fa.in_audience == 9 and fa.percent == 25.0 and fa.percent_text == "25%"
    assert counts(taser) == {"assigned": 4, "suspended": 1}
    assert taser.percent == 0
    assert f.overall.in_audience == 14 and f.overall.percent == 15.3  # 2 / 13, rounded down
    children = {u.name: counts(x) for u, x in f.children()}
    assert children == {
        "North": {"compliant": 1, "due": 1, "overdue": 2, "assigned": 5, "suspended": 1},
        "South": {"compliant": 1, "exempt": 1},
    }
    assert counts(f.in_no_unit()) == {"overdue": 2}  # Alice and Bob
    assert f.direct() is None
    assert counts(dict(f.children(world.fa))[world.north]) == {
        "compliant": 1,
        "due": 1,
        "overdue": 2,
        "assigned": 1,
    }


def test_a_unit_adds_up_its_subtree_and_its_own_people(world):
    level = reports.level_for(world.alice, unit=str(world.north.pk))
    f = reports.level_figures(level)
    assert counts(f.by_requirement[world.fa.pk]) == {"compliant": 1, "due": 1, "overdue": 2, "assigned": 1}
    assert [(u.name, counts(x)) for u, x in f.children()] == [
        ("Team A", {"compliant": 1, "due": 1, "overdue": 1, "assigned": 3})
    ]
    assert counts(f.direct()) == {"overdue": 1, "assigned": 2, "suspended": 1}  # Sam and Ann
    assert f.in_no_unit() is None
    assert [u.name for u in level.ancestors] == []
    deeper = reports.level_for(world.alice, unit=str(world.team_a.pk))
    assert [u.name for u in deeper.ancestors] == ["North"]
    assert reports.level_figures(deeper).children() == []


def test_the_counts_agree_with_a_recount_from_the_assignments(world):
    before = set(
        StatusCount.objects.exclude(count=0).values_list("unit_key", "requirement", "status", "count")
    )
    evaluation.recount()
    after = set(
        StatusCount.objects.exclude(count=0).values_list("unit_key", "requirement", "status", "count")
    )
    assert before == after


def test_the_dashboard_page_shows_the_figures_and_how_they_are_worked_out(world, signed_in):
    client = signed_in(world.alice)
    response = client.get(reverse("compliance:dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "How these figures are worked out" in page
    assert "compliant ÷ (people in audience − exempt)" in page
    table = _table(page, "requirements-table")
    assert ["First aid", "9", "25%", "2", "1", "4", "1", "0", "1"] == [
        table[0][0].split(" ", 1)[1],
        *table[0][1:],
    ]
    assert table[-1] == ["Overall", "14", "15.3%", "2", "1", "4", "5", "1", "1"]
    units = _table(page, "units-table")
    assert [row[0] for row in units] == ["North", "South", "In no unit"]
    assert units[0][1:3] == ["10", "10%"]  # North: 1 compliant of 10, nobody exempt
    # At the organisation's level the people listed by name are those in no unit.
    people = _table(page, "people-table")
    assert [row[0] for row in people] == ["Alice Admin", "Bob Officer"]
    assert f'?unit={world.north.pk}"' in page or f"?unit={world.north.pk}&" in page
    assert "No month ends recorded yet" in page


def test_drilling_down_to_a_unit_and_a_team(world, signed_in):
    client = signed_in(world.alice)
    page = client.get(reverse("compliance:dashboard"), {"unit": world.north.pk}).content.decode()
    assert "Mandatory training: North" in page
    assert [row[0] for row in _table(page, "units-table")] == ["Team A", "Directly in North"]
    assert [row[0] for row in _table(page, "people-table")] == ["Ann Kent", "Sam Kent"]
    # Sam's cells: FA overdue, TASER suspended.
    sam = [row for row in _table(page, "people-table") if row[0] == "Sam Kent"][0]
    assert sam[2].startswith("Overdue") and sam[3].startswith("Suspended")
    assert f'href="/compliance/people/{world.sam.uuid}/"' in page
    page = client.get(reverse("compliance:dashboard"), {"unit": world.team_a.pk}).content.decode()
    assert [row[0] for row in _table(page, "people-table")] == ["Cara Kent", "Dan Kent", "Olly Kent"]
    assert "units-table" not in page  # no units below Team A: its figures are the ones above
    # The breadcrumbs lead back up.
    assert f'href="?unit={world.north.pk}"' in page and 'href="?organisation=kent"' in page


def test_the_people_list_filters_by_status_and_requirement_and_reaches_below(world, signed_in):
    client = signed_in(world.alice)
    url = reverse("compliance:dashboard")
    page = client.get(url, {"unit": world.north.pk, "status": "overdue", "below": "on"}).content.decode()
    assert [row[0] for row in _table(page, "people-table")] == ["Olly Kent", "Sam Kent"]
    page = client.get(
        url, {"unit": world.north.pk, "status": "assigned", "requirement": world.taser.uuid, "below": "on"}
    ).content.decode()
    assert [row[0] for row in _table(page, "people-table")] == [
        "Ann Kent",
        "Cara Kent",
        "Dan Kent",
        "Olly Kent",
    ]
    units = _table(page, "units-table")
    assert units[0][:3] == ["Team A", "3", "0%"]  # TASER only


def test_bad_filters_say_what_is_accepted(world, signed_in):
    client = signed_in(world.alice)
    response = client.get(reverse("compliance:dashboard"), {"status": "late"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose a status from the list" in page and "compliant, due, overdue" in page and "“late”" in page
    response = client.get(reverse("compliance:dashboard"), {"requirement": "nope"})
    assert response.status_code == 400 and "is not one of the requirements here" in response.content.decode()
    response = client.get(reverse("compliance:dashboard"), {"format": "pdf"})
    assert response.status_code == 400 and "Downloads are csv or xlsx, not “pdf”" in response.content.decode()
    response = client.get(reverse("compliance:dashboard"), {"format": "csv", "table": "secrets"})
    assert response.status_code == 400 and "no table “secrets”" in response.content.decode()
    # A unit that is not a number is simply not found.
    assert client.get(reverse("compliance:dashboard"), {"unit": "north"}).status_code == 404


def test_the_dashboard_reads_a_constant_number_of_queries(world, signed_in, django_assert_max_num_queries):
    client = signed_in(world.alice)
    client.get(reverse("compliance:dashboard"))  # sessions, caches warmed
    url = reverse("compliance:dashboard")
    with django_assert_max_num_queries(17):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(19):
        assert client.get(url, {"unit": world.team_a.pk}).status_code == 200
    for n in range(30):  # more people, more requirements' cells: the same queries
        make_person(world.kent, f"extra{n}@kent.police.uk", last=f"Extra{n}", unit=world.team_a)
    with django_assert_max_num_queries(19):
        assert client.get(url, {"unit": world.team_a.pk}).status_code == 200


# --- who sees what -------------------------------------------------------------------------------


def test_a_unit_administrator_sees_only_their_subtree(world, signed_in):
    nina = make_person(world.kent, "nina@kent.police.uk", first="Nina", last="North", unit=world.north)
    role_grant(actor=None, person=nina, role="training_admin", unit=world.north, as_operator=True)
    level = reports.level_for(nina)
    assert level.unit == world.north and level.names  # lands on the unit she holds her role in
    client = signed_in(nina)
    page = client.get(reverse("compliance:dashboard")).content.decode()
    assert "Mandatory training: North" in page
    assert "South" not in page and "Bob Officer" not in page and "Alice Admin" not in page
    assert 'href="?organisation=kent"' not in page  # she cannot open the whole force
    assert client.get(reverse("compliance:dashboard"), {"unit": world.team_a.pk}).status_code == 200
    for other in ({"unit": world.south.pk}, {"organisation": "essex"}):
        assert client.get(reverse("compliance:dashboard"), other).status_code == 404, other
    # Asking for Kent shows the part of Kent she sees.
    page = client.get(reverse("compliance:dashboard"), {"organisation": "kent"}).content.decode()
    assert "Mandatory training: North" in page and "South" not in page
    # The downloads hold her subtree only.
    rows = _csv(
        client.get(reverse("compliance:dashboard"), {"format": "csv", "table": "people", "below": "on"})
    )
    assert {r[1] for r in rows[1:]} == {
        "Ann Kent",
        "Sam Kent",
        "Cara Kent",
        "Dan Kent",
        "Olly Kent",
        "Nina North",
    }


def test_a_unit_administrator_of_two_units_sees_both_side_by_side(world):
    role_grant(actor=None, person=world.dan, role="report_viewer", unit=world.team_a, as_operator=True)
    role_grant(actor=None, person=world.dan, role="report_viewer", unit=world.south, as_operator=True)
    level = reports.level_for(world.dan)
    assert level.unit is None and [u.name for u in level.tops] == ["South", "Team A"]
    f = reports.level_figures(level)
    assert {u.name: x.in_audience for u, x in f.children()} == {"South": 2, "Team A": 6}
    assert f.overall.in_audience == 8 and f.in_no_unit() is None
    with pytest.raises(reports.Http404):
        reports.level_for(world.dan, unit=str(world.north.pk))


def test_a_line_manager_sees_their_direct_reports_by_name_only(world, signed_in):
    # Olly manages Cara and Ann; Alice manages Bob (the fixture) but is an administrator.
    for report in (world.cara, world.ann):
        report.line_manager = world.olly
        report.save(update_fields=["line_manager"])
    client = signed_in(world.olly)
    response = client.get(reverse("compliance:dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mandatory training: my team" in page
    assert [row[0] for row in _table(page, "people-table")] == ["Ann Kent", "Cara Kent"]
    assert "Dan Kent" not in page and "Sam Kent" not in page
    requirements = _table(page, "requirements-table")
    assert requirements[0][0] == "FA First aid" and requirements[0][1:4] == ["2", "50%", "1"]
    assert requirements[-1][:2] == ["Overall", "4"]
    # Figures of units are not theirs.
    assert client.get(reverse("compliance:dashboard"), {"unit": world.north.pk}).status_code == 404
    assert client.get(reverse("compliance:dashboard"), {"organisation": "kent"}).status_code == 404
    assert client.get(reverse("compliance:forecast")).status_code == 404
    rows = _csv(client.get(reverse("compliance:dashboard"), {"format": "csv", "table": "people"}))
    assert rows[0] == list(reports.NAMES_HEADER)
    assert {r[1] for r in rows[1:]} == {"Ann Kent", "Cara Kent"}
    page = client.get(reverse("compliance:dashboard"), {"status": "compliant"}).content.decode()
    assert [row[0] for row in _table(page, "people-table")] == ["Cara Kent"]


def test_someone_with_nobody_to_report_on_is_told_so(world, signed_in):
    response = signed_in(world.bob).get(reverse("compliance:dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mandatory training: my team" in page and "Nobody who reports to you" in page
    assert "people-table" not in page


def test_charlie_sees_only_essex_and_not_kents_units(world, signed_in):
    client = signed_in(world.charlie)
    response = client.get(reverse("compliance:dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Essex Police" in page and "North" not in page and "First aid" not in page
    for unit in (world.north, world.team_a, world.south):
        missing = client.get(reverse("compliance:dashboard"), {"unit": 999999})
        theirs = client.get(reverse("compliance:dashboard"), {"unit": unit.pk})
        assert theirs.status_code == 404 and page_body(theirs) == page_body(missing)
        assert client.get(reverse("compliance:forecast"), {"unit": unit.pk}).status_code == 404
    assert client.get(reverse("compliance:dashboard"), {"organisation": "kent"}).status_code == 404
    assert client.get(reverse("compliance:national")).status_code == 404
    for table in ("requirements", "units", "people", "trend"):
        download = {"unit": world.north.pk, "format": "csv", "table": table}
        assert client.get(reverse("compliance:dashboard"), download).status_code == 404
    rows = _csv(client.get(reverse("compliance:dashboard"), {"format": "csv", "table": "people"}))
    assert rows[0] == list(reports.NAMES_HEADER) and not any("Kent" in cell for row in rows for cell in row)


# --- the trend -----------------------------------------------------------------------------------


def test_the_trend_shows_the_month_ends_kept(world, signed_in):
    month_end_keep(on=dt.date(2026, 1, 31))
    # February's month end: Ann joins North as assigned (as now).
    month_end_keep(on=dt.date(2026, 2, 28))
    MonthEndCount.objects.filter(month_end=dt.date(2026, 1, 31), status="compliant").update(count=0)
    level = reports.level_for(world.alice)
    trend = reports.trend(level)
    assert [m.month_end for m in trend] == [dt.date(2026, 1, 31), dt.date(2026, 2, 28)]
    assert trend[0].figures.percent == 0 and trend[1].figures.percent == 15.3
    north = reports.trend(reports.level_for(world.alice, unit=str(world.north.pk)), requirement=world.fa)
    assert [counts(m.figures) for m in north][1] == {"compliant": 1, "due": 1, "overdue": 2, "assigned": 1}
    page = signed_in(world.alice).get(reverse("compliance:dashboard")).content.decode()
    assert "No month ends recorded yet" not in page
    assert 'role="img"' in page and '<title id="trend-chart-title">' in page
    rows = _table(page, "trend-table")
    assert rows == [
        ["31 January 2026", "12", "0%", "0", "1", "4", "5", "1", "1"],
        ["28 February 2026", "14", "15.3%", "2", "1", "4", "5", "1", "1"],
    ]


def test_a_whole_forces_month_ends_are_added_up_once(world, django_assert_num_queries):
    month_end_keep(on=dt.date(2026, 1, 31))
    level = reports.level_for(world.alice)
    first = reports.trend(level)
    # The latest month end, and the eleven before it that hold no counts (asked again, through the
    # index, in case a sweep made one up since); January's totals are kept.
    with django_assert_num_queries(2) as queries:
        again = reports.trend(level, requirement=world.fa)
    assert "2026-01-31" not in queries.captured_queries[1]["sql"]
    assert [m.figures.in_audience for m in first] == [14] and [m.figures.in_audience for m in again] == [9]
    # A unit's trend is read from the counts each time (its subtree may change).
    north = reports.level_for(world.alice, unit=str(world.north.pk))
    with django_assert_num_queries(2):
        assert [m.figures.in_audience for m in reports.trend(north)] == [10]


def test_the_trend_keeps_the_last_twelve_month_ends(world):
    for month in range(1, 13):
        month_end_keep(on=dt.date(2025, month, 28) if month == 2 else _last_day(2025, month))
    month_end_keep(on=dt.date(2026, 1, 31))
    trend = reports.trend(reports.level_for(world.alice))
    assert len(trend) == 12 and trend[0].month_end == dt.date(2025, 2, 28)
    assert trend[-1].month_end == dt.date(2026, 1, 31)


# --- the national view ---------------------------------------------------------------------------


@pytest.fixture
def national_world(world, platform_admin):
    """FA-N, a national requirement, for Kent and Essex (both hold PL-P-200)."""
    from bluelamp.compliance.tests.helpers import make_requirement as make

    w = world
    w.nat_course = publish_course(w.national, platform_admin, "NAT-101")
    w.essex_person = make_person(
        w.essex, "erin@essex.police.uk", first="Erin", last="Essex", staff_number="E9"
    )
    w.nat = make(
        w.national, "NAT-FA", [w.nat_course], title="National first aid", first_due_days=365, at=CREATED
    )
    complete_course(w.essex_person, w.nat_course, at=at(dt.date(2026, 2, 1)))
    # Saving a requirement evaluates everyone on the day it is saved: back to D for all.
    evaluation.evaluate_people(Person.objects.values_list("pk", flat=True), at=at(D))
    return w


def test_the_national_view_lists_every_force_and_hides_names_unless_shared(
    national_world, signed_in, platform_admin
):
    w = national_world
    client = signed_in(platform_admin)
    response = client.get(reverse("compliance:national"))
    assert response.status_code == 200
    page = response.content.decode()
    forces = {row[0]: row for row in _table(page, "forces-table")}
    # Kent: its 9 people, all assigned (first due 1 December 2026); Essex: Charlie assigned, Erin
    # compliant. The national body is not a force.
    assert list(forces) == ["Essex Police", "Kent Police", "All forces"]
    assert forces["Essex Police"] == [
        "Essex Police",
        "2",
        "50%",
        "1",
        "0",
        "0",
        "1",
        "0",
        "0",
        "Figures only",
    ]
    assert forces["Kent Police"] == ["Kent Police", "9", "0%", "0", "0", "0", "9", "0", "0", "Figures only"]
    assert forces["All forces"][1:3] == ["11", "9%"]
    # Kent's force page: figures, but not its people by name.
    page = client.get(reverse("compliance:dashboard"), {"organisation": "kent"}).content.decode()
    assert "requirements-table" in page
    assert "people-table" not in page and "Cara Kent" not in page
    downloads = client.get(
        reverse("compliance:dashboard"), {"organisation": "kent", "format": "csv", "table": "people"}
    )
    assert downloads.status_code == 404
    # Once Kent's licence shares names, they appear.
    licence = Licence.objects.get(organisation=w.kent, type="PL-P-200")
    licence.shares_names_nationally = True
    licence.save(update_fields=["shares_names_nationally"])
    client = signed_in(platform_admin)
    page = client.get(reverse("compliance:national")).content.decode()
    assert {row[0]: row[-1] for row in _table(page, "forces-table")}["Kent Police"] == "Shared"
    page = client.get(reverse("compliance:dashboard"), {"unit": w.north.pk}).content.decode()
    assert "Sam Kent" in _main(page)
    # Only while that licence is in force.
    licence.ends_on = dt.date(2021, 12, 31)
    licence.save(update_fields=["ends_on"])
    client = signed_in(platform_admin)
    page = client.get(reverse("compliance:national")).content.decode()
    assert {row[0]: row[-1] for row in _table(page, "forces-table")}["Kent Police"] == "Figures only"
    page = client.get(reverse("compliance:dashboard"), {"unit": w.north.pk}).content.decode()
    assert "Sam Kent" not in page


def test_the_national_view_and_the_team_read_a_constant_number_of_queries(
    national_world, signed_in, platform_admin, django_assert_max_num_queries
):
    client = signed_in(platform_admin)
    url = reverse("compliance:national")
    client.get(url)
    with django_assert_max_num_queries(18):
        assert client.get(url).status_code == 200
    for n in range(5):  # more forces: the same queries
        make_org(f"force{n}", f"Force {n}")
    with django_assert_max_num_queries(18):
        assert client.get(url).status_code == 200
    for report in (national_world.cara, national_world.ann, national_world.dan):
        report.line_manager = national_world.olly
        report.save(update_fields=["line_manager"])
    client = signed_in(national_world.olly)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("compliance:dashboard")).status_code == 200


def test_the_national_view_is_not_found_for_a_force(national_world, signed_in):
    for person in (national_world.alice, national_world.charlie, national_world.bob):
        assert signed_in(person).get(reverse("compliance:national")).status_code == 404


def test_the_national_view_downloads(national_world, signed_in, platform_admin):
    client = signed_in(platform_admin)
    rows = _csv(client.get(reverse("compliance:national"), {"format": "csv", "table": "forces"}))
    assert rows[0] == ["force", "names shared", *reports.FIGURE_HEADERS]
    assert [r[0] for r in rows[1:]] == ["Essex Police", "Kent Police", "All forces"]
    rows = _csv(client.get(reverse("compliance:national"), {"format": "csv", "table": "matrix"}))
    assert rows[1][:4] == ["Essex Police", "NAT-FA", "2", "50.0"]


# --- downloads -----------------------------------------------------------------------------------


def test_downloads_have_the_right_header_name_the_level_and_are_formula_safe(world, signed_in):
    client = signed_in(world.alice)
    url = reverse("compliance:dashboard")
    response = client.get(url, {"format": "csv", "table": "requirements"})
    assert re.fullmatch(
        r'attachment; filename="compliance-kent-all-requirements-\d{4}-\d{2}-\d{2}\.csv"',
        response["Content-Disposition"],
    )
    rows = _csv(response)
    assert rows[0] == ["requirement code", "requirement", *reports.FIGURE_HEADERS]
    assert rows[1] == ["FA", "First aid", "9", "25.0", "2", "1", "4", "1", "0", "1"]
    assert rows[-1][0] == "Overall"
    response = client.get(url, {"unit": world.south.pk, "format": "csv", "table": "people"})
    assert 'filename="compliance-kent-south-people-' in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0] == ["staff number", "name", "unit", "requirement", "status", "due date", "expiry"]
    assert rows[1:] == [
        # Carl's staff number would run as a formula: it is kept as text.
        [
            "'=cmd|' /C calc'!A0",
            "Carl Kent",
            "South",
            "FA First aid",
            "compliant",
            "2027-01-15",
            "2027-01-15",
        ],
        ["K-Eve", "Eve Kent", "South", "FA First aid", "exempt", "2026-01-30", ""],
    ]
    response = client.get(url, {"unit": world.south.pk, "format": "xlsx", "table": "people"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == list(reports.NAMES_HEADER)
    assert values[1][0] == "'=cmd|' /C calc'!A0"
    assert all(not str(v).startswith("=") for row in values for v in row if v is not None)
    response = client.get(url, {"unit": world.north.pk, "format": "xlsx", "table": "units"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["unit", *reports.FIGURE_HEADERS]
    assert values[1][0] == "North/Team A" and values[1][1] == 6 and values[2][0] == "North (directly)"
    rows = _csv(client.get(url, {"format": "csv", "table": "trend"}))
    assert rows == [["month end", *reports.FIGURE_HEADERS]]


# --- helpers -------------------------------------------------------------------------------------


def _last_day(year, month):
    import calendar

    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _main(page: str) -> str:
    return page.split('id="main-content"', 1)[1].split("</main>", 1)[0]


def _cell_text(html: str) -> str:
    text = re.sub(r'<span class="govuk-visually-hidden">.*?</span>', "", html, flags=re.S)
    text = re.sub(r"<br\s*/?>", " ", text)
    text = re.sub(r"<[^>]+>", "", text)
    return " ".join(text.split())


def _table(page: str, table_id: str) -> list[list[str]]:
    """The body rows of the table with `table_id`, each cell's text."""
    match = re.search(rf'<table[^>]*id="{table_id}".*?</table>', page, flags=re.S)
    assert match, f"no table {table_id}"
    body = match.group(0).split("<tbody", 1)[1]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)
    return [
        [_cell_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)] for row in rows
    ]


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_a_levels_sums_are_cached_until_the_organisations_counts_change(world, signed_in, settings):
    """counts_cache.py: the suite turns the cache off; here it is on."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.COMPLIANCE_CACHE_SECONDS = 60
    client = signed_in(world.alice)

    def visit():
        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse("compliance:dashboard")).content.decode()
        summed = [q for q in captured if "compliance_statuscount" in q["sql"]]
        return _table(page, "requirements-table")[0], summed

    first_aid, summed = visit()
    assert first_aid[3] == "2" and summed  # compliant: Cara and Carl
    first_aid, summed = visit()
    assert first_aid[3] == "2" and summed == []

    complete_course(world.olly, world.fa_course, at=at(D))
    evaluation.evaluate_people([world.olly.pk], at=at(D))
    first_aid, summed = visit()
    assert first_aid[3] == "3" and summed  # Olly's completion is counted at once

    evaluation.retire(world.taser.pk, at=at(D))
    assert "Taser refresher" not in client.get(reverse("compliance:dashboard")).content.decode()
