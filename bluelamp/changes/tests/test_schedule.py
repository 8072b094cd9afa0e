"""The forward schedule of change: clashes on one part of the service, changes and releases inside
a freeze, post-implementation reviews and the change success rate."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bluelamp.changes.models import ChangeFreeze
from bluelamp.changes.schedule import forward_schedule, success_rate
from bluelamp.changes.services import (
    freeze_create,
    release_announce,
    release_deploy,
    rfc_decide_emergency,
    rfc_review,
)
from bluelamp.changes.tests.helpers import AT, TODAY, make_release, make_rfc
from conftest import make_person

pytestmark = pytest.mark.django_db
D = dt.date
UTC = dt.UTC


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr("bluelamp.changes.web.clock.now", lambda: AT)


@pytest.fixture
def engineer(national):
    return make_person(
        national, "eve@national.example", first="Eve", last="Engineer", roles=["app_ops_engineer"]
    )


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, tzinfo=UTC)


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_two_changes_to_one_part_of_the_service_at_once_clash(engineer):
    one = make_rfc(actor=engineer, service="learning", planned_start=at(10, 18), planned_end=at(10, 20))
    other = make_rfc(actor=engineer, service="learning", planned_start=at(10, 19), planned_end=at(10, 21))
    make_rfc(
        actor=engineer, service="sign_in", planned_start=at(10, 18), planned_end=at(10, 20)
    )  # another part
    make_rfc(
        actor=engineer, service="learning", planned_start=at(10, 21), planned_end=at(10, 22)
    )  # touches, no overlap
    days, clashes = forward_schedule(start=D(2026, 12, 7), days=14)
    assert [(c.kind, c.references) for c in clashes] == [("service", (one.reference, other.reference))]
    assert "at once (10 December 19:00)" in clashes[0].text
    assert {one.reference, other.reference} <= {c.reference for c in days[3].changes}  # Thursday 10th


def test_changes_and_releases_inside_a_freeze_clash(engineer, service_manager):
    freeze_create(
        actor=service_manager, starts_on=D(2026, 12, 21), ends_on=D(2027, 1, 3), reason="Year end", at=AT
    )
    inside = make_rfc(actor=engineer, planned_start=at(22, 18), planned_end=at(22, 19))
    release = make_release(actor=service_manager, type="minor", planned_for=D(2026, 12, 29))
    _, clashes = forward_schedule(start=D(2026, 12, 7), days=42)
    assert [c.text for c in clashes] == [
        f"{inside.reference} is planned inside the freeze “Year end”",
        f"{release.reference} goes live inside the freeze “Year end”",
    ]


def test_freezes_are_checked_and_kept_to_leads(engineer, service_manager):
    with pytest.raises(PermissionDenied):
        freeze_create(
            actor=engineer, starts_on=D(2026, 12, 21), ends_on=D(2027, 1, 3), reason="Year end", at=AT
        )
    with pytest.raises(ValidationError) as caught:
        freeze_create(
            actor=service_manager, starts_on=D(2026, 12, 21), ends_on=D(2026, 12, 20), reason="", at=AT
        )
    assert set(caught.value.message_dict) == {"ends_on", "reason"}
    assert not ChangeFreeze.objects.exists()


def test_reviews_make_the_change_success_rate(national, engineer, service_manager, kent):
    cab = make_person(national, "cas@national.example", roles=["cab_member"])
    changes = [
        rfc_decide_emergency(
            actor=cab, rfc=make_rfc(actor=engineer, priority=1), decision="approve", reason="x", at=AT
        )
        for _ in range(3)
    ]
    release = make_release(
        actor=service_manager,
        type="minor",
        planned_for=D(2026, 12, 8),
        changes=tuple(changes),
        emergency_reason="y",
    )
    with pytest.raises(ValidationError, match="only an implemented change is reviewed"):
        rfc_review(actor=engineer, rfc=changes[0], outcome="successful", notes="Fine", at=AT)
    release_announce(actor=service_manager, release=release, at=AT)
    release_deploy(actor=service_manager, release=release, at=AT)
    assert success_rate().percent is None
    for change, outcome in zip(changes, ["successful", "with_issues", "backed_out"], strict=True):
        rfc_review(actor=engineer, rfc=change, outcome=outcome, notes="Reviewed", at=AT)
    rate = success_rate()
    assert (rate.reviewed, rate.successful, rate.with_issues, rate.backed_out, rate.percent) == (
        3,
        1,
        1,
        1,
        66.7,
    )


def test_the_schedule_page_shows_the_calendar_the_list_and_the_clashes(
    client, signed_in, engineer, service_manager
):
    make_rfc(actor=engineer, title="Search fix", planned_start=at(10, 18), planned_end=at(10, 20))
    make_rfc(actor=engineer, title="Player fix", planned_start=at(10, 19), planned_end=at(10, 21))
    signed_in(service_manager)
    page = client.get("/changes/schedule/")
    body = text(page)
    assert page.status_code == 200
    assert "RFC-2026-0001 and RFC-2026-0002 both change learning" in body
    assert "Search fix" in body and "Player fix" in body
    assert "(today)" in body and TODAY.day == 7
    response = client.post(
        "/changes/schedule/freezes/", {"starts_on": "2026-12-21", "ends_on": "2026-12-20", "reason": ""}
    )
    assert response.status_code == 400
    assert "The last day must be on or after the first" in text(response) or "Say why" in text(response)
    assert (
        client.post(
            "/changes/schedule/freezes/",
            {"starts_on": "2026-12-21", "ends_on": "2027-01-03", "reason": "Year end"},
        ).status_code
        == 302
    )
    freeze = ChangeFreeze.objects.get()
    assert "Year end" in text(client.get("/changes/schedule/"))
    assert client.post(f"/changes/schedule/freezes/{freeze.pk}/delete/").status_code == 302
    assert not ChangeFreeze.objects.exists()


def test_readers_see_the_schedule_but_only_leads_record_freezes(client, signed_in, engineer):
    signed_in(engineer)
    assert client.get("/changes/schedule/").status_code == 200
    response = client.post(
        "/changes/schedule/freezes/", {"starts_on": "2026-12-21", "ends_on": "2027-01-03", "reason": "x"}
    )
    assert response.status_code == 404
