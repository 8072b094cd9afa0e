"""Requests for change and releases through their services: who may act, what is checked, what
is written (and that a refusal writes nothing)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bluelamp.audit.api import AuditEvent
from bluelamp.changes.models import ChangeRequest, Release
from bluelamp.changes.services import (
    release_announce,
    release_create,
    release_reschedule,
    rfc_create,
    rfc_decide_emergency,
    rfc_link_problem,
)
from bluelamp.changes.tests.helpers import AT, make_release, make_rfc, release_input, rfc_input
from bluelamp.servicedesk.problems.services import problem_create
from conftest import make_person

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def engineer(national):
    return make_person(
        national, "eve@national.example", first="Eve", last="Engineer", roles=["app_ops_engineer"]
    )


@pytest.fixture
def cab(national):
    return make_person(national, "cas@national.example", first="Cas", last="Board", roles=["cab_member"])


def test_an_engineer_raises_a_request_for_change(engineer):
    rfc = rfc_create(actor=engineer, data=rfc_input(), at=AT)
    assert rfc.reference == "RFC-2026-0001"
    assert rfc.status == ChangeRequest.Status.SUBMITTED
    assert rfc.raised_by == engineer
    assert make_rfc(actor=engineer).reference == "RFC-2026-0002"
    assert AuditEvent.objects.filter(action="changes.rfc.create").count() == 2


def test_outsiders_may_not_raise_changes(charlie, alice):
    for person in (charlie, alice):
        with pytest.raises(PermissionDenied):
            rfc_create(actor=person, data=rfc_input(), at=AT)
    assert not ChangeRequest.objects.exists()


def test_bad_input_names_each_field_and_writes_nothing(engineer):
    with pytest.raises(ValidationError) as caught:
        rfc_create(
            actor=engineer,
            data=rfc_input(
                title=" ",
                category="misc",
                priority=7,
                backout_plan="",
                planned_start=dt.datetime(2027, 1, 5, 18, tzinfo=dt.UTC),
                planned_end=dt.datetime(2027, 1, 5, 17, tzinfo=dt.UTC),
            ),
            at=AT,
        )
    errors = caught.value.message_dict
    assert errors["title"] == ["Enter a title"]
    assert "Choose a category" in errors["category"][0]
    assert errors["priority"] == ["Choose a priority from 1 (emergency) to 4 (low)"]
    assert "back-out plan" in errors["backout_plan"][0]
    assert errors["planned_end"] == ["The planned end must be after the planned start"]
    assert not ChangeRequest.objects.exists()


def test_a_problem_is_linked_by_its_reference(engineer, adviser):
    problem = problem_create(actor=adviser, title="Search finds nothing", description="SAS-01")
    rfc = make_rfc(actor=engineer)
    rfc_link_problem(actor=engineer, rfc=rfc, problem_reference=problem.reference.lower(), at=AT)
    assert list(rfc.problems.all()) == [problem]
    with pytest.raises(ValidationError, match="already linked"):
        rfc_link_problem(actor=engineer, rfc=rfc, problem_reference=problem.reference, at=AT)
    with pytest.raises(ValidationError, match="There is no problem PRB-2026-9999"):
        rfc_link_problem(actor=engineer, rfc=rfc, problem_reference="PRB-2026-9999", at=AT)


def test_only_emergency_changes_are_decided_outside_a_meeting(cab, engineer):
    normal = make_rfc(actor=engineer, priority=3)
    with pytest.raises(ValidationError, match="only emergency"):
        rfc_decide_emergency(actor=cab, rfc=normal, decision="approve", reason="Fine", at=AT)
    emergency = make_rfc(actor=engineer, priority=1)
    with pytest.raises(PermissionDenied):
        rfc_decide_emergency(actor=engineer, rfc=emergency, decision="approve", reason="Fine", at=AT)
    with pytest.raises(ValidationError, match="reasons"):
        rfc_decide_emergency(actor=cab, rfc=emergency, decision="approve", reason=" ", at=AT)
    decided = rfc_decide_emergency(
        actor=cab, rfc=emergency, decision="approve", reason="Data loss risk", at=AT
    )
    assert (decided.status, decided.emergency, decided.decided_by) == ("approved", True, cab)
    with pytest.raises(ValidationError, match="decided already"):
        rfc_decide_emergency(actor=cab, rfc=emergency, decision="reject", reason="No", at=AT)


# AT is Monday 7 December 2026: a major release needs 30 working days' notice, so (Christmas,
# Boxing Day on the 28th and New Year's Day not counting) the earliest is Thursday 21 January 2027.


def test_a_release_inside_its_notice_period_is_refused_with_the_earliest_day(service_manager):
    ten_working_days_out = D(2026, 12, 21)
    with pytest.raises(ValidationError) as caught:
        release_create(actor=service_manager, data=release_input(planned_for=ten_working_days_out), at=AT)
    message = caught.value.message_dict["planned_for"][0]
    assert "30 working days' notice" in message
    assert "the earliest day it can go live is Thursday 21 January 2027 (2027-01-21)" in message
    assert not Release.objects.exists()
    release = release_create(actor=service_manager, data=release_input(planned_for=D(2027, 1, 21)), at=AT)
    assert release.reference == "REL-2026-0001"
    assert release.status == Release.Status.PLANNED


def test_an_approved_emergency_change_lifts_the_notice_period_with_a_reason(service_manager, cab, engineer):
    emergency = make_rfc(actor=engineer, priority=1)
    emergency = rfc_decide_emergency(actor=cab, rfc=emergency, decision="approve", reason="Security", at=AT)
    soon = D(2026, 12, 9)
    with pytest.raises(ValidationError) as caught:
        release_create(
            actor=service_manager, data=release_input(planned_for=soon, changes=(emergency,)), at=AT
        )
    assert "told this reason" in caught.value.message_dict["emergency_reason"][0]
    release = release_create(
        actor=service_manager,
        data=release_input(planned_for=soon, changes=(emergency,), emergency_reason="A security fix"),
        at=AT,
    )
    assert release.emergency_reason == "A security fix"
    assert list(release.changes.all()) == [emergency]


def test_only_approved_changes_go_into_a_release(service_manager, engineer):
    waiting = make_rfc(actor=engineer)
    with pytest.raises(ValidationError, match=f"{waiting.reference} is not approved"):
        release_create(actor=service_manager, data=release_input(changes=(waiting,)), at=AT)


def test_only_leads_plan_releases(engineer, cab, charlie):
    for person in (engineer, cab, charlie):
        with pytest.raises(PermissionDenied):
            release_create(actor=person, data=release_input(), at=AT)
    assert not Release.objects.exists()


def test_rescheduling_counts_from_today_until_announced(service_manager):
    release = make_release(actor=service_manager, type="minor", planned_for=D(2027, 1, 15))
    later = AT + dt.timedelta(days=2)  # Wednesday 9 December: 5 working days on is the 16th
    with pytest.raises(ValidationError, match=r"Wednesday 16 December 2026 \(2026-12-16\)"):
        release_reschedule(actor=service_manager, release=release, planned_for=D(2026, 12, 15), at=later)
    moved = release_reschedule(actor=service_manager, release=release, planned_for=D(2026, 12, 16), at=later)
    assert moved.planned_for == D(2026, 12, 16)
    assert AuditEvent.objects.filter(action="changes.release.reschedule").count() == 1


def test_a_change_goes_into_one_release(service_manager):
    from bluelamp.changes.selectors import approved_unreleased

    rfc = make_rfc()
    ChangeRequest.objects.filter(pk=rfc.pk).update(status="approved")
    rfc.refresh_from_db()
    first = make_release(actor=service_manager, changes=(rfc,))
    assert list(approved_unreleased(service_manager)) == []
    with pytest.raises(ValidationError) as excinfo:
        make_release(actor=service_manager, title="Another", changes=(rfc,))
    assert excinfo.value.message_dict["changes"] == [
        f"A change goes into one release: {rfc.reference} is in {first.reference}"
    ]
    # Its own release still announces; a cancelled release lets the change go.
    release_announce(actor=service_manager, release=first, at=AT)
    Release.objects.filter(pk=first.pk).update(status="cancelled")
    assert list(approved_unreleased(service_manager)) == [rfc]
    assert make_release(actor=service_manager, title="Again", changes=(rfc,)).changes.get() == rfc
