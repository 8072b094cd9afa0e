"""Licence expiry reminders to key contacts, 90, 30 and 7 days before a licence ends."""

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.core.timefmt import format_date
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
        days = reminder_due((licence.ends_on - today).days)
        if days is None:
            continue
        cover = licence_status(organisation=licence.organisation, type=licence.type, on=today)
        if cover.open_ended or (cover.valid_until and cover.valid_until > licence.ends_on):
            continue  # already renewed: a reminder would be noise
        contacts = list(licence.contacts.values_list("name", "email"))
        try:
            with transaction.atomic():
                LicenceReminder.objects.create(
                    licence=licence,
                    days_before=days,
                    ends_on=licence.ends_on,
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
                transaction.on_commit(
                    lambda licence=licence, days=days, contacts=contacts: _send(licence, days, contacts)
                )
        except IntegrityError:
            continue  # another run already sent this one
        sent += 1
    return sent


def _send(licence: Licence, days: int, contacts: list[tuple[str, str]]) -> None:
    if not contacts:
        return
    subject = (
        f"{licence.get_type_display()} for {licence.organisation.name} ends on {format_date(licence.ends_on)}"
    )
    body = (
        f"Dear key contact,\n\n"
        f"Licence {licence.reference} ({licence.get_type_display()}) held by {licence.organisation.name} "
        f"ends on {format_date(licence.ends_on)}, in {days} days or fewer.\n\n"
        "When it ends, the access it grants stops: "
        + (
            "the organisation's own domain, administrators and content become unavailable"
            if licence.type == "PL-P-101"
            else "national learning content is no longer available to its people"
        )
        + ". No one's records are deleted.\n\n"
        "To renew, contact the national body's licensing team.\n\n"
        f"You can check the licence at any time: {settings.SITE_URL}/licence-check/"
        f"?organisation={licence.organisation.slug}&type={licence.type}\n"
    )
    send_mail(subject, body, None, [email for _, email in contacts])
