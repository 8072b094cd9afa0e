"""Learners told of mandatory training (assigned, due within 30 and 7 days, overdue), line managers'
weekly digest and escalation to training administrators: each sent once, never twice on a re-run,
never skipped by a missed day. Dates are fixed (2026: 2 March is a Monday)."""

import datetime as dt

import pytest
from django.core import mail

from bluelamp.audit.api import AuditEvent
from bluelamp.compliance import evaluation, reminders
from bluelamp.compliance.escalations import escalations_send
from bluelamp.compliance.models import Assignment
from bluelamp.compliance.reminders import (
    ASSIGNED,
    DIGEST,
    DUE_7,
    DUE_30,
    ESCALATION,
    OVERDUE,
    manager_digests_send,
    reminders_send,
)
from bluelamp.compliance.services import (
    CourseChoice,
    RequirementInput,
    exemption_grant,
    extension_grant,
    requirement_save,
)
from bluelamp.compliance.tests.helpers import complete_course, make_requirement
from bluelamp.core.plugins import jobs
from bluelamp.learning.tests.courses import publish_course
from bluelamp.notifications.api import Notification, OutgoingEmail, notification_kinds
from bluelamp.organisations.api import role_grant, unit_create
from bluelamp.people.api import Person
from conftest import make_person

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)


def at(day: dt.date, hour: int = 6) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=dt.UTC)


def days(n: int) -> dt.date:
    return MONDAY + dt.timedelta(days=n)


@pytest.fixture
def first_aid(kent, alice):
    return publish_course(kent, alice, "FA-101", title="First aid")


@pytest.fixture
def units(kent, alice):
    east = unit_create(actor=alice, organisation=kent, name="East")
    west = unit_create(actor=alice, organisation=kent, name="West")
    return east, west


def notices(person, kind=None):
    found = Notification.objects.filter(person=person)
    if kind is not None:
        found = found.filter(kind=kind)
    return list(found.order_by("created_at", "pk"))


def kinds_of(person) -> list[str]:
    return [n.kind for n in notices(person)]


# --- registration -------------------------------------------------------------------------------


def test_the_kinds_and_daily_jobs_are_registered_with_service_messages_always_emailed():
    registered = {kind.key: kind for kind in notification_kinds()}
    optional = {
        key: registered[key].email_optional for key in (ASSIGNED, DUE_30, DUE_7, OVERDUE, DIGEST, ESCALATION)
    }
    assert optional == {
        ASSIGNED: False,
        DUE_30: True,
        DUE_7: True,
        OVERDUE: False,
        DIGEST: True,
        ESCALATION: False,
    }
    names = [task.name for task in jobs("daily")]
    ours = [
        "nightly_sweep",
        "send_reminders",
        "send_manager_digests",
        "send_escalations",
        "send_scheduled_reports",
    ]
    assert [name for name in names if name in ours] == ours  # the sweep first, then what reads it


# --- assigned -----------------------------------------------------------------------------------


