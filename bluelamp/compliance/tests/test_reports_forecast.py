"""The forecast of what falls due, with fixed dates: recertifications and first due dates per month
for 12 months, per requirement and per unit, those already overdue apart, exempt people left out.

Kent on 2 March 2026; FA (12 months' validity, first due 90 days after joining) created on
1 December 2025, so whoever never completed it is first due on 1 March 2026:

    North  Nora (done 10 Apr 2025: due 10 Apr 2026), Ned (done 31 May 2025: due 31 May 2026),
           Nell (exempt)
    South  Sid (never: 1 Mar 2026), Sue (done 15 Dec 2024: lapsed 15 Dec 2025), Stan (done 20 Feb
           2026: due 20 Feb 2027), Sol (done 1 Mar 2026: due 1 Mar 2027)
    none   Alice and Bob (never: 1 Mar 2026)
    NEVER (no validity): done once, never due again; never done, first due 1 March 2026 too.
"""

import datetime as dt

import pytest
from django.urls import reverse

from bluelamp.compliance import evaluation
from bluelamp.compliance.forecast import forecast
from bluelamp.compliance.services import exemption_grant
from bluelamp.compliance.tests.helpers import complete_course, make_requirement
from bluelamp.compliance.tests.test_reports import _csv, _table
from bluelamp.learning.tests.courses import publish_course
from bluelamp.organisations.api import unit_create
from conftest import make_person

pytestmark = pytest.mark.django_db

CREATED = dt.datetime(2025, 12, 1, 9, 0, tzinfo=dt.UTC)
D = dt.date(2026, 3, 2)
MARCH = dt.date(2026, 3, 1)


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.UTC)


class World:
    pass


@pytest.fixture
def world(kent, alice, bob):
    w = World()
    w.kent, w.alice, w.bob = kent, alice, bob
    w.north = unit_create(actor=None, organisation=kent, name="North")
    w.south = unit_create(actor=None, organisation=kent, name="South")
    names = {"Nora": w.north, "Ned": w.north, "Nell": w.north, "Sid": w.south, "Sue": w.south}
    names |= {"Stan": w.south, "Sol": w.south}
    for first, unit in names.items():
        setattr(
            w, first.lower(), make_person(kent, f"{first.lower()}@kent.police.uk", first=first, unit=unit)
        )
    w.course = publish_course(kent, alice, "FA-101")
    w.never_course = publish_course(kent, alice, "ONCE-1")
    w.fa = make_requirement(
        kent, "FA", [w.course], title="First aid", validity_months=12, first_due_days=90, at=CREATED
    )
    w.once = make_requirement(
        kent,
        "NEVER",
        [w.never_course],
        title="Induction",
        audience={"units": [w.north.pk]},
        first_due_days=90,
        at=CREATED,
    )
    for person, day in (
        (w.nora, dt.date(2025, 4, 10)),
        (w.ned, dt.date(2025, 5, 31)),
        (w.sue, dt.date(2024, 12, 15)),
        (w.stan, dt.date(2026, 2, 20)),
        (w.sol, dt.date(2026, 3, 1)),
    ):
        complete_course(person, w.course, at=at(day))
    complete_course(w.nora, w.never_course, at=at(dt.date(2025, 12, 20)))
    exemption_grant(
        actor=alice,
        person=w.nell,
        requirement=w.fa,
        reason="Medical",
        starts_on=dt.date(2026, 1, 1),
        ends_on=None,
        at=at(D),
    )
    everyone = [alice, bob, *(getattr(w, n.lower()) for n in names)]
    evaluation.evaluate_people([p.pk for p in everyone], at=at(D))
    return w


def split(bucket):
    return (bucket.recertifications, bucket.first_due)


def months_of(line):
    """{month index: (recertifications, first due)} for the months with anyone."""
    return {i: split(b) for i, b in enumerate(line.months) if b.total}


def test_the_next_twelve_months_per_requirement(world):
    outlook = forecast(organisation=world.kent, start=MARCH)
    assert outlook.months[0] == MARCH and outlook.months[-1] == dt.date(2027, 2, 1)
    assert outlook.end == dt.date(2027, 3, 1)
    fa, once = outlook.by_requirement
    assert fa.requirement == world.fa and fa.label == "FA First aid"
    # March: Sid, Alice and Bob first due; April Nora, May Ned, February 2027 Stan recertify.
    # Sol (due 1 March 2027) is just outside; Nell is exempt; Sue lapsed before March.
    assert months_of(fa) == {0: (0, 3), 1: (1, 0), 2: (1, 0), 11: (1, 0)}
    assert split(fa.overdue) == (1, 0)
    assert split(fa.in_window) == (3, 3)
    # NEVER has no validity: Nora, who did it, is never due again; Ned and Nell are first due in March
    # (Nell's exemption is from FA only).
    assert months_of(once) == {0: (0, 2)}
    assert months_of(outlook.total) == {0: (0, 5), 1: (1, 0), 2: (1, 0), 11: (1, 0)}
    assert split(outlook.total.overdue) == (1, 0)


