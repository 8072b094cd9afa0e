"""Licence expiry reminders to key contacts, 90, 30 and 7 days before a licence ends.

A reminder's record, its audit entry and its e-mail (queued with bluelamp.notifications, which
delivers it after commit and retries while the mail server is down) are written together or not
at all: a reminder is never recorded as sent without its message, nor sent twice.
"""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.core.timefmt import format_date
from bluelamp.notifications.api import email_queue, email_render
from bluelamp.organisations.licensing import licence_status
from bluelamp.organisations.models import Licence, LicenceReminder

REMINDER_DAYS = (90, 30, 7)


def reminder_due(days_left: int) -> int | None:
    """The reminder that applies with `days_left` to go: the nearest threshold not yet passed.

    A job that missed a day still sends the right reminder, and never an out-of-date one
    (no "90 days" notice with 5 days left).
    """
    if days_left < 0:
        return None
    applicable = [n for n in REMINDER_DAYS if days_left <= n]
    return min(applicable) if applicable else None


def licence_reminders_send(*, on: dt.date | None = None) -> int:
    """Record and send every reminder due today. Safe to run more than once a day."""
    today = on or timezone.localdate()
    horizon = today + dt.timedelta(days=max(REMINDER_DAYS))
    sent = 0
    licences = Licence.objects.filter(
        status=Licence.Status.ACTIVE, ends_on__gte=today, ends_on__lte=horizon
    ).select_related("organisation")
    for licence in licences:
        ends_on = licence.ends_on
        if ends_on is None:  # open-ended: the query finds none, but the field allows it
            continue
        days = reminder_due((ends_on - today).days)
        if days is None:
            continue
        cover = licence_status(organisation=licence.organisation, type=licence.type, on=today)
        if cover.open_ended or (cover.valid_until and cover.valid_until > ends_on):
            continue  # already renewed: a reminder would be noise
        contacts = list(licence.contacts.values_list("name", "email"))
        try:
            with transaction.atomic():
                LicenceReminder.objects.create(
                    licence=licence,
                    days_before=days,
                    ends_on=ends_on,
                    sent_at=timezone.now(),
                    recipients=len(contacts),
                )
                audit_record(
                    actor=None,
                    action="licence.reminder",
                    organisation=licence.organisation,
                    obj=licence,
                    after={"days_before": days, "recipients": len(contacts)},
                )
                _queue(licence, days, contacts)
        except IntegrityError:
            continue  # another run already sent this one
        sent += 1
    return sent


def _queue(licence: Licence, days: int, contacts: list[tuple[str, str]]) -> None:
    if not contacts:
        return
    ends_on = format_date(licence.ends_on)
    subject = f"{licence.get_type_display()} for {licence.organisation.name} ends on {ends_on}"
    check_url = (
        f"{settings.SITE_URL.rstrip('/')}/licence-check/"
        f"?organisation={licence.organisation.slug}&type={licence.type}"
    )
    text, html = email_render(
        "organisations/email/licence_reminder",
        {"subject": subject, "licence": licence, "days": days, "ends_on": ends_on, "check_url": check_url},
    )
    email_queue(
        to=[email for _, email in contacts],
        subject=subject,
        text=text,
        html=html,
        kind="organisations.licence_reminder",
    )
