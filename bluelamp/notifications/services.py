"""Queueing e-mail, and delivering it; notifying people (in the app, and by e-mail).

`email_queue` (or `email_queue_message` for a message someone else built, e.g. allauth's) stores
the message in the caller's transaction and asks for delivery only after it commits: a
rolled-back action sends nothing, and a committed one's message is on record before anyone tries
to send it. Delivery (`email_deliver`, run by the `deliver_email` task) sends it once; a failure
the server may get over (connection refused, 4xx, timeouts) leaves it queued for a later attempt
(`emails_due` / the frequent `retry_undelivered_emails` job), with backoff and no limit; a
refusal the server will repeat (every recipient refused, a 5xx answer) marks it refused, logged.

`notify` (or `notify_many`, for a job's batch) records a notification the person sees on their
notifications page and queues its e-mail the same way, unless the kind's e-mail is one they may
turn off and they have (bluelamp/notifications/kinds.py says which kinds those are, and why).
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import smtplib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from bluelamp.notifications.kinds import NotificationKind, notification_kind, notification_kinds
from bluelamp.notifications.models import EmailPreference, Notification, OutgoingEmail

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


def email_queue_each(to_each: Sequence[str], **message) -> int:
    """Queue one copy of the message to each address, each its only recipient (a notice to every
    licence's key contact: no one sees another's address), all or none; how many."""
    with transaction.atomic():
        for address in to_each:
            email_queue(to=[address], **message)
    return len(to_each)


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


def _message_id(email: OutgoingEmail) -> str:
    """The message's own Message-ID, the same at every attempt: a copy sent again (a worker
    killed after the mail server took the message, before the database heard) is the same
    message to the mail systems and clients that drop a repeated Message-ID, not a second one."""
    domain = email.from_email.rsplit("@", 1)[-1].strip(" >") or "bluelamp.invalid"
    return f"<{email.uuid}@{domain}>"


def _message(email: OutgoingEmail) -> EmailMultiAlternatives:
    headers = dict(email.headers)
    if not any(name.lower() == "message-id" for name in headers):
        headers["Message-ID"] = _message_id(email)
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text_body,
        from_email=email.from_email,
        to=email.to,
        cc=email.cc,
        reply_to=email.reply_to,
        headers=headers,
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
    or "gone" if it no longer exists). Safe to run twice, even at once: one of them sends it (the
    row is locked while it is sent, and marked sent in the same transaction). Only a process killed
    between the mail server's acceptance and that commit leaves it queued, to be sent again: with
    the same Message-ID (`_message_id`)."""
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


# --- notifications -------------------------------------------------------------------------------

# The plain e-mail of a notification whose caller gave no template of its own.
DEFAULT_EMAIL_TEMPLATE = "notifications/email/notification"
# Rows per statement: well under SQLite's limit on query parameters, and PostgreSQL's.
_BATCH = 500


@dataclass(frozen=True)
class Notice:
    """One notification of a batch for `notify_many`; the arguments of `notify`, as a value."""

    person: Any
    kind: str
    subject: str
    body: str
    link: str = ""
    email_template: str | None = None
    email_context: dict[str, Any] | None = None
    dedupe_key: str | None = None


def notify(
    *,
    person,
    kind: str,
    subject: str,
    body: str,
    link: str = "",
    email_template: str | None = None,
    email_context: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
    at: dt.datetime | None = None,
) -> Notification | None:
    """Tell `person` something: a notification on their page, and its e-mail (queued, sent after
    the caller's transaction commits) unless the kind's e-mail is optional and they turned it off.

    `kind` is a registered kind's key; `link` a path on this site ("/learning/..."), which the
    e-mail gives in full; `email_template` names a pair of templates (`<name>.txt` and optionally
    `.html`, extending notifications/email/layout.*) rendered with `email_context` plus
    `subject`, `body`, `link_url`, `notification`, `person`, `email_optional`, `preferences_url`;
    without one, a plain e-mail of the subject, body and link. With a `dedupe_key` this person
    already has a notification for, nothing is done and None is returned: a job may run twice.
    A bad kind, subject or link raises ValidationError naming the field and the value.
    """
    notice = Notice(
        person=person,
        kind=kind,
        subject=subject,
        body=body,
        link=link,
        email_template=email_template,
        email_context=email_context,
        dedupe_key=dedupe_key,
    )
    created = notify_many([notice], at=at)
    return created[0] if created else None