def test_joining_an_audience_tells_the_learner_once_with_title_due_date_and_links(
    kent, alice, bob, first_aid, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://learn.example"
    with django_capture_on_commit_callbacks(execute=True):
        requirement = make_requirement(
            kent, "FA", [first_aid], title="First aid at work", first_due_days=40, at=at(MONDAY)
        )
    (notice,) = notices(bob, ASSIGNED)
    assert notice.subject == "Mandatory training assigned: First aid at work, due Saturday 11 April 2026"
    assert "FA First aid at work by Saturday 11 April 2026 (in 40 days)" in notice.body
    assert notice.link == f"/learning/courses/{first_aid.uuid}/"
    assert notice.dedupe_key == f"{ASSIGNED}:{requirement.pk}:2026-04-11"
    (email,) = [m for m in mail.outbox if m.to == ["bob@kent.police.uk"]]
    assert email.subject == notice.subject
    assert f"https://learn.example/learning/courses/{first_aid.uuid}/" in email.body
    assert "https://learn.example/compliance/people/me/" in email.body
    assert "Saturday 11 April 2026" in email.alternatives[0][0]

    # Evaluated again (the nightly sweep, a change to Bob): nothing new.
    evaluation.evaluate_people([bob.pk], at=at(days(1)))
    evaluation.evaluate_people([bob.pk], at=at(days(2)))
    assert len(notices(bob, ASSIGNED)) == 1


def test_someone_joining_later_is_told_and_someone_already_compliant_is_not(kent, alice, units, first_aid):
    east, west = units
    nia = make_person(kent, "nia@kent.police.uk", first="Nia", last="New", unit=west)
    ann = make_person(kent, "ann@kent.police.uk", first="Ann", last="East", unit=east)
    complete_course(ann, first_aid, at=at(days(-10)))
    data = dict(
        code="FA", title="First aid", courses=[CourseChoice(first_aid)], validity_months=12, first_due_days=30
    )
    requirement = requirement_save(
        actor=alice, owner=kent, data=RequirementInput(**data, audience={"units": [east.pk]}), at=at(MONDAY)
    )
    assert notices(ann) == []  # compliant: nothing to do
    assert notices(nia) == []  # not in the audience yet
    requirement_save(
        actor=alice,
        owner=kent,
        requirement=requirement,
        data=RequirementInput(**data, audience={"units": [east.pk, west.pk]}),
        at=at(days(3)),
    )
    (notice,) = notices(nia, ASSIGNED)
    assert notice.subject == "Mandatory training assigned: First aid, due Saturday 4 April 2026"


def test_joining_when_already_overdue_says_so(kent, alice, bob, first_aid):
    make_requirement(
        kent, "FA", [first_aid], first_due_kind="date", first_due_date=dt.date(2026, 2, 1), at=at(MONDAY)
    )
    (notice,) = notices(bob, ASSIGNED)
    assert (
        notice.subject == "Mandatory training assigned: Requirement FA, overdue since Sunday 1 February 2026"
    )
    assert "already overdue" in notice.body
    # The assigned notice said it was overdue: no separate overdue notice for that due date.
    reminders_send(at=at(days(1)))
    assert notices(bob, OVERDUE) == []


# --- reminders ----------------------------------------------------------------------------------


def test_each_reminder_goes_once_on_its_day_and_a_rerun_sends_nothing(
    kent, alice, bob, first_aid, django_capture_on_commit_callbacks
):
    requirement = make_requirement(kent, "FA", [first_aid], first_due_days=40, at=at(MONDAY))  # due 11 April
    assert reminders_send(at=at(dt.date(2026, 3, 11))) == 0  # 31 days to go
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(at=at(dt.date(2026, 3, 12))) == 2  # Alice and Bob, 30 days to go
    assert reminders_send(at=at(dt.date(2026, 3, 12), 18)) == 0  # the same day again
    assert reminders_send(at=at(dt.date(2026, 3, 13))) == 0
    (due_30,) = notices(bob, DUE_30)
    assert due_30.subject == "Reminder: Requirement FA is due in 30 days, on Saturday 11 April 2026"
    assert due_30.dedupe_key == f"{DUE_30}:{requirement.pk}:2026-04-11"
    assert [m.subject for m in mail.outbox if m.to == ["bob@kent.police.uk"]] == [due_30.subject]

    assert reminders_send(at=at(dt.date(2026, 4, 3))) == 0  # 8 days to go
    assert reminders_send(at=at(dt.date(2026, 4, 4))) == 2  # 7 days
    assert reminders_send(at=at(dt.date(2026, 4, 11))) == 0  # due today: already reminded
    evaluation.evaluate_people([alice.pk, bob.pk], at=at(dt.date(2026, 4, 12)))
    assert reminders_send(at=at(dt.date(2026, 4, 12))) == 2  # overdue
    assert reminders_send(at=at(dt.date(2026, 4, 13))) == 0
    assert reminders_send(at=at(dt.date(2026, 5, 12))) == 0  # still overdue: told once per due date
    assert kinds_of(bob) == [ASSIGNED, DUE_30, DUE_7, OVERDUE]
    (overdue,) = notices(bob, OVERDUE)
    assert overdue.subject == "Overdue: Requirement FA was due on Saturday 11 April 2026"

    # An extension is a new due date: its reminders go again.
    extension_grant(
        actor=alice,
        person=bob,
        requirement=requirement,
        to_due_on=dt.date(2026, 6, 1),
        reason="Injured",
        at=at(dt.date(2026, 5, 12)),
    )
    assert reminders_send(at=at(dt.date(2026, 5, 12))) == 1  # Bob's 30-day reminder for 1 June
    assert notices(bob, DUE_30)[-1].dedupe_key == f"{DUE_30}:{requirement.pk}:2026-06-01"


def test_a_missed_day_sends_the_nearest_reminder_and_never_an_out_of_date_one(kent, alice, bob, first_aid):
    make_requirement(kent, "FA", [first_aid], first_due_days=40, at=at(MONDAY))  # due 11 April
    assert reminders_send(at=at(dt.date(2026, 3, 20))) == 2  # the job was down on 12 March: still sent
    assert reminders_send(at=at(dt.date(2026, 4, 9))) == 2  # first run after 4 April: the 7-day one
    assert kinds_of(bob) == [ASSIGNED, DUE_30, DUE_7]

    # Someone the job never reached before the due date gets only the overdue notice.
    late = make_requirement(kent, "FB", [first_aid], first_due_days=40, at=at(MONDAY))
    Notification.objects.filter(person=bob, dedupe_key__contains=f":{late.pk}:").delete()
    evaluation.evaluate_people([bob.pk], at=at(dt.date(2026, 4, 20)))
    reminders_send(at=at(dt.date(2026, 4, 20)))
    assert [n.kind for n in notices(bob) if f":{late.pk}:" in n.dedupe_key] == [OVERDUE]


def test_a_reminder_the_assigned_notice_already_covered_is_not_sent(kent, alice, bob, first_aid):
    make_requirement(kent, "FA", [first_aid], first_due_days=5, at=at(MONDAY))  # due 7 March
    assert reminders_send(at=at(days(1))) == 0  # told on 2 March, inside the 7-day window
    evaluation.evaluate_people([bob.pk], at=at(days(6)))
    # Overdue: Bob, and Alice (her row is not re-evaluated yet, but its due date has passed).
    assert reminders_send(at=at(days(6))) == 2
    assert kinds_of(bob) == [ASSIGNED, OVERDUE]


def test_exempt_people_and_leavers_get_no_reminders(kent, alice, bob, first_aid):
    leaver = make_person(kent, "lee@kent.police.uk", first="Lee", last="Leaver")
    requirement = make_requirement(kent, "FA", [first_aid], first_due_days=40, at=at(MONDAY))
    exemption_grant(
        actor=alice,
        person=bob,
        requirement=requirement,
        reason="Medical",
        starts_on=MONDAY,
        ends_on=None,
        at=at(MONDAY),
    )
    assert Assignment.objects.get(person=bob).status == "exempt"
    Person.objects.filter(pk=leaver.pk).update(status=Person.Status.LEAVER, is_active=False)
    assert reminders_send(at=at(dt.date(2026, 3, 12))) == 1  # Alice only
    assert notices(bob, DUE_30) == [] and notices(leaver, DUE_30) == []


# --- the line managers' digest ------------------------------------------------------------------


def test_the_digest_lists_each_managers_direct_reports_due_or_overdue_once_a_week(
    kent, alice, bob, first_aid, django_capture_on_commit_callbacks
):
    carol = make_person(kent, "carol@kent.police.uk", first="Carol", last="Constable", line_manager=alice)
    quiet_manager = make_person(kent, "mo@kent.police.uk", first="Mo", last="Manager")
    exempted = make_person(kent, "ed@kent.police.uk", first="Ed", last="Exempt", line_manager=quiet_manager)
    requirement = make_requirement(
        kent, "FA", [first_aid], title="First aid", first_due_days=10, at=at(MONDAY)
    )
    exemption_grant(
        actor=alice,
        person=exempted,
        requirement=requirement,
        reason="Medical",
        starts_on=MONDAY,
        ends_on=None,
        at=at(MONDAY),
    )
    evaluation.evaluate_people([bob.pk, carol.pk], at=at(days(14)))  # Bob and Carol overdue on 16 March
    with django_capture_on_commit_callbacks(execute=True):
        assert manager_digests_send(at=at(days(14))) == 1
    (digest,) = notices(alice, DIGEST)
    assert digest.subject == "Your team's mandatory training, week of 16 March 2026: 2 overdue"
    assert "- Bob Officer: FA First aid, overdue (due Thursday 12 March 2026)" in digest.body
    assert "- Carol Constable: FA First aid, overdue" in digest.body
    assert digest.dedupe_key == f"{DIGEST}:2026-W12" and digest.link == "/compliance/?view=team"
    (email,) = [m for m in mail.outbox if m.to == ["alice@kent.police.uk"]]
    html = email.alternatives[0][0]
    assert f'/compliance/people/{bob.uuid}/">Bob Officer</a>' in html  # his page, for his manager
    assert "Thursday 12 March 2026" in html
    assert notices(quiet_manager, DIGEST) == []  # nobody due or overdue: no message

    # Later in the same ISO week: nothing; the next week: the next digest.
    assert manager_digests_send(at=at(days(14), 18)) == 0
    assert manager_digests_send(at=at(days(17))) == 0
    assert manager_digests_send(at=at(days(22))) == 1  # Tuesday: Monday's run was missed
    assert [n.dedupe_key for n in notices(alice, DIGEST)] == [f"{DIGEST}:2026-W12", f"{DIGEST}:2026-W13"]
    assert manager_digests_send(at=at(days(23))) == 0


def test_a_digest_names_due_and_overdue_apart(kent, alice, bob, first_aid):
    make_requirement(kent, "FA", [first_aid], first_due_days=10, at=at(MONDAY))
    make_requirement(kent, "FB", [first_aid], first_due_days=40, at=at(days(7)))
    evaluation.evaluate_people([bob.pk], at=at(days(21)))
    manager_digests_send(at=at(days(21)))
    (digest,) = notices(alice, DIGEST)
    assert digest.subject.endswith(": 1 overdue and 1 due")
    assert "Requirement FA, overdue" in digest.body and "Requirement FB, due (due" in digest.body


# --- escalation ---------------------------------------------------------------------------------


def test_administrators_over_the_person_are_told_after_the_escalation_period_once(
    kent, essex, alice, charlie, units, first_aid, django_capture_on_commit_callbacks
):
    east, west = units
    make_person(kent, "bob@kent.police.uk", first="Bob", last="Officer", staff_number="K2", unit=east)
    eve = make_person(kent, "eve@kent.police.uk", first="Eve", last="Trainer", unit=east)
    role_grant(actor=None, person=eve, role="training_admin", organisation=kent, unit=east, as_operator=True)
    wes = make_person(kent, "wes@kent.police.uk", first="Wes", last="Trainer", unit=west)
    role_grant(actor=None, person=wes, role="training_admin", organisation=kent, unit=west, as_operator=True)
    make_requirement(kent, "FA", [first_aid], first_due_days=10, escalate_after_days=14, at=at(MONDAY))
    # Due 12 March; overdue from the 13th; 14 days overdue on the 26th.
    assert escalations_send(at=at(dt.date(2026, 3, 25))) == 0
    with django_capture_on_commit_callbacks(execute=True):
        escalated = escalations_send(at=at(dt.date(2026, 3, 26)))
    assert escalated == 3  # Bob, Eve and Wes; Alice is overdue too, but no one else administers Kent
    (to_alice,) = notices(alice, ESCALATION)  # organisation administrator: the whole force
    (to_eve,) = notices(eve, ESCALATION)  # training administrator of East, where Bob is
    assert to_eve.subject == "Bob Officer is 14 days overdue on FA Requirement FA"
    assert (
        "Bob Officer (K2), East: FA Requirement FA, due Thursday 12 March 2026, 14 days overdue"
        in to_eve.body
    )
    assert "Bob Officer" in to_alice.body
    assert "Bob Officer" not in "".join(n.body for n in notices(wes, ESCALATION))  # West's: not over Bob
    assert notices(charlie, ESCALATION) == []  # Essex's administrator: never
    assert "Eve Trainer" not in to_eve.body  # nobody is told about themselves
    assert any(m.to == ["eve@kent.police.uk"] and "Bob Officer" in m.body for m in mail.outbox)
    event = AuditEvent.objects.get(action="compliance.escalate", object_label__startswith="Bob Officer")
    assert event.after["days_overdue"] == 14 and event.organisation == kent

    # The next days: nobody new, nothing sent (the audit log says who was escalated).
    assert escalations_send(at=at(dt.date(2026, 3, 26), 18)) == 0
    assert escalations_send(at=at(dt.date(2026, 3, 27))) == 0
    assert len(notices(eve, ESCALATION)) == 1


def test_a_missed_day_still_escalates_and_each_administrator_gets_one_message_listing_everyone(
    kent, alice, bob, first_aid
):
    make_person(kent, "carol@kent.police.uk", first="Carol", last="Constable")
    make_requirement(kent, "FA", [first_aid], first_due_days=10, escalate_after_days=7, at=at(MONDAY))
    make_requirement(kent, "FB", [first_aid], first_due_days=10, escalate_after_days=30, at=at(MONDAY))
    assert escalations_send(at=at(dt.date(2026, 3, 25))) == 2  # Bob and Carol on FA, 13 days overdue
    (message,) = notices(alice, ESCALATION)
    assert message.subject == "2 people are long overdue on mandatory training"
    assert "Bob Officer" in message.body and "Carol Constable" in message.body
    assert "Requirement FB" not in message.body  # FB's period has not passed
    assert escalations_send(at=at(dt.date(2026, 4, 11))) == 2  # FB: 30 days overdue
    assert len(notices(alice, ESCALATION)) == 2


def test_a_completion_or_exemption_before_the_day_means_no_escalation(kent, alice, bob, first_aid):
    xan = make_person(kent, "x@kent.police.uk", first="Xan", last="Exempt")
    requirement = make_requirement(
        kent, "FA", [first_aid], first_due_days=10, escalate_after_days=14, at=at(MONDAY)
    )
    complete_course(bob, first_aid, at=at(dt.date(2026, 3, 20)))
    exemption_grant(
        actor=alice,
        person=xan,
        requirement=requirement,
        reason="Medical",
        starts_on=MONDAY,
        ends_on=None,
        at=at(MONDAY),
    )
    escalations_send(at=at(dt.date(2026, 3, 26)))
    assert all(
        "Bob Officer" not in n.body and "Xan" not in n.body
        for n in Notification.objects.filter(kind=ESCALATION)
    )


def test_an_outage_of_the_mail_server_delays_reminders_and_loses_none(
    kent, alice, bob, first_aid, smtp, django_capture_on_commit_callbacks
):
    from bluelamp.notifications.services import email_deliver

    make_requirement(kent, "FA", [first_aid], first_due_days=40, at=at(MONDAY))
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(at=at(dt.date(2026, 3, 12))) == 2  # the job itself succeeds
    queued = OutgoingEmail.objects.filter(kind=DUE_30)
    assert [(e.status, e.attempts) for e in queued] == [("queued", 1), ("queued", 1)]
    inbox = smtp.start()
    for email in queued:
        assert email_deliver(email.pk) == "sent"
    _, message = inbox.wait_for("bob@kent.police.uk", "Reminder: Requirement FA is due in 30 days")
    assert "Saturday 11 April 2026" in message.get_body(preferencelist=("plain",)).get_content()
    assert reminders_send(at=at(dt.date(2026, 3, 12))) == 0  # and the next run sends nothing again


def test_words_for_dates():
    assert reminders.date_in_words(dt.date(2026, 4, 11)) == "Saturday 11 April 2026"
    today = dt.date(2026, 4, 1)
    assert [
        reminders.days_in_words(today + dt.timedelta(days=n), today=today) for n in (-3, -1, 0, 1, 12)
    ] == ["3 days ago", "yesterday", "today", "tomorrow", "in 12 days"]
