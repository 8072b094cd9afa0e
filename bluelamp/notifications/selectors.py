"""Reading a person's notifications and their e-mail choices. A person sees only their own:
`access_notification` answers "not found" alike for a notification that does not exist and for
one that is someone else's."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from bluelamp.notifications.kinds import NotificationKind, notification_kinds
from bluelamp.notifications.models import EmailPreference, Notification


def notifications_for(person) -> QuerySet[Notification]:
    """The person's notifications, newest first."""
    return Notification.objects.filter(person=person).order_by("-created_at", "-pk")


def unread_count(person) -> int:
    return Notification.objects.filter(person=person, read_at__isnull=True).count()


def access_notification(person, notification_uuid) -> Notification:
    """The person's own notification; 404 for another's, exactly as for one that does not exist."""
    notification = Notification.objects.filter(uuid=notification_uuid, person=person).first()
    if notification is None:
        raise Http404("No such notification")
    return notification


@dataclass(frozen=True)
class KindChoice:
    """A registered kind, and whether the person gets its e-mail (always, for a mandatory one)."""

    kind: NotificationKind
    email_enabled: bool


def email_choices(person) -> list[KindChoice]:
    """Every registered kind, by label, with the person's choice (e-mail on unless turned off)."""
    declined = set(
        EmailPreference.objects.filter(person=person, email_enabled=False).values_list("kind", flat=True)
    )
    return [
        KindChoice(kind=kind, email_enabled=not (kind.email_optional and kind.key in declined))
        for kind in notification_kinds()
    ]


def email_wanted(person, kind: NotificationKind) -> bool:
    """Whether `notify` e-mails `person` a notification of `kind` (given they have an address)."""
    if not kind.email_optional:
        return True
    return not EmailPreference.objects.filter(person=person, kind=kind.key, email_enabled=False).exists()
