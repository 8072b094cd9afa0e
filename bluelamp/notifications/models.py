"""E-mails waiting to go out, and gone out; the notifications people see on their page, and which
of them they want by e-mail."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class OutgoingEmail(models.Model):
    """An e-mail Bluelamp has to send, kept until it is delivered: an SMTP outage delays a
    message, never loses it, and never turns the action that caused it into an error page.

    Personal data: the recipients' addresses and the message itself (names, ticket text,
    course titles). Delivered messages are deleted `RETENTION_DAYS` after delivery by a daily job.
    """

    RETENTION_DAYS = 30

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENT = "sent", "Sent"
        REFUSED = "refused", "Refused by the mail server"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(
        max_length=80, blank=True, help_text="What the e-mail is, e.g. servicedesk.acknowledgement."
    )
    from_email = models.CharField(max_length=320)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    reply_to = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=998)
    text_body = models.TextField()
    # [{"content": str, "mimetype": "text/html"}] (the HTML version, a calendar invitation...)
    alternatives = models.JSONField(default=list, blank=True)
    # [{"filename": str, "content_base64": str, "mimetype": str}]
    attachments = models.JSONField(default=list, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "outgoing e-mail"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notif_email_due")]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)} ({self.get_status_display()})"


class Notification(models.Model):
    """Something the site tells one person: listed on their notifications page until they have
    read it and a year has passed, and usually e-mailed too (`services.notify`).

    Personal data: whom it is for, whether and when they read it, and what it says (the subject
    and body may name their courses, due dates and the people they manage). Read notifications
    are deleted `RETENTION_DAYS` after they were sent, by a daily job.

    The person is CASCADE, as for the other rows that are a person's own and nobody's record
    (saved queue filters): people are never deleted (leavers are marked), but if one ever is, by
    erasure, their inbox has no reason to outlive them or to stand in the way.
    """

    RETENTION_DAYS = 365

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=80, help_text="A registered kind, e.g. compliance.overdue.")
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True, help_text="Plain text.")
    link = models.CharField(max_length=500, blank=True, help_text="A path on this site, e.g. /learning/.")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    dedupe_key = models.CharField(
        max_length=200,
        null=True,
        blank=True,
        help_text="The caller's name for this notice: a second one with the same key for the same "
        "person is not sent (e.g. compliance.due_7:<requirement>:2027-03-01).",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "dedupe_key"], name="notif_person_dedupe_unique"),
        ]
        indexes = [
            models.Index(fields=["person", "-created_at"], name="notif_person_list"),
            models.Index(
                fields=["person", "-created_at"],
                condition=models.Q(read_at__isnull=True),
                name="notif_person_unread",
            ),
            # The daily job's: read ones past their time.
            models.Index(fields=["created_at"], condition=models.Q(read_at__isnull=False), name="notif_read"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.kind})"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class EmailPreference(models.Model):
    """Whether a person wants the e-mail of one kind of notification they may turn off. No row:
    they do (e-mail is on by default). Kinds whose e-mail is a service message ignore it.

    Personal data: whose choice it is, and the choice.
    """

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=80)
    email_enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "e-mail preference"
        constraints = [
            models.UniqueConstraint(fields=["person", "kind"], name="notif_email_preference_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: e-mail {'on' if self.email_enabled else 'off'}"
