"""E-mails waiting to go out, and gone out."""

import uuid

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
