"""Queueing e-mail, and delivering it.

`email_queue` (or `email_queue_message` for a message someone else built, e.g. allauth's) stores
the message in the caller's transaction and asks for delivery only after it commits: a
rolled-back action sends nothing, and a committed one's message is on record before anyone tries
to send it. Delivery (`email_deliver`, run by the `deliver_email` task) sends it once; a failure
the server may get over (connection refused, 4xx, timeouts) leaves it queued for a later attempt
(`emails_due` / the frequent `retry_undelivered_emails` job), with backoff and no limit; a
refusal the server will repeat (every recipient refused, a 5xx answer) marks it refused, logged.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import smtplib
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

from bluelamp.notifications.models import OutgoingEmail

logger = logging.getLogger(__name__)

# Minutes to wait after the n-th failed attempt (then every hour, for as long as it takes).
BACKOFF_MINUTES = (1, 5, 15, 30, 60)


def email_render(template: str, context: dict) -> tuple[str, str]:
    """`template`.txt and, if there is one, `template`.html (both extending the one layout,
    notifications/email/layout.*), rendered with the site's name and address in the context."""
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    text = render_to_string(f"{template}.txt", context, using="django")
    try:
        html: str = render_to_string(f"{template}.html", context, using="django")
    except TemplateDoesNotExist:
        html = ""
    return text, html


def email_queue(
    *,
    to: Sequence[str],
    subject: str,
    text: str,
    html: str = "",
    from_email: str | None = None,
    reply_to: Sequence[str] = (),
    cc: Sequence[str] = (),
    headers: dict[str, str] | None = None,
    alternatives: Iterable[tuple[str, str]] = (),
    attachments: Iterable[tuple[str, bytes, str]] = (),
    kind: str = "",
    at: dt.datetime | None = None,
) -> OutgoingEmail | None:
    """Queue an e-mail; it is delivered by a background task once the current transaction
    commits. Returns None (and queues nothing) when there is no recipient."""
    recipients = [address for address in to if address]
    if not recipients:
        return None
    now = at or timezone.now()
    others = [{"content": html, "mimetype": "text/html"}] if html else []
    others += [{"content": content, "mimetype": mimetype} for content, mimetype in alternatives]
    email = OutgoingEmail.objects.create(
        kind=kind[:80],
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        cc=list(cc),
        reply_to=list(reply_to),
        subject=" ".join(subject.split())[:998],
        text_body=text,
        alternatives=others,
        attachments=[
            {"filename": name, "content_base64": base64.b64encode(data).decode("ascii"), "mimetype": mimetype}
            for name, data, mimetype in attachments
        ],
        headers=dict(headers or {}),
        created_at=now,
        next_attempt_at=now,
    )
    _deliver_after_commit(email.pk)
    return email


def email_queue_message(message: EmailMessage, *, kind: str = "") -> OutgoingEmail | None:
    """Queue a message another library built (allauth's sign-in e-mails) instead of sending it."""
    body = message.body if isinstance(message.body, str) else str(message.body)
    alternatives = list(getattr(message, "alternatives", []) or [])
    html = ""
    others = []
    for content, mimetype in alternatives:
        if mimetype == "text/html" and not html:
            html = str(content)
        else:
            others.append((str(content), mimetype))
    if message.content_subtype == "html":
        body, html = "", body
    return email_queue(
        to=list(message.to),
        cc=list(message.cc),
        reply_to=list(message.reply_to),
        subject=str(message.subject),
        text=body,
        html=html,
        alternatives=others,
        from_email=message.from_email,
        headers={str(k): str(v) for k, v in (message.extra_headers or {}).items()},
        kind=kind,
    )


def _deliver_after_commit(email_id: int) -> None:
    from bluelamp.notifications.tasks import deliver_email

    def enqueue() -> None:
        try:
            deliver_email.enqueue(email_id)
        except Exception:  # noqa: BLE001 - the queue being down must not fail the action
            # The frequent job picks it up (it is queued and due): nothing is lost.
            logger.exception("Could not enqueue delivery of e-mail %s; it will be retried", email_id)

    transaction.on_commit(enqueue)


def _message(email: OutgoingEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text_body,
        from_email=email.from_email,
        to=email.to,
        cc=email.cc,
        reply_to=email.reply_to,
        headers=email.headers,
    )
    for alternative in email.alternatives:
        message.attach_alternative(alternative["content"], alternative["mimetype"])
    for attachment in email.attachments:
        message.attach(
            attachment["filename"], base64.b64decode(attachment["content_base64"]), attachment["mimetype"]
        )
    return message


def _permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def _describe(error: Exception) -> str:
    # The exception's own words (an SMTP reply or a socket error): no setting or password is in them.
    return f"{type(error).__name__}: {error}"[:500]


def email_deliver(email_id: int, *, at: dt.datetime | None = None) -> str:
    """Try to send one queued e-mail. Returns its status afterwards ("sent", "queued", "refused",
    or "gone" if it no longer exists). Safe to run twice at once: one of them sends it."""
    with transaction.atomic():
        email = (
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=OutgoingEmail.Status.QUEUED)
            .first()
        )
        if email is None:
            current = OutgoingEmail.objects.filter(pk=email_id).values_list("status", flat=True).first()
            return current or "gone"
        now = at or timezone.now()
        try:
            _message(email).send()
        except Exception as error:  # noqa: BLE001 - every failure is recorded, none is lost
            email.attempts += 1
            email.last_error = _describe(error)
            if _permanent(error):
                email.status = OutgoingEmail.Status.REFUSED
                logger.warning("E-mail %s (%s) was refused: %s", email.uuid, email.kind, email.last_error)
            else:
                wait = BACKOFF_MINUTES[min(email.attempts, len(BACKOFF_MINUTES)) - 1]
                email.next_attempt_at = now + dt.timedelta(minutes=wait)
                logger.warning(
                    "E-mail %s (%s) not sent, attempt %s; next try in %s min: %s",
                    email.uuid,
                    email.kind,
                    email.attempts,
                    wait,
                    email.last_error,
                )
        else:
            email.attempts += 1
            email.status = OutgoingEmail.Status.SENT
            email.sent_at = now
            email.last_error = ""
        email.save(update_fields=["attempts", "last_error", "status", "next_attempt_at", "sent_at"])
        return email.status


def emails_due(*, at: dt.datetime | None = None) -> list[int]:
    """Queued e-mails whose next attempt is due (the frequent job retries them)."""
    now = at or timezone.now()
    return list(
        OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:1000]
    )


def emails_forget_delivered(*, at: dt.datetime | None = None) -> int:
    """Delete e-mails delivered (or refused) more than RETENTION_DAYS ago: they hold personal data."""
    cutoff = (at or timezone.now()) - dt.timedelta(days=OutgoingEmail.RETENTION_DAYS)
    old = OutgoingEmail.objects.exclude(status=OutgoingEmail.Status.QUEUED).filter(created_at__lt=cutoff)
    deleted, _ = old.delete()
    return deleted
