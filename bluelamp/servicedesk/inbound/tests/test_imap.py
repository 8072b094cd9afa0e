"""The IMAP poller against a real IMAP server: pymap (in-memory backend) on 127.0.0.1, run as a
separate process for this module. Each test has its own mailbox."""

import imaplib
import io
import logging
import socket
import subprocess
import sys
import time
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bluelamp.servicedesk.api import mail_poll
from bluelamp.servicedesk.inbound.mailbox import ImapSettings, MailboxError, mailbox_poll
from bluelamp.servicedesk.inbound.tests.messages import eml
from bluelamp.servicedesk.tickets.models import Ticket
from bluelamp.servicedesk.tickets.services import ticket_create

USER = "desk"
PASSWORD = "imap-Secret-Password-123"  # must never appear in a log or an error


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def imap_server():
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pymap.main import main; sys.exit(main())",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-tls",
            "dict",
            "--demo-user",
            USER,
            "--demo-password",
            PASSWORD,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the pymap IMAP server did not start")
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def mailbox(imap_server, settings):
    """A fresh mailbox on the server, and the desk's settings pointing at it."""
    name = f"Desk-{uuid.uuid4().hex[:8]}"
    client = imaplib.IMAP4("127.0.0.1", imap_server, timeout=10)
    client.login(USER, PASSWORD)
    assert client.create(name)[0] == "OK"
    settings.SERVICEDESK_IMAP_HOST = "127.0.0.1"
    settings.SERVICEDESK_IMAP_PORT = imap_server
    settings.SERVICEDESK_IMAP_USER = USER
    settings.SERVICEDESK_IMAP_PASSWORD = PASSWORD
    settings.SERVICEDESK_IMAP_MAILBOX = name
    settings.SERVICEDESK_IMAP_SSL = False
    settings.SERVICEDESK_IMAP_PROCESSED_MAILBOX = ""
    try:
        yield Mailbox(client, name)
    finally:
        client.logout()


class Mailbox:
    def __init__(self, client: imaplib.IMAP4, name: str):
        self.client, self.name = client, name

    def deliver(self, raw: bytes, flags: str | None = None) -> None:
        assert self.client.append(self.name, flags, None, raw)[0] == "OK"

    def search(self, criterion: str, mailbox: str | None = None) -> list[bytes]:
        self.client.select(mailbox or self.name, readonly=True)
        return self.client.uid("SEARCH", criterion)[1][0].split()

    def subjects(self, criterion: str, mailbox: str | None = None) -> list[str]:
        subjects = []
        for uid in self.search(criterion, mailbox):
            data = self.client.uid("FETCH", uid.decode(), "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")[1]
            subjects.append(data[0][1].decode().split(":", 1)[1].strip())
        return sorted(subjects)


def test_poll_processes_unseen_mail_and_leaves_failures_unseen(mailbox, bob, caplog):
    ticket = ticket_create(actor=bob, type="incident", subject="Locked out", description="Help")
    mailbox.deliver(eml(subject="New problem", body="NEW-CONTENT"))
    mailbox.deliver(eml(subject=f"Re: [{ticket.reference}] Locked out", body="REPLY-CONTENT"))
    mailbox.deliver(eml(subject="Out of office", headers={"Auto-Submitted": "auto-replied"}))
    mailbox.deliver(eml(sender=None, subject="BROKEN-SUBJECT", body="BROKEN-CONTENT"))
    # Already seen: not the poller's business.
    mailbox.deliver(eml(subject="Read by a person"), flags=r"(\Seen)")

    with caplog.at_level(logging.INFO, logger="bluelamp.servicedesk"):
        result = mailbox_poll()

    assert result.as_dict() == {"processed": 3, "failed": 1, "created": 1, "updated": 1, "ignored": 1}
    assert str(result) == "3 processed (1 created, 1 updated, 1 ignored), 1 left unseen"
    assert Ticket.objects.count() == 2
    assert Ticket.objects.get(subject="New problem").channel == "email"
    assert ticket.events.get(kind="customer_reply").body == "REPLY-CONTENT"
    # The failure stays unseen for the next poll or a person; the rest are seen.
    assert mailbox.subjects("UNSEEN") == ["BROKEN-SUBJECT"]
    assert mailbox.subjects("SEEN") == [
        "New problem",
        "Out of office",
        "Re: [" + ticket.reference + "] Locked out",
        "Read by a person",
    ]
    # Logged by UID and reason; never the content, never the password.
    failure = next(r for r in caplog.records if r.levelno == logging.WARNING)
    assert "left unseen: the message has no From address" in failure.getMessage()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (PASSWORD, "BROKEN-CONTENT", "BROKEN-SUBJECT", "NEW-CONTENT", "REPLY-CONTENT"):
        assert secret not in logged

    # The next poll finds only the failure again, and changes nothing.
    again = mailbox_poll()
    assert (again.processed, again.failed) == (0, 1) and Ticket.objects.count() == 2


def test_processed_messages_can_be_moved_to_a_folder(mailbox, db, settings):
    settings.SERVICEDESK_IMAP_PROCESSED_MAILBOX = f"{mailbox.name}-Processed"
    mailbox.deliver(eml(sender="pat@example.org", subject="Question one"))
    mailbox.deliver(eml(sender="pat@example.org", subject="Question two"))
    out = io.StringIO()
    call_command("mail-poll", stdout=out)
    assert out.getvalue() == "mail-poll: 2 processed (2 created, 0 updated, 0 ignored), 0 left unseen\n"
    assert mailbox.search("ALL") == []
    assert mailbox.subjects("SEEN", settings.SERVICEDESK_IMAP_PROCESSED_MAILBOX) == [
        "Question one",
        "Question two",
    ]


def test_limit_and_the_task(mailbox, db):
    for n in range(3):
        mailbox.deliver(eml(sender="pat@example.org", subject=f"Question {n}"))
    assert mailbox_poll(limit=2).processed == 2
    # The Tasks API task runs one poll (the test settings use the immediate backend).
    result = mail_poll.enqueue()
    assert result.return_value == {"processed": 1, "failed": 0, "created": 1}
    assert Ticket.objects.count() == 3


def test_a_wrong_password_is_refused_without_echoing_it(mailbox, db, settings, caplog):
    settings.SERVICEDESK_IMAP_PASSWORD = "wrong-" + PASSWORD
    with pytest.raises(CommandError) as error:
        call_command("mail-poll")
    assert str(error.value) == f"mail-poll: the IMAP server refused the sign-in as {USER}"
    assert PASSWORD not in str(error.value) and PASSWORD not in caplog.text


def test_unreachable_server_and_missing_settings_are_clear(db, settings):
    settings.SERVICEDESK_IMAP_HOST = ""
    with pytest.raises(CommandError, match="SERVICEDESK_IMAP_HOST is not set"):
        call_command("mail-poll")
    config = ImapSettings(host="127.0.0.1", port=_free_port(), user=USER, password=PASSWORD, ssl=False)
    with pytest.raises(MailboxError, match=r"cannot connect to the IMAP server 127\.0\.0\.1:\d+") as error:
        mailbox_poll(config)
    assert PASSWORD not in str(error.value) and PASSWORD not in repr(config)
