"""Notices: the learner's receipt and their markers' notice when final work arrives, deadline
reminders (the nearest threshold, to those who have not handed in, once each), extensions
granted and withdrawn (audited, told to the learner), and who may grant them."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bluelamp.assessment.assignments import notices, services
from bluelamp.assessment.assignments.models import Extension, MarkerAllocation
from bluelamp.assessment.assignments.tests.helpers import AT, DUE, course_with_assignment, enrol
from bluelamp.audit.api import AuditEvent
from bluelamp.notifications.api import Notification
from conftest import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(kent, alice, bob):
    course, assignment = course_with_assignment(kent, alice)
    sue = make_person(kent, "sue@kent.police.uk", first="Sue", last="Inspector", staff_number="K7")
    tom = make_person(
        kent, "tom@kent.police.uk", first="Tom", last="Tutor", staff_number="K8", roles=["tutor"]
    )
    enrol(alice, course, bob, sue)
    return course, assignment, sue, tom


def _kinds(person, kind):
    return list(Notification.objects.filter(person=person, kind=kind).order_by("created_at"))


def test_a_final_submission_sends_a_receipt_and_tells_the_tutors(world, bob):
    _course, assignment, _sue, tom = world
    done = services.submission_submit(
        actor=bob, assignment=assignment, online_text="My essay.", declaration=True, at=AT
    )
    [receipt] = _kinds(bob, notices.RECEIPT)
    assert done.receipt in receipt.subject and "2 March 2026 at 10:00am" in receipt.body
    [told] = _kinds(tom, notices.SUBMITTED)
    assert "Bob Officer" in told.subject
    # Again (a retried request): nothing new.
    notices.receipt_notify(done, at=AT)
    notices.markers_notify(done, at=AT)
    assert len(_kinds(bob, notices.RECEIPT)) == 1 and len(_kinds(tom, notices.SUBMITTED)) == 1


def test_allocated_markers_are_told_instead_and_anonymity_hides_the_name(world, kent, alice, bob):
    _course, assignment, _sue, tom = world
    mary = make_person(
        kent, "mary@kent.police.uk", first="Mary", last="Marker", staff_number="K9", roles=["tutor"]
    )
    MarkerAllocation.objects.create(assignment=assignment, learner=bob, marker=mary, created_by=alice)
    assignment.anonymous_marking = True
    assignment.save()
    done = services.submission_submit(
        actor=bob, assignment=assignment, online_text="My essay.", declaration=True, at=AT
    )
    [told] = _kinds(mary, notices.SUBMITTED)
    assert f"Participant {done.participant_number}" in told.subject and "Bob" not in told.subject + told.body
    assert _kinds(tom, notices.SUBMITTED) == []


def test_markers_are_not_told_when_the_assignment_says_so(world, bob):
    _course, assignment, _sue, tom = world
    assignment.notify_markers = False
    assignment.save()
    services.submission_submit(
        actor=bob, assignment=assignment, online_text="My essay.", declaration=True, at=AT
    )
    assert _kinds(tom, notices.SUBMITTED) == []


def test_deadline_reminders_go_once_to_those_who_have_not_handed_in(world, bob):
    _course, assignment, sue, _tom = world
    services.submission_submit(
        actor=sue, assignment=assignment, online_text="Done early.", declaration=True, at=AT
    )
    assert notices.deadline_reminders_send(at=DUE - dt.timedelta(days=5)) == 0
    assert notices.deadline_reminders_send(at=DUE - dt.timedelta(days=2)) == 1
    assert notices.deadline_reminders_send(at=DUE - dt.timedelta(days=2)) == 0  # the job ran twice
    [three] = _kinds(bob, notices.DEADLINE)
    assert three.subject == "Due in 2 days: Unit 5001 assignment" and "9 March 2026 at 5:00pm" in three.body
    assert notices.deadline_reminders_send(at=DUE - dt.timedelta(hours=12)) == 1
    assert [n.subject for n in _kinds(bob, notices.DEADLINE)][-1] == "Due within a day: Unit 5001 assignment"
    assert _kinds(sue, notices.DEADLINE) == []
    assert notices.deadline_reminders_send(at=DUE + dt.timedelta(hours=1)) == 0


def test_reminders_follow_an_extension(world, alice, bob):
    _course, assignment, sue, _tom = world
    services.extension_grant(
        actor=alice,
        assignment=assignment,
        person=bob,
        due_at=DUE + dt.timedelta(days=7),
        reason="Court",
        at=AT,
    )
    assert notices.deadline_reminders_send(at=DUE - dt.timedelta(days=2)) == 1  # Sue only
    assert _kinds(bob, notices.DEADLINE) == []
    assert notices.deadline_reminders_send(at=DUE + dt.timedelta(days=6)) == 1
    assert "16 March 2026" in _kinds(bob, notices.DEADLINE)[0].body


def test_a_tutor_grants_and_withdraws_an_extension_audited_and_told(world, bob):
    _course, assignment, _sue, tom = world
    new_due = DUE + dt.timedelta(days=3)
    extension = services.extension_grant(
        actor=tom, assignment=assignment, person=bob, due_at=new_due, reason="Operational duty", at=AT
    )
    assert (extension.approved_by, extension.due_at) == (tom, new_due)
    [granted] = _kinds(bob, notices.EXTENSION)
    assert "12 March 2026 at 5:00pm" in granted.body and "Operational duty" not in granted.body
    again = services.extension_grant(
        actor=tom,
        assignment=assignment,
        person=bob,
        due_at=new_due + dt.timedelta(days=1),
        reason="Longer",
        at=AT,
    )
    extension.refresh_from_db()
    assert extension.revoked_at == AT and extension.revoke_reason == "Replaced by a new extension."
    services.extension_revoke(
        actor=tom, extension=again, reason="Duty cancelled", at=AT + dt.timedelta(hours=1)
    )
    assert Extension.objects.filter(revoked_at__isnull=True).count() == 0
    assert "withdrawn" in _kinds(bob, notices.EXTENSION)[-1].subject
    actions = list(
        AuditEvent.objects.filter(action__startswith="assessment.assignment.extension").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["assessment.assignment.extension_granted"] * 2 + [
        "assessment.assignment.extension_revoked"
    ]


def test_an_extension_must_move_the_date_later_and_give_a_reason(world, alice, bob):
    _course, assignment, _sue, _tom = world
    with pytest.raises(ValidationError) as error:
        services.extension_grant(actor=alice, assignment=assignment, person=bob, due_at=DUE, reason="", at=AT)
    problems = error.value.message_dict
    assert "must be after the learner's due date (9 March 2026 at 5:00pm)" in problems["due_at"][0]
    assert "Enter the reason" in problems["reason"][0]


def test_outsiders_grant_no_extensions(world, kent, alice, bob, charlie):
    _course, assignment, _sue, _tom = world
    with pytest.raises(PermissionDenied):
        services.extension_grant(
            actor=charlie,
            assignment=assignment,
            person=bob,
            due_at=DUE + dt.timedelta(days=1),
            reason="x",
            at=AT,
        )
    outsider_learner = make_person(
        kent, "nina@kent.police.uk", first="Nina", last="Notenrolled", staff_number="K10"
    )
    with pytest.raises(ValidationError) as error:
        services.extension_grant(
            actor=alice,
            assignment=assignment,
            person=outsider_learner,
            due_at=DUE + dt.timedelta(days=1),
            reason="x",
            at=AT,
        )
    assert "is not taking this assignment" in error.value.message_dict["person"][0]
