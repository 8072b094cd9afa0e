"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1), in one place.

`smtp` points the site's e-mail settings at a free port where nothing listens until
`smtp.start()` (an outage, then recovery); `smtp_inbox` is a server already running. Import the
fixture you use into the test module: `from bluelamp.notifications.tests.smtp import smtp_inbox`.
"""

import socket
import time
from email import policy
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope


def _parsed(envelope: Envelope):
    content = envelope.content
    assert isinstance(content, bytes)  # aiosmtpd keeps the bytes unless told to decode them
    return BytesParser(policy=policy.default).parsebytes(content)


class Inbox:
    """An aiosmtpd handler that keeps what it is sent (or refuses every recipient)."""

    def __init__(self, *, refuse: bool = False) -> None:
        self.envelopes: list[Envelope] = []
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self):
        """(recipients, parsed message) for each message received, in order."""
        return [(envelope.rcpt_tos, _parsed(envelope)) for envelope in self.envelopes]

    def wait_for(self, recipient: str, subject_part: str, timeout: float = 10.0):
        """The message to `recipient` whose subject holds `subject_part` (polling: a live server
        delivers from another thread)."""
        deadline = time.monotonic() + timeout
        while True:
            for envelope in list(self.envelopes):
                message = _parsed(envelope)
                if recipient in envelope.rcpt_tos and subject_part in message["Subject"]:
                    return envelope, message
            if time.monotonic() > deadline:
                raise AssertionError(f"no e-mail to {recipient} about {subject_part!r}")
            time.sleep(0.05)


class SmtpServer:
    """The test SMTP server on its port: started and stopped at will."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.controller: Controller | None = None

    def start(self, inbox: Inbox | None = None) -> Inbox:
        inbox = inbox or Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=self.port)
        controller.start()
        self.controller = controller
        return inbox

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _point_settings_at(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5


@pytest.fixture
def smtp(settings):
    """An SMTP server that is down until `start()`."""
    server = SmtpServer(free_port())
    _point_settings_at(settings, server.port)
    yield server
    server.stop()


@pytest.fixture
def smtp_inbox(smtp):
    """An SMTP server that is up: what it receives."""
    return smtp.start()
