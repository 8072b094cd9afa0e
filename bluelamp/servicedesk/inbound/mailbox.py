"""The IMAP poller: each unseen message in the desk's mailbox goes through `mail_receive`, as if
the MTA had piped it to `bluelamp mail-in`.

A message that became a ticket or a reply, or was ignored as an auto-reply or bounce, is marked
seen (or moved to SERVICEDESK_IMAP_PROCESSED_MAILBOX). One that fails is left unseen, for the
next poll or a person, and logged by UID and reason only: never its content, never the password.
Messages are fetched with BODY.PEEK so that reading one does not mark it seen.

Settings: SERVICEDESK_IMAP_HOST, _PORT, _USER, _PASSWORD (or _PASSWORD_FILE), _MAILBOX, _SSL
(implicit TLS; without it STARTTLS is used whenever the server offers it) and
_PROCESSED_MAILBOX.
"""

from __future__ import annotations

import imaplib
import logging
import re
import ssl
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from bluelamp.servicedesk.inbound.services import (
    MailRejected,
    describe_failure,
    mail_receive,
    max_message_bytes,
)

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 60
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


class MailboxError(Exception):
    """The mailbox could not be read (connection, sign-in, mailbox). Says nothing secret."""


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    user: str
    password: str = field(repr=False)
    mailbox: str = "INBOX"
    ssl: bool = True
    processed_mailbox: str = ""

    @classmethod
    def from_settings(cls) -> ImapSettings:
        if not settings.SERVICEDESK_IMAP_HOST:
            raise ImproperlyConfigured("SERVICEDESK_IMAP_HOST is not set: there is no mailbox to poll.")
        if not settings.SERVICEDESK_IMAP_USER:
            raise ImproperlyConfigured("SERVICEDESK_IMAP_USER is not set.")
        return cls(
            host=settings.SERVICEDESK_IMAP_HOST,
            port=settings.SERVICEDESK_IMAP_PORT,
            user=settings.SERVICEDESK_IMAP_USER,
            password=settings.SERVICEDESK_IMAP_PASSWORD or "",
            mailbox=settings.SERVICEDESK_IMAP_MAILBOX or "INBOX",
            ssl=settings.SERVICEDESK_IMAP_SSL,
            processed_mailbox=settings.SERVICEDESK_IMAP_PROCESSED_MAILBOX,
        )


@dataclass
class PollResult:
    outcomes: Counter = field(default_factory=Counter)  # created / updated / ignored
    failed: int = 0

    @property
    def processed(self) -> int:
        return sum(self.outcomes.values())

    def __str__(self) -> str:
        done = ", ".join(f"{self.outcomes[k]} {k}" for k in ("created", "updated", "ignored"))
        return f"{self.processed} processed ({done}), {self.failed} left unseen"

    def as_dict(self) -> dict:
        return {"processed": self.processed, "failed": self.failed, **dict(self.outcomes)}


def _quote(mailbox: str) -> str:
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _ok(response, what: str):
    typ, data = response
    if typ != "OK":
        raise MailboxError(f"the IMAP server refused {what}")
    return data


def _connect(config: ImapSettings) -> imaplib.IMAP4:
    conn: imaplib.IMAP4
    try:
        if config.ssl:
            conn = imaplib.IMAP4_SSL(
                config.host, config.port, ssl_context=ssl.create_default_context(), timeout=TIMEOUT_SECONDS
            )
        else:
            conn = imaplib.IMAP4(config.host, config.port, timeout=TIMEOUT_SECONDS)
            if "STARTTLS" in conn.capabilities:
                conn.starttls(ssl_context=ssl.create_default_context())
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailboxError(
            f"cannot connect to the IMAP server {config.host}:{config.port} ({type(exc).__name__})"
        ) from None
    try:
        conn.login(config.user, config.password)
    except imaplib.IMAP4.error:
        _logout(conn)
        raise MailboxError(f"the IMAP server refused the sign-in as {config.user}") from None
    return conn


def _logout(conn: imaplib.IMAP4) -> None:
    try:
        conn.logout()
    except (OSError, imaplib.IMAP4.error):
        pass


def _size(conn: imaplib.IMAP4, uid: str) -> int:
    data = _ok(conn.uid("FETCH", uid, "(RFC822.SIZE)"), "reading a message's size")
    match = _SIZE.search(b" ".join(d if isinstance(d, bytes) else d[0] for d in data if d))
    return int(match.group(1)) if match else 0


def _fetch(conn: imaplib.IMAP4, uid: str) -> bytes:
    data = _ok(conn.uid("FETCH", uid, "(BODY.PEEK[])"), "reading a message")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1]
    raise MailboxError(f"the IMAP server sent no message for UID {uid}")


def _mark_done(conn: imaplib.IMAP4, uid: str, processed_mailbox: str) -> None:
    if not processed_mailbox:
        _ok(conn.uid("STORE", uid, "+FLAGS", r"(\Seen)"), "marking a message seen")
        return
    _ok(conn.uid("STORE", uid, "+FLAGS", r"(\Seen)"), "marking a message seen")
    if "MOVE" in conn.capabilities:
        _ok(conn.uid("MOVE", uid, _quote(processed_mailbox)), f"moving a message to {processed_mailbox}")
        return
    _ok(conn.uid("COPY", uid, _quote(processed_mailbox)), f"copying a message to {processed_mailbox}")
    _ok(conn.uid("STORE", uid, "+FLAGS", r"(\Deleted)"), "deleting a copied message")
    if "UIDPLUS" in conn.capabilities:
        _ok(conn.uid("EXPUNGE", uid), "expunging a copied message")
    else:
        _ok(conn.expunge(), "expunging copied messages")


def mailbox_poll(config: ImapSettings | None = None, *, limit: int | None = None) -> PollResult:
    """Process the unseen messages in the mailbox (at most `limit`), oldest first."""
    config = config or ImapSettings.from_settings()
    result = PollResult()
    conn = _connect(config)
    try:
        _ok(conn.select(_quote(config.mailbox)), f"opening the mailbox {config.mailbox}")
        if config.processed_mailbox:
            conn.create(_quote(config.processed_mailbox))  # "already exists" is fine
        data = _ok(conn.uid("SEARCH", "UNSEEN"), "searching for unseen messages")
        # UIDs are ASCII digits; imaplib encodes them back as it sends them.
        uids = b" ".join(d for d in data if d).decode().split()
        max_bytes = max_message_bytes()
        for uid in uids[:limit] if limit else uids:
            try:
                if _size(conn, uid) > max_bytes:
                    raise MailRejected(f"the message is larger than {max_bytes // (1024 * 1024)} MB")
                outcome = mail_receive(_fetch(conn, uid))
            except MailRejected as exc:
                result.failed += 1
                logger.warning("mail-poll: message UID %s left unseen: %s", uid, exc.reason)
                continue
            except MailboxError:
                raise
            except Exception as exc:
                result.failed += 1
                logger.error("mail-poll: message UID %s left unseen: %s", uid, describe_failure(exc))
                continue
            _mark_done(conn, uid, config.processed_mailbox)
            result.outcomes[outcome.action] += 1
            logger.info("mail-poll: message UID %s %s", uid, outcome)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailboxError(f"the IMAP connection failed ({type(exc).__name__})") from None
    finally:
        _logout(conn)
    return result
