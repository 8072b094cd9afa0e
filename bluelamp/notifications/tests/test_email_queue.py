"""E-mail goes out through the queue: after commit, by a task, and an SMTP outage delays a
message without losing it. The SMTP server here is real (aiosmtpd on 127.0.0.1)."""

import datetime as dt

import pytest
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from bluelamp.notifications.api import OutgoingEmail, email_queue, email_queue_message, email_render
from bluelamp.notifications.services import email_deliver, emails_due, emails_forget_delivered
from bluelamp.notifications.tasks import retry_undelivered_emails
from bluelamp.notifications.tests.smtp import Inbox

AT = dt.datetime(2031, 2, 3, 9, 0, tzinfo=dt.UTC)


def test_queued_mail_is_sent_after_commit_and_not_on_rollback(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = email_queue(
            to=["bob@kent.police.uk"], subject="Hello", text="Body", html="<p>Body</p>", kind="t"
        )
        assert not mailoutbox  # nothing before commit
    assert [m.subject for m in mailoutbox] == ["Hello"]
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT and email.attempts == 1 and email.sent_at
    assert mailoutbox[0].alternatives[0][1] == "text/html"

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                email_queue(to=["bob@kent.police.uk"], subject="Rolled back", text="x")
                raise RuntimeError("the action failed")
    assert [m.subject for m in mailoutbox] == ["Hello"]
    assert not OutgoingEmail.objects.filter(subject="Rolled back").exists()


def test_no_recipient_queues_nothing(db):
    assert email_queue(to=["", None], subject="Nobody", text="x") is None
    assert not OutgoingEmail.objects.exists()


def test_an_smtp_outage_delays_mail_and_loses_none(db, smtp, django_capture_on_commit_callbacks):
    # The server is down: queueing succeeds, the first attempt fails and is recorded.
    with django_capture_on_commit_callbacks(execute=True):
        email = email_queue(to=["bob@kent.police.uk"], subject="Your ticket", text="Body", at=AT)
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.QUEUED and email.attempts == 1
    assert "Connection" in email.last_error or "refused" in email.last_error.lower()
    assert email.next_attempt_at > timezone.now()  # tried at once, next in a minute
    assert "password" not in email.last_error.lower()

    # Still down at the next try: backoff grows; nothing is lost.
    assert email_deliver(email.pk, at=email.next_attempt_at) == "queued"
    email.refresh_from_db()
    assert email.attempts == 2

    # The server is back: the frequent job delivers it, once.
    inbox = smtp.start(Inbox())
    assert emails_due(at=email.next_attempt_at) == [email.pk]
    assert email_deliver(email.pk, at=email.next_attempt_at) == "sent"
    assert email_deliver(email.pk, at=email.next_attempt_at) == "sent"  # a second run sends nothing
    ((_, message),) = inbox.messages()
    assert message["Subject"] == "Your ticket" and message["To"] == "bob@kent.police.uk"


def test_the_frequent_job_retries_what_is_due(db, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email_queue(to=["a@kent.police.uk"], subject="One", text="x")
    OutgoingEmail.objects.update(next_attempt_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))  # due long ago
    inbox = smtp.start(Inbox())
    assert retry_undelivered_emails.call() == 1
    assert [m["Subject"] for _, m in inbox.messages()] == ["One"]


def test_a_permanent_refusal_is_recorded_not_retried(db, smtp, django_capture_on_commit_callbacks):
    smtp.start(Inbox(refuse=True))
    with django_capture_on_commit_callbacks(execute=True):
        email = email_queue(to=["nobody@kent.police.uk"], subject="Bounce", text="x")
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.REFUSED and "550" in email.last_error
    assert emails_due(at=AT + dt.timedelta(days=3650)) == []


def test_a_message_built_elsewhere_is_queued_whole(db, mailoutbox, django_capture_on_commit_callbacks):
    message = EmailMultiAlternatives(
        "Reset your password",
        "Follow the link",
        "Bluelamp <no-reply@bluelamp.example>",
        ["bob@kent.police.uk"],
    )
    message.attach_alternative("<p>Follow the link</p>", "text/html")
    with django_capture_on_commit_callbacks(execute=True):
        email_queue_message(message, kind="account.password_reset")
    (sent,) = mailoutbox
    assert sent.subject == "Reset your password" and sent.body == "Follow the link"
    assert sent.alternatives[0][0] == "<p>Follow the link</p>"
    assert OutgoingEmail.objects.get().kind == "account.password_reset"


def test_one_layout_for_every_email(db):
    text, html = email_render("notifications/email/layout", {"subject": "Hi", "brand_name": "Kent Police"})
    assert "This e-mail was sent by Bluelamp" in text
    assert '<html lang="en-GB">' in html and "Kent Police" in html


def test_delivered_mail_is_forgotten_after_thirty_days(db, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email_queue(to=["a@kent.police.uk"], subject="Old", text="x", at=AT)
        email_queue(to=["b@kent.police.uk"], subject="Waiting", text="x", at=AT)
    OutgoingEmail.objects.filter(subject="Waiting").update(status=OutgoingEmail.Status.QUEUED)
    assert emails_forget_delivered(at=AT + dt.timedelta(days=29)) == 0
    assert emails_forget_delivered(at=AT + dt.timedelta(days=31)) == 1
    assert list(OutgoingEmail.objects.values_list("subject", flat=True)) == ["Waiting"]  # never lost


def test_while_the_server_is_down_the_job_stops_at_the_first_failure(
    db, smtp, django_capture_on_commit_callbacks
):
    """Each attempt against an unreachable server waits for its timeout: one failure says enough."""
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            email_queue(to=[f"p{n}@kent.police.uk"], subject=f"M{n}", text="x")
    OutgoingEmail.objects.update(next_attempt_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert retry_undelivered_emails.call() == 1
    assert sorted(OutgoingEmail.objects.values_list("attempts", flat=True)) == [1, 1, 2]
    inbox = smtp.start()
    OutgoingEmail.objects.update(next_attempt_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert retry_undelivered_emails.call() == 3
    assert len(inbox.messages()) == 3


def test_its_jobs_are_scheduled():
    from bluelamp.core.plugins import jobs
    from bluelamp.notifications.tasks import forget_delivered_emails

    assert retry_undelivered_emails in jobs("frequent")
    assert forget_delivered_emails in jobs("daily")


def test_a_message_sent_again_after_a_lost_commit_is_the_same_message(db, smtp, monkeypatch):
    """A worker killed after the mail server took the message, before its commit, leaves the
    e-mail queued: the next attempt sends it again, but as the same message (one Message-ID), which
    mail systems and clients that drop repeats recognise. Without the lost commit it goes once."""
    inbox = smtp.start(Inbox())
    email = email_queue(to=["bob@kent.police.uk"], subject="Your ticket", text="Body", at=AT)
    real_save = OutgoingEmail.save

    def killed_before_commit(self, *args, **kwargs):
        raise KeyboardInterrupt("the worker was stopped here")

    monkeypatch.setattr(OutgoingEmail, "save", killed_before_commit)
    with pytest.raises(KeyboardInterrupt):
        email_deliver(email.pk, at=AT)
    monkeypatch.setattr(OutgoingEmail, "save", real_save)
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.QUEUED and email.attempts == 0

    assert email_deliver(email.pk, at=AT) == "sent"
    assert email_deliver(email.pk, at=AT) == "sent"  # and not again
    first, second = (message for _, message in inbox.messages())
    assert first["Message-ID"] == second["Message-ID"] == f"<{email.uuid}@bluelamp.example>"


def test_a_message_id_given_by_the_caller_is_kept(db, smtp):
    inbox = smtp.start(Inbox())
    email = email_queue(
        to=["bob@kent.police.uk"],
        subject="Threaded",
        text="x",
        headers={"Message-ID": "<BL-1.2@desk.example>"},
    )
    assert email_deliver(email.pk) == "sent"
    ((_, message),) = inbox.messages()
    assert message["Message-ID"] == "<BL-1.2@desk.example>"
