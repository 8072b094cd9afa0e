"""bluelamp mail-poll [--limit N]

Reads the unseen messages in the service desk's IMAP mailbox (SERVICEDESK_IMAP_* settings) and
makes each a ticket or a reply, as `bluelamp mail-in` does; see bluelamp.servicedesk.inbound.mailbox.
Prints one summary line ("3 processed (2 created, 1 updated, 0 ignored), 0 left unseen"; none
with -v 0, for cron). Exits 1 when the mailbox cannot be read or is not configured; messages that
fail are left unseen and logged (UID and reason only), and do not change the exit status.
"""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from bluelamp.servicedesk.inbound.mailbox import MailboxError, mailbox_poll


class Command(BaseCommand):
    help = "Make each unseen e-mail in the service desk's IMAP mailbox a ticket or a reply."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="process at most this many messages")

    def handle(self, *args, limit=None, verbosity=1, **options):
        if limit is not None and limit < 1:
            raise CommandError(f"--limit {limit} must be 1 or more.")
        try:
            result = mailbox_poll(limit=limit)
        except (ImproperlyConfigured, MailboxError) as exc:
            raise CommandError(f"mail-poll: {exc}") from None
        if verbosity >= 1:
            self.stdout.write(f"mail-poll: {result}")
