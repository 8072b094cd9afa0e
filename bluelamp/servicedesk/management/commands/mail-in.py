"""bluelamp mail-in < message.eml

Reads one RFC 822 message on standard input and makes it a new ticket or a reply on the ticket
whose reference it quotes (see bluelamp.servicedesk.inbound.services). Meant as an MTA pipe command, so
it prints exactly one line and exits with a status the MTA understands (sysexits.h):

    0   "created BL-2026-000123", "updated BL-2026-000123", or "ignored: <why>" for an
        auto-reply, bounce or list mail (dropped on purpose: refusing them would start a loop)
    65  the message is unusable (empty, unparseable, no From address, over the size limit):
        the reason is on stderr and the MTA bounces the message to its sender
    75  a temporary failure (the database is unavailable, or a bug): the MTA keeps the message
        and retries
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from bluelamp.servicedesk.inbound.services import (
    EX_TEMPFAIL,
    MailRejected,
    describe_failure,
    mail_receive,
    max_message_bytes,
)


class Command(BaseCommand):
    help = "Make one e-mail (RFC 822, on stdin) a new service-desk ticket or a reply on one."
    # Quiet and quick for the MTA: no system-check warnings on stderr.
    requires_system_checks = []
    # For tests: call_command("mail-in", stdin=io.BytesIO(...)).
    stealth_options = ("stdin",)

    def handle(self, *args, **options):
        stream = options.get("stdin") or sys.stdin.buffer
        raw = stream.read(max_message_bytes() + 1)
        try:
            outcome = mail_receive(raw)
        except MailRejected as exc:
            raise CommandError(f"mail-in: {exc.reason}", returncode=exc.exit_code) from None
        except DatabaseError as exc:
            raise CommandError(
                f"mail-in: the database is unavailable ({type(exc).__name__}); try again later",
                returncode=EX_TEMPFAIL,
            ) from None
        except Exception as exc:
            # A bug, not the sender's fault: keep the message queued rather than bounce it, and
            # say where it failed without the exception's text (it might quote the e-mail).
            raise CommandError(
                f"mail-in: unexpected error, try again later: {describe_failure(exc)}", returncode=EX_TEMPFAIL
            ) from None
        self.stdout.write(str(outcome))