def notify_many(notices: Iterable[Notice], *, at: dt.datetime | None = None) -> list[Notification]:
    """`notify` for each of `notices`, in a few statements however many there are (a nightly job
    may tell thousands): returns the notifications made, in order, leaving out each whose
    `dedupe_key` its person already had (or that came twice in the batch). Each e-mail is still
    rendered and queued on its own. All or nothing: one invalid notice and none is recorded."""
    now = at or timezone.now()
    batch: list[tuple[Notice, NotificationKind, Notification]] = []
    seen: set[tuple[int, str]] = set()
    for notice in notices:
        kind = _kind(notice.kind)
        dedupe_key = notice.dedupe_key or None
        if dedupe_key is not None:
            if (notice.person.pk, dedupe_key) in seen:
                continue
            seen.add((notice.person.pk, dedupe_key))
        notification = Notification(
            person=notice.person,
            kind=notice.kind,
            subject=" ".join(notice.subject.split()),
            body=notice.body.strip(),
            link=notice.link,
            dedupe_key=dedupe_key,
            created_at=now,
        )
        _validate(notification)
        batch.append((notice, kind, notification))
    if not batch:
        return []

    with transaction.atomic():
        # A notification whose (person, dedupe_key) is taken is skipped by the database itself,
        # so two runs at once cannot both send it; the uuids made here say which rows went in.
        Notification.objects.bulk_create([n for _, _, n in batch], batch_size=_BATCH, ignore_conflicts=True)
        inserted: dict[Any, int] = {}
        for chunk in _chunks([n.uuid for _, _, n in batch]):
            inserted.update(Notification.objects.filter(uuid__in=chunk).values_list("uuid", "pk"))
        made = []
        for notice, kind, notification in batch:
            if notification.uuid in inserted:
                notification.pk = inserted[notification.uuid]
                made.append((notice, kind, notification))
        declined = _emails_declined(
            [(n.person_id, n.kind) for _, kind, n in made if kind.email_optional and _reachable(n.person)]
        )
        for notice, kind, notification in made:
            if not _reachable(notification.person):
                continue
            if kind.email_optional and (notification.person_id, notification.kind) in declined:
                continue
            _queue_email(notice, kind, notification, at=now)
    return [notification for _, _, notification in made]


def _kind(key: str) -> NotificationKind:
    try:
        return notification_kind(key)
    except ValueError as unknown:
        raise ValidationError({"kind": str(unknown)}) from None


def _validate(notification: Notification) -> None:
    link = notification.link
    if link and not (
        link.startswith("/")
        and not link.startswith("//")
        and "\\" not in link
        and url_has_allowed_host_and_scheme(link, allowed_hosts=None)
    ):
        raise ValidationError(
            {
                "link": f"Link {link!r}: give a path on this site, starting with a single '/', e.g. '/learning/'"
            }
        )
    # The person is the caller's instance: checking it exists would cost a query per notification.
    notification.clean_fields(exclude=["person"])


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), _BATCH):
        yield items[start : start + _BATCH]


def _reachable(person) -> bool:
    # A deactivated account (a leaver) cannot sign in to follow the e-mail: the page keeps it.
    return bool(getattr(person, "email", "")) and getattr(person, "is_active", True)


def _emails_declined(wanted: list[tuple[int, str]]) -> set[tuple[int, str]]:
    """Of (person id, kind) pairs, those whose person turned that kind's e-mail off."""
    declined: set[tuple[int, str]] = set()
    kinds = sorted({kind for _, kind in wanted})
    people = sorted({person_id for person_id, _ in wanted})
    for chunk in _chunks(people):
        declined.update(
            EmailPreference.objects.filter(
                person_id__in=chunk, kind__in=kinds, email_enabled=False
            ).values_list("person_id", "kind")
        )
    return declined


def _site_url(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _queue_email(
    notice: Notice, kind: NotificationKind, notification: Notification, *, at: dt.datetime
) -> None:
    context = {
        "subject": notification.subject,
        "body": notification.body,
        "link_url": _site_url(notification.link) if notification.link else "",
        "notification": notification,
        "person": notification.person,
        "email_optional": kind.email_optional,
        "preferences_url": _site_url(reverse("notifications:preferences")),
        **(notice.email_context or {}),
    }
    text, html = email_render(notice.email_template or DEFAULT_EMAIL_TEMPLATE, context)
    email_queue(
        to=[notification.person.email],
        subject=notification.subject,
        text=text,
        html=html,
        kind=kind.key,
        at=at,
    )


def notification_mark_read(*, notification: Notification, at: dt.datetime | None = None) -> None:
    """Mark one notification read (the first time it is opened; later openings change nothing)."""
    if notification.read_at is not None:
        return
    now = at or timezone.now()
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
    notification.read_at = now


def notifications_mark_all_read(*, person, at: dt.datetime | None = None) -> int:
    """Mark every unread notification of `person` read; returns how many there were."""
    return Notification.objects.filter(person=person, read_at__isnull=True).update(
        read_at=at or timezone.now()
    )


def email_preferences_save(*, person, email_kinds: Collection[str], at: dt.datetime | None = None) -> None:
    """Record which of the kinds whose e-mail is optional `person` wants by e-mail: those in
    `email_kinds`, and none of the others. Kinds always e-mailed are not theirs to choose."""
    optional = [kind.key for kind in notification_kinds() if kind.email_optional]
    unknown = sorted(set(email_kinds) - {kind.key for kind in notification_kinds()})
    if unknown:
        raise ValidationError(
            {
                "email_kinds": f"Unknown kinds of notification: {', '.join(unknown)}. Choose from: {', '.join(optional)}"
            }
        )
    now = at or timezone.now()
    EmailPreference.objects.bulk_create(
        [
            EmailPreference(person=person, kind=key, email_enabled=key in email_kinds, updated_at=now)
            for key in optional
        ],
        update_conflicts=True,
        unique_fields=["person", "kind"],
        update_fields=["email_enabled", "updated_at"],
    )


def notifications_forget_read(*, at: dt.datetime | None = None) -> int:
    """Delete notifications read and sent more than RETENTION_DAYS ago: they hold personal data."""
    cutoff = (at or timezone.now()) - dt.timedelta(days=Notification.RETENTION_DAYS)
    deleted, _ = Notification.objects.filter(read_at__isnull=False, created_at__lt=cutoff).delete()
    return deleted
