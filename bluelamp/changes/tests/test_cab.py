"""CAB meetings: the agenda, members' recommendations, decisions with reasons, emergency decisions
reviewed at the next meeting, the minutes; and the journey from an RFC linked to a problem to a
major release that must leave 30 working days' notice."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bluelamp.changes.cab import cab_decide, cab_meeting_close, cab_meeting_plan, cab_recommend
from bluelamp.changes.models import CabAgendaItem, CabMeeting, ChangeRequest, Release
from bluelamp.changes.services import rfc_decide_emergency
from bluelamp.changes.tests.helpers import AT, make_rfc
from bluelamp.servicedesk.problems.services import problem_create
from conftest import make_person

pytestmark = pytest.mark.django_db
MEETING = dt.datetime(2026, 12, 8, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr("bluelamp.changes.web.clock.now", lambda: AT)


@pytest.fixture
def engineer(national):
    return make_person(
        national, "eve@national.example", first="Eve", last="Engineer", roles=["app_ops_engineer"]
    )


@pytest.fixture
def cab(national):
    return make_person(national, "cas@national.example", first="Cas", last="Board", roles=["cab_member"])


@pytest.fixture
def cab2(national):
    return make_person(national, "cal@national.example", first="Cal", last="Second", roles=["cab_member"])


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_agenda_is_what_awaits_a_decision_and_the_emergency_decisions_to_review(engineer, cab):
    low = make_rfc(actor=engineer, priority=4, title="Low")
    urgent = make_rfc(actor=engineer, priority=2, title="Urgent")
    emergency = make_rfc(actor=engineer, priority=1, title="Emergency")
    rfc_decide_emergency(actor=cab, rfc=emergency, decision="approve", reason="Security", at=AT)
    meeting = cab_meeting_plan(actor=cab, starts_at=MEETING, at=AT)
    assert [(i.rfc.title, i.kind) for i in meeting.items.order_by("order")] == [
        ("Emergency", "review"),
        ("Urgent", "decide"),
        ("Low", "decide"),
    ]
    assert low.pk and urgent.pk


def test_members_recommend_and_the_cab_decides_with_reasons(engineer, cab, cab2):
    rfc = make_rfc(actor=engineer)
    meeting = cab_meeting_plan(actor=cab, starts_at=MEETING, at=AT)
    item = meeting.items.get()
    cab_recommend(actor=cab, item=item, recommendation="approve", comment="Low risk", at=AT)
    cab_recommend(actor=cab2, item=item, recommendation="defer", at=AT)
    cab_recommend(actor=cab2, item=item, recommendation="approve", at=AT)  # changes their mind
    assert sorted(item.recommendations.values_list("recommendation", flat=True)) == ["approve", "approve"]
    with pytest.raises(PermissionDenied):
        cab_recommend(actor=engineer, item=item, recommendation="approve", at=AT)
    with pytest.raises(ValidationError, match="reasons"):
        cab_decide(actor=cab, item=item, decision="approve", reason="", at=MEETING)
    cab_decide(actor=cab, item=item, decision="approve", reason="Both members recommend it", at=MEETING)
    rfc.refresh_from_db()
    assert (rfc.status, rfc.decided_at_meeting, rfc.decision_reason) == (
        "approved",
        meeting,
        "Both members recommend it",
    )
    with pytest.raises(ValidationError, match="decided at this meeting already"):
        cab_decide(actor=cab, item=item, decision="reject", reason="No", at=MEETING)


def test_closing_keeps_the_minutes_and_leaves_undecided_changes_for_the_next_meeting(engineer, cab, cab2):
    decided = make_rfc(actor=engineer, title="Decided")
    undecided = make_rfc(actor=engineer, title="Undecided")
    meeting = cab_meeting_plan(actor=cab, starts_at=MEETING, at=AT)
    cab_decide(
        actor=cab, item=meeting.items.get(rfc=decided), decision="reject", reason="Not needed", at=MEETING
    )
    with pytest.raises(ValidationError) as caught:
        cab_meeting_close(actor=cab, meeting=meeting, minutes=" ", attendees=[engineer], at=MEETING)
    assert caught.value.message_dict == {
        "minutes": ["Enter the minutes of the meeting"],
        "attendees": ["Only CAB members attend: choose them from the list"],
    }
    cab_meeting_close(
        actor=cab, meeting=meeting, minutes="Two changes discussed.", attendees=[cab, cab2], at=MEETING
    )
    meeting.refresh_from_db()
    assert meeting.status == CabMeeting.Status.CLOSED
    with pytest.raises(ValidationError, match="closed"):
        cab_decide(
            actor=cab, item=meeting.items.get(rfc=undecided), decision="approve", reason="Late", at=MEETING
        )
    following = cab_meeting_plan(actor=cab, starts_at=MEETING + dt.timedelta(days=7), at=MEETING)
    assert list(following.items.values_list("rfc__title", flat=True)) == ["Undecided"]


def test_an_emergency_decision_is_reviewed_not_decided_again(engineer, cab):
    emergency = make_rfc(actor=engineer, priority=1)
    rfc_decide_emergency(actor=cab, rfc=emergency, decision="approve", reason="Security", at=AT)
    meeting = cab_meeting_plan(actor=cab, starts_at=MEETING, at=AT)
    item = meeting.items.get()
    with pytest.raises(ValidationError, match="reviewed, not decided again"):
        cab_decide(actor=cab, item=item, decision="reject", reason="Changed our minds", at=MEETING)
    cab_decide(
        actor=cab, item=item, decision="reviewed", reason="The right call: exploited in the wild", at=MEETING
    )
    emergency.refresh_from_db()
    assert emergency.emergency_reviewed_at == MEETING and emergency.status == "approved"
    assert not cab_meeting_plan(actor=cab, starts_at=MEETING, at=MEETING).items.exists()


def test_from_an_rfc_linked_to_a_problem_to_a_major_release_with_its_notice(
    client, signed_in, engineer, cab, adviser, service_manager
):
    """The issue's journey: an engineer raises an RFC linked to a problem, the CAB approves it at a
    meeting, a major release containing it cannot go live 10 working days out (the page gives the
    earliest day) but can 30 working days out."""
    problem = problem_create(actor=adviser, title="Videos stall", description="On force laptops")
    signed_in(engineer)
    client.post(
        "/changes/new/",
        {
            "title": "Software decoding for videos",
            "description": "Fixes the stalls.",
            "category": "known_error",
            "priority": "3",
            "risk": "low",
            "impact": "medium",
            "service": "learning",
            "implementation_plan": "Deploy.",
            "test_plan": "Play videos.",
            "backout_plan": "Redeploy.",
        },
    )
    rfc = ChangeRequest.objects.get()
    client.post(f"/changes/{rfc.reference}/problems/", {"problem": problem.reference})
    client.logout()

    signed_in(cab)
    response = client.post("/changes/cab/new/", {"day": "2026-12-08", "time": "10:00"})
    meeting = CabMeeting.objects.get()
    assert response["Location"] == f"/changes/cab/{meeting.uuid}/"
    item = meeting.items.get()
    page = text(client.get(f"/changes/cab/{meeting.uuid}/"))
    assert rfc.reference in page and "To decide" in page
    url = f"/changes/cab/{meeting.uuid}/items/{item.pk}/"
    assert client.post(url + "recommend/", {"recommendation": "approve"}).status_code == 302
    response = client.post(url + "decide/", {"decision": "approve", "reason": ""})
    assert response.status_code == 400 and "Give the reasons for the decision" in text(response)
    assert (
        client.post(url + "decide/", {"decision": "approve", "reason": "Fixes a known error"}).status_code
        == 302
    )
    response = client.post(
        f"/changes/cab/{meeting.uuid}/close/",
        {"attendees": [cab.pk, service_manager.pk], "minutes": "Approved one."},
    )
    assert response.status_code == 302
    page = text(client.get(f"/changes/cab/{meeting.uuid}/"))
    assert "Approved one." in page and "Cas Board" in page
    client.logout()

    signed_in(service_manager)
    form = {
        "title": "New video player",
        "type": "major",
        "summary": "Videos play everywhere.",
        "changes": [rfc.pk],
    }
    ten_working_days_out = "2026-12-21"
    response = client.post("/changes/releases/new/", {**form, "planned_for": ten_working_days_out})
    assert response.status_code == 400
    assert "the earliest day it can go live is Thursday 21 January 2027 (2027-01-21)" in text(response)
    response = client.post("/changes/releases/new/", {**form, "planned_for": "2027-01-21"})
    release = Release.objects.get()
    assert response.status_code == 302
    assert list(release.changes.all()) == [rfc]
    assert rfc.reference in text(client.get(f"/changes/releases/{release.reference}/"))


def test_only_members_run_meetings(client, signed_in, engineer, cab):
    meeting = cab_meeting_plan(actor=cab, starts_at=MEETING, at=AT)
    signed_in(engineer)
    assert client.get("/changes/cab/").status_code == 200
    assert client.get(f"/changes/cab/{meeting.uuid}/").status_code == 200
    assert client.get("/changes/cab/new/").status_code == 404
    assert client.post(f"/changes/cab/{meeting.uuid}/close/", {"minutes": "x"}).status_code == 404
    with pytest.raises(PermissionDenied):
        cab_meeting_plan(actor=engineer, starts_at=MEETING, at=AT)
    assert CabAgendaItem.objects.count() == 0
