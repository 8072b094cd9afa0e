"""notify / notify_many: the in-app notification always, its e-mail after commit unless the person
turned off an optional kind; a dedupe key makes a job's second run send nothing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from bluelamp.notifications import kinds
from bluelamp.notifications.api import (
    Notice,
    Notification,
    OutgoingEmail,
    notification_kinds,
    notify,
    notify_many,
    register_notification_kind,
    unread_count,
)
from bluelamp.notifications.models import EmailPreference
from bluelamp.notifications.services import email_preferences_save, notifications_forget_read

AT = dt.datetime(2031, 2, 3, 9, 0, tzinfo=dt.UTC)
REMINDER = "test.reminder"  # e-mail optional
OVERDUE = "test.overdue"  # a service message: always e-mailed


@pytest.fixture(autouse=True)
def test_kinds(monkeypatch):
    """Two kinds of a pretend domain, registered for the test only."""
    monkeypatch.setattr(kinds, "_kinds", {})
    register_notification_kind(
        REMINDER, "Training reminders", email_optional=True, description="Before training is due."
    )
    register_notification_kind(
        OVERDUE, "Overdue training", email_optional=False, description="Your employer requires it."
    )


def test_a_notification_is_recorded_and_its_email_sent_only_after_commit(
    bob, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://learn.example/"
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(
            person=bob,
            kind=REMINDER,
            subject="Fire safety is due in 7 days",
            body="Complete it by 1 March 2027.\nIt takes 20 minutes.",
            link="/learning/",
            at=AT,
        )
        assert notification is not None and notification.pk
        assert not mailoutbox  # nothing before commit
    assert notification.person == bob and notification.read_at is None and notification.created_at == AT
    (message,) = mailoutbox
    assert message.subject == "Fire safety is due in 7 days" and message.to == ["bob@kent.police.uk"]
    assert "Complete it by 1 March 2027." in message.body
    # The link is absolute; an optional kind says where to turn its e-mails off.
    assert "https://learn.example/learning/" in message.body
    assert "https://learn.example/notifications/preferences/" in message.body
    html = message.alternatives[0][0]
    assert '<a href="https://learn.example/learning/">' in html and "It takes 20 minutes." in html
    assert OutgoingEmail.objects.get().kind == REMINDER
    assert unread_count(bob) == 1


def test_a_rolled_back_action_leaves_no_notification_and_sends_nothing(
    bob, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                notify(person=bob, kind=OVERDUE, subject="Overdue", body="")
                raise RuntimeError("the job failed")
    assert not Notification.objects.exists() and not mailoutbox


def test_a_dedupe_key_makes_a_second_notice_nothing(
    bob, alice, mailoutbox, django_capture_on_commit_callbacks
):
    key = "test.due_7:requirement-1:2027-03-01"
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(person=bob, kind=REMINDER, subject="Due in 7 days", body="", dedupe_key=key)
        again = notify(person=bob, kind=REMINDER, subject="Due in 7 days", body="", dedupe_key=key)
        alices = notify(person=alice, kind=REMINDER, subject="Due in 7 days", body="", dedupe_key=key)
        # No key: nothing to compare with, so each is sent.
        notify(person=bob, kind=REMINDER, subject="Plain", body="")
        notify(person=bob, kind=REMINDER, subject="Plain", body="", dedupe_key="")
    assert first is not None and again is None and alices is not None
    assert Notification.objects.filter(person=bob).count() == 3
    assert Notification.objects.filter(dedupe_key=key).count() == 2
    assert len(mailoutbox) == 4


def test_an_optional_kind_turned_off_is_not_emailed_but_still_shown(
    bob, mailoutbox, django_capture_on_commit_callbacks
):
    email_preferences_save(person=bob, email_kinds=[])
    assert EmailPreference.objects.get(person=bob, kind=REMINDER).email_enabled is False
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(person=bob, kind=REMINDER, subject="Due soon", body="")
    assert notification is not None and unread_count(bob) == 1
    assert not mailoutbox and not OutgoingEmail.objects.exists()

    # Turned back on, it is e-mailed again.
    email_preferences_save(person=bob, email_kinds=[REMINDER])
    with django_capture_on_commit_callbacks(execute=True):
        notify(person=bob, kind=REMINDER, subject="Due sooner", body="")
    assert [m.subject for m in mailoutbox] == ["Due sooner"]


def test_a_mandatory_kind_is_emailed_whatever_the_person_chose(
    bob, mailoutbox, django_capture_on_commit_callbacks
):
    email_preferences_save(person=bob, email_kinds=[])
    # Not theirs to choose: saving leaves no row for it; and a row that got there is ignored.
    assert not EmailPreference.objects.filter(kind=OVERDUE).exists()
    EmailPreference.objects.create(person=bob, kind=OVERDUE, email_enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify(person=bob, kind=OVERDUE, subject="Your mandatory training is overdue", body="")
    assert [m.subject for m in mailoutbox] == ["Your mandatory training is overdue"]
    # No "turn these off" line in an e-mail that cannot be turned off.
    assert "/notifications/preferences/" not in mailoutbox[0].body


def test_a_leaver_is_not_emailed(bob, mailoutbox, django_capture_on_commit_callbacks):
    bob.is_active = False
    bob.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(person=bob, kind=OVERDUE, subject="Overdue", body="") is not None
    assert not mailoutbox


def test_a_callers_own_email_template(bob, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            person=bob,
            kind=OVERDUE,
            subject="Service notice",
            body="In the app",
            email_template="servicedesk/email/service_notice",
            email_context={"notice": {"subject": "By e-mail", "body": "Its own words"}, "posted_at": "09:00"},
        )
    (message,) = mailoutbox
    assert "Its own words" in message.body and "In the app" not in message.body
    assert Notification.objects.get().body == "In the app"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "nobody.registered_this"}, "kind"),
        ({"link": "https://elsewhere.example/"}, "link"),
        ({"link": "//elsewhere.example/"}, "link"),
        ({"link": "learning/"}, "link"),
        ({"subject": ""}, "subject"),
        ({"subject": "x" * 201}, "subject"),
    ],
)
def test_a_bad_notice_names_its_field_and_records_nothing(bob, mailoutbox, changes, field):
    arguments = {"person": bob, "kind": OVERDUE, "subject": "Overdue", "body": "", **changes}
    with pytest.raises(ValidationError) as error:
        notify(**arguments)
    assert field in error.value.message_dict
    assert not Notification.objects.exists() and not OutgoingEmail.objects.exists()


def test_notify_many_takes_a_few_statements_however_many_it_sends(
    bob, alice, charlie, django_assert_num_queries, django_capture_on_commit_callbacks
):
    for person in (bob, alice, charlie):
        email_preferences_save(person=person, email_kinds=[])  # reminders: in the app only

    def notices(count: int, tag: str) -> list[Notice]:
        return [
            Notice(person=person, kind=REMINDER, subject=f"Reminder {n}", body="", dedupe_key=f"{tag}:{n}")
            for person in (bob, alice, charlie)
            for n in range(count)
        ]

    # A savepoint, the insert, which rows went in, who turned e-mail off, the release. (SQLite
    # inserts ~110 rows a statement, PostgreSQL all of them: 90 here.)
    with django_assert_num_queries(5) as few:
        assert len(notify_many(notices(2, "few"))) == 6
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(notify_many(notices(30, "many"))) == 90

    # A second run, and duplicates within a batch: only what is new is made, in order.
    batch = notices(31, "many") + notices(31, "many")
    made = notify_many(batch)
    assert [(n.person, n.subject) for n in made] == [(p, "Reminder 30") for p in (bob, alice, charlie)]
    assert all(n.pk for n in made)
    assert Notification.objects.count() == 99

    # Each e-mail wanted is one statement more (and its delivery after commit).
    with django_capture_on_commit_callbacks() as callbacks:
        made = notify_many([Notice(person=p, kind=OVERDUE, subject="Overdue", body="") for p in (bob, alice)])
    assert len(made) == 2 and OutgoingEmail.objects.count() == 2 and len(callbacks) == 2


def test_read_notifications_are_forgotten_after_a_year(bob):
    old_read = notify(person=bob, kind=OVERDUE, subject="Old, read", body="", at=AT - dt.timedelta(days=366))
    notify(person=bob, kind=OVERDUE, subject="Old, unread", body="", at=AT - dt.timedelta(days=366))
    recent_read = notify(
        person=bob, kind=OVERDUE, subject="Recent, read", body="", at=AT - dt.timedelta(days=30)
    )
    Notification.objects.filter(pk__in=[old_read.pk, recent_read.pk]).update(
        read_at=AT - dt.timedelta(days=1)
    )
    assert notifications_forget_read(at=AT) == 1
    assert set(Notification.objects.values_list("subject", flat=True)) == {"Old, unread", "Recent, read"}


def test_the_daily_job_forgets_read_notifications():
    from bluelamp.core.plugins import jobs
    from bluelamp.notifications.tasks import forget_read_notifications

    assert forget_read_notifications in jobs("daily")


def test_kinds_are_registered_with_a_key_and_a_label():
    assert [kind.key for kind in notification_kinds()] == [OVERDUE, REMINDER]  # by label
    with pytest.raises(ValueError, match="compliance.overdue"):
        register_notification_kind("Compliance Overdue!", "Overdue", email_optional=False, description="")
    with pytest.raises(ValueError, match="label"):
        register_notification_kind("test.unlabelled", " ", email_optional=True, description="")
    # Registering again replaces (a second ready() changes nothing).
    register_notification_kind(REMINDER, "Reminders", email_optional=True, description="Changed.")
    assert [kind.label for kind in notification_kinds()] == ["Overdue training", "Reminders"]