def test_per_unit_and_for_one_unit(world):
    outlook = forecast(organisation=world.kent, start=MARCH, requirement=world.fa)
    assert [line.label for line in outlook.by_unit] == ["North", "South", "In no unit"]
    north, south, none = outlook.by_unit
    assert months_of(north) == {1: (1, 0), 2: (1, 0)}
    assert months_of(south) == {0: (0, 1), 11: (1, 0)} and split(south.overdue) == (1, 0)
    assert months_of(none) == {0: (0, 2)}
    outlook = forecast(organisation=world.kent, unit=world.south, start=MARCH)
    assert [r.requirement.code for r in outlook.by_requirement] == ["FA"]
    assert months_of(outlook.total) == {0: (0, 1), 11: (1, 0)}
    assert [line.label for line in outlook.by_unit] == ["Directly in South"]


def test_a_later_start_counts_what_falls_due_before_it_as_overdue(world):
    outlook = forecast(organisation=world.kent, start=dt.date(2026, 4, 1), months=12, requirement=world.fa)
    (fa,) = outlook.by_requirement
    # Before April: Sue (recertification), Sid, Alice, Bob (first due).
    assert split(fa.overdue) == (1, 3)
    # April Nora, May Ned, February 2027 Stan, March 2027 Sol.
    assert months_of(fa) == {0: (1, 0), 1: (1, 0), 10: (1, 0), 11: (1, 0)}
    short = forecast(organisation=world.kent, start=dt.date(2026, 4, 1), months=2, requirement=world.fa)
    assert len(short.months) == 2 and months_of(short.total) == {0: (1, 0), 1: (1, 0)}
    with pytest.raises(ValueError, match="at least one month"):
        forecast(organisation=world.kent, start=MARCH, months=0)


def test_the_forecast_page_draws_the_chart_and_the_same_figures_in_a_table(world, signed_in):
    client = signed_in(world.alice)
    response = client.get(reverse("compliance:forecast"), {"from": "2026-03"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="img"' in page and '<title id="forecast-chart-title">' in page
    assert "Bars of people falling due in each of the 12 months from March 2026 to February 2027" in page
    months = _table(page, "months-table")
    assert months[0] == ["Already overdue (due before 1 March 2026)", "1", "0", "1"]
    assert months[1] == ["March 2026", "0", "5", "5"]
    assert months[2] == ["April 2026", "1", "0", "1"]
    # The chart comes first, its table right after it.
    assert page.index("forecast-chart-title") < page.index('id="months-table"')
    requirements = _table(page, "requirements-table")
    assert requirements[0][:4] == ["FA First aid", "1", "3", "1"]
    assert requirements[-1][0] == "Total" and requirements[-1][-3:] == ["8", "3", "5"]
    units = _table(page, "units-table")
    assert [row[0] for row in units] == ["North", "South", "In no unit", "Total"]
    page = client.get(
        reverse("compliance:forecast"), {"from": "2026-03", "unit": world.north.pk}
    ).content.decode()
    assert "Falling due: North" in page and "Sid" not in page


def test_the_forecast_downloads(world, signed_in):
    client = signed_in(world.alice)
    url = reverse("compliance:forecast")
    response = client.get(url, {"from": "2026-03", "format": "csv", "table": "requirements"})
    assert response["Content-Disposition"] == (
        'attachment; filename="compliance-forecast-kent-all-requirements-from-2026-03.csv"'
    )
    rows = _csv(response)
    assert rows[0][:4] == ["requirement", "already overdue", "2026-03", "2026-04"]
    assert rows[0][-3:] == ["total in the months", "recertifications", "first due"]
    assert rows[1][:5] == ["FA First aid", "1", "3", "1", "1"] and rows[-1][0] == "Total"
    rows = _csv(client.get(url, {"from": "2026-03", "format": "csv", "table": "months"}))
    assert rows[0] == ["month from", "recertifications", "first due", "total"]
    assert rows[1] == ["before 2026-03-01 (already overdue)", "1", "0", "1"]
    assert rows[2] == ["2026-03-01", "0", "5", "5"]
    response = client.get(
        url, {"from": "2026-03", "unit": world.south.pk, "format": "xlsx", "table": "units"}
    )
    assert (
        'filename="compliance-forecast-kent-south-units-from-2026-03.xlsx"' in response["Content-Disposition"]
    )


def test_a_month_that_is_not_one_is_refused_with_what_is_accepted(world, signed_in):
    client = signed_in(world.alice)
    for bad in ("2026-13", "March", "26-03", "1999-01"):
        response = client.get(reverse("compliance:forecast"), {"from": bad})
        assert response.status_code == 400, bad
        page = response.content.decode()
        assert "Enter the month to start from as YYYY-MM, for example 2026-03" in page
        assert "months-table" not in page
    response = client.get(reverse("compliance:forecast"), {"from": "2026-03", "requirement": "nope"})
    assert response.status_code == 400


def test_the_forecast_reads_a_constant_number_of_queries(world, signed_in, django_assert_max_num_queries):
    client = signed_in(world.alice)
    url = reverse("compliance:forecast")
    client.get(url, {"from": "2026-03"})
    with django_assert_max_num_queries(14):
        assert client.get(url, {"from": "2026-03"}).status_code == 200
