"""What other domains may use of notifications: queue an e-mail (rendered from the one e-mail
layout), and the record of what was sent."""

from bluelamp.notifications.models import OutgoingEmail
from bluelamp.notifications.services import email_queue, email_queue_message, email_render

__all__ = ["OutgoingEmail", "email_queue", "email_queue_message", "email_render"]
