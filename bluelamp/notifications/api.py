"""What other domains may use of notifications: queue an e-mail (rendered from the one e-mail
layout), and the record of what was sent; declare their kinds of notification (from their
AppConfig.ready()) and notify people, in the app and by e-mail as each person chose."""

from bluelamp.notifications.kinds import NotificationKind, notification_kinds, register_notification_kind
from bluelamp.notifications.models import Notification, OutgoingEmail
from bluelamp.notifications.selectors import unread_count
from bluelamp.notifications.services import (
    Notice,
    email_queue,
    email_queue_each,
    email_queue_message,
    email_render,
    notify,
    notify_many,
)

__all__ = [
    "Notice",
    "Notification",
    "NotificationKind",
    "OutgoingEmail",
    "email_queue",
    "email_queue_each",
    "email_queue_message",
    "email_render",
    "notification_kinds",
    "notify",
    "notify_many",
    "register_notification_kind",
    "unread_count",
]
