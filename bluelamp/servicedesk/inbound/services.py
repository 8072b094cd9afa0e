"""Inbound e-mail: one RFC 822 message becomes a new ticket, or a reply on the ticket it answers.

Both channels use `mail_receive`: `bluelamp mail-in` (an MTA pipe, one message on stdin) and the
IMAP poller (`inbound.mailbox`). Everything goes through the ticket services, so the SLA rules, the
audit log and the acknowledgement e-mail (sent after commit) are the web's.

- **Threading.** A reference "[BL-2026-000123]" in the subject (or "BL-2026-000123" in
  In-Reply-To/References) makes the message a reply on that ticket, but only when it comes from
  the ticket's requester (their e-mail address, case-insensitive). The reply resumes a paused
  clock and reopens a ticket resolved within 10 working days (`ticket_customer_reply`). A reply
  to a closed ticket, or to one resolved longer ago, becomes a new ticket that names the old
  reference. Anyone else quoting a reference gets a new ticket of their own; the old ticket is
  neither changed nor revealed (an internal note on the new one tells the desk).
- **New tickets.** Channel e-mail. A sender who is an active person is the requester (their
  organisation's ticket, an incident the desk triages); anyone else sends a public general
  enquiry under their name and address, as on the support page.
- **Loops and bounces are dropped, not refused**: auto-replies (Auto-Submitted other than "no",
  X-Autoreply), bulk and list mail (Precedence bulk/junk/list, List-Id), delivery reports (and
  anything with a null Return-Path), mail from mailer-daemon/postmaster or from the desk's own
  address. Refusing them would make the
  MTA bounce them, and a bounce answering an auto-reply is how mail loops start. They create
  nothing and come back as an "ignored" outcome.
- **Attachments** are checked with the web's rules (`tickets.attachments`); files that fail
  are left off and an internal note names each and says why. The e-mail still becomes a ticket.

Personal data: the message is read, not stored whole; what is kept is what the ticket services
keep (sender's name and address, subject, text, attached files). Nothing here logs message content.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import traceback
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, MIMEPart
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser
from pathlib import PurePath
from typing import Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from bluelamp.people.api import Person
from bluelamp.servicedesk.sla import Impact, Urgency
from bluelamp.servicedesk.tickets.attachments import MAX_FILES, check_upload
from bluelamp.servicedesk.tickets.models import Ticket
from bluelamp.servicedesk.tickets.services import (
    ticket_accepts_customer_reply,
    ticket_add_system_note,
    ticket_create,
    ticket_customer_reply,
)

__all__ = [
    "EX_DATAERR",
    "EX_TEMPFAIL",
    "MailOutcome",
    "MailRejected",
    "describe_failure",
    "html_to_text",
    "mail_receive",
    "max_message_bytes",
    "strip_quoted",
]

logger = logging.getLogger(__name__)

# sysexits.h, as MTAs read a pipe command's status: the message is unusable (the MTA bounces it
# to the sender, with our one-line reason), or try again later (the MTA keeps it queued).
EX_DATAERR = 65
EX_TEMPFAIL = 75

# A person who e-mails the desk is treated as reporting an incident affecting them alone, whose
# work is impaired (P3) until an adviser triages it; the public's enquiries are as on the web.
PERSON_TICKET = {"type": Ticket.Type.INCIDENT, "impact": Impact.ONE_PERSON, "urgency": Urgency.WORK_IMPAIRED}
PUBLIC_TICKET = {"type": Ticket.Type.GENERAL_ENQUIRY}

NO_TEXT = "(The e-mail had no text of its own.)"
NO_SUBJECT = "(no subject)"

_SUBJECT_REFERENCE = re.compile(r"\[\s*(BL-\d{4}-\d{6})\s*\]", re.IGNORECASE)
_HEADER_REFERENCE = re.compile(r"\b(BL-\d{4}-\d{6})\b", re.IGNORECASE)
_BOUNCE_SENDERS = {"mailer-daemon", "postmaster"}


class MailRejected(Exception):
    """The message cannot become a ticket or a reply. `reason` names what is wrong without
    quoting the message (it ends up in MTA logs and bounces)."""

    def __init__(self, reason: str, exit_code: int = EX_DATAERR):
        super().__init__(reason)
        self.reason = reason
        self.exit_code = exit_code


@dataclass(frozen=True)
class MailOutcome:
    action: Literal["created", "updated", "ignored"]
    reference: str = ""
    reason: str = ""

    def __str__(self) -> str:
        if self.action == "ignored":
            return f"ignored: {self.reason}"
        return f"{self.action} {self.reference}"


def max_message_bytes() -> int:
    return settings.SERVICEDESK_MAIL_MAX_BYTES


def describe_failure(exc: BaseException) -> str:
    """An unexpected error's type and last frames, without its message (which might quote the
    e-mail): enough to find the bug, nothing to leak into MTA logs or bounces."""
    frames = traceback.extract_tb(exc.__traceback__)[-3:]
    trail = " < ".join(f"{f.name} ({f.filename.rsplit('/', 1)[-1]}:{f.lineno})" for f in reversed(frames))
    return f"{type(exc).__name__} in {trail}" if trail else type(exc).__name__


# --- reading the message ------------------------------------------------------------------------


def _parse(raw: bytes) -> EmailMessage:
    if not raw or not raw.strip():
        raise MailRejected("the message is empty")
    limit = max_message_bytes()
    if len(raw) > limit:
        raise MailRejected(f"the message is larger than {limit // (1024 * 1024)} MB")
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as exc:  # the parser is lenient; anything it still cannot take is unusable
        raise MailRejected(f"the message cannot be parsed as RFC 822 ({type(exc).__name__})") from None
    if not message.keys():
        raise MailRejected("the message has no headers: it is not an RFC 822 message")
    return message


def _header(message: EmailMessage, name: str) -> str:
    """A header's decoded value ('' if absent or unreadable)."""
    try:
        value = message.get(name)
    except Exception:  # a header so malformed that even the lenient parser gives up on it
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def _sender(message: EmailMessage) -> tuple[str, str]:
    """(name, address) of the first usable From address; the address in lower case."""
    if "From" not in message:
        raise MailRejected("the message has no From address")
    try:
        addresses = [(a.display_name, a.addr_spec) for a in message["From"].addresses]
    except Exception:
        addresses = []
    addresses = addresses or getaddresses([_header(message, "From")])
    for name, address in addresses:
        address = (address or "").strip().lower()
        try:
            validate_email(address)
        except ValidationError:
            continue
        return " ".join((name or "").split()), address
    raise MailRejected("the message has no usable From address")


def _email_address(value: str) -> str:
    return parseaddr(value)[1].strip().lower()


def _loop_reason(message: EmailMessage, address: str) -> str:
    """Why the message must not be answered with a ticket (and its acknowledgement), or ''."""
    auto_submitted = _header(message, "Auto-Submitted").split(";")[0].strip().lower()
    if auto_submitted and auto_submitted != "no":
        return f"automatic message (Auto-Submitted: {auto_submitted[:40]})"
    for name in ("X-Autoreply", "X-Autorespond"):
        if name in message:
            return f"automatic reply ({name})"
    precedence = _header(message, "Precedence").lower()
    if precedence in {"bulk", "junk", "list"}:
        return f"bulk or list mail (Precedence: {precedence})"
    if "List-Id" in message:
        return "mailing-list mail (List-Id)"
    if _header(message, "Return-Path") == "<>":
        return "null return path (a bounce or an automatic message)"
    local_part = address.partition("@")[0]
    if local_part in _BOUNCE_SENDERS:
        return f"delivery report from {local_part}"
    if message.get_content_type() == "multipart/report" or "X-Failed-Recipients" in message:
        return "delivery report"
    own = {_email_address(settings.SERVICE_DESK_FROM_EMAIL), _email_address(settings.DEFAULT_FROM_EMAIL)}
    if address in own or "X-Bluelamp-Ticket" in message:
        return "sent by the service desk itself"
    return ""


class _HtmlText(HTMLParser):
    """Visible text of an HTML body: no markup, scripts or styles; blocks on their own lines."""

    _BLOCKS = {
        "p",
        "div",
        "br",
        "li",
        "tr",
        "table",
        "blockquote",
        "pre",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "ul",
        "ol",
    }
    _HIDDEN = {"script", "style", "head", "title", "template", "noscript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._HIDDEN:
            self.hidden += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n- " if tag == "li" else "\n")

    def handle_endtag(self, tag):
        if tag in self._HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self._BLOCKS and tag != "li":  # the next item starts its own line
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    lines = (line.strip() for line in "".join(parser.parts).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _decoded_text(part: MIMEPart) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeError, AttributeError, KeyError):  # unknown or lying charset
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""


def _body(message: EmailMessage) -> tuple[str, MIMEPart | None]:
    """The message's text (plain preferred, else HTML made text) and the part it came from."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return "", None
    text = _decoded_text(part)
    if part.get_content_type() == "text/html":
        text = html_to_text(text)
    return text.replace("\r\n", "\n").strip(), part


_QUOTE_HEADERS = (
    re.compile(r"^-{2,}\s*Original Message\s*-{2,}\s*$", re.IGNORECASE),
    re.compile(r"^_{10,}\s*$"),  # Outlook's rule above "From: … Sent: …"
    re.compile(r"^-{2,}\s*Forwarded message\s*-{2,}\s*$", re.IGNORECASE),
)
_ON_WROTE = re.compile(r"^On\b.{0,300}\bwrote:\s*$", re.IGNORECASE | re.DOTALL)
_HEADER_BLOCK = re.compile(r"^(From|Sent|Date|To|Subject):\s", re.IGNORECASE)


def strip_quoted(text: str) -> str:
    """The reply without the message it quotes: cut at "On … wrote:" (also wrapped over two
    lines), "-----Original Message-----", Outlook's "From:/Sent:" block, or a trailing run of
    "> " lines. Cautious: when in doubt, text stays."""
    lines = text.split("\n")
    cut = len(lines)
    for i, line in enumerate(lines):
        stripped = line.strip()
        two = f"{stripped} {lines[i + 1].strip()}" if i + 1 < len(lines) else stripped
        if any(p.match(stripped) for p in _QUOTE_HEADERS):
            cut = i
            break
        if stripped[:3].lower() == "on " and (_ON_WROTE.match(stripped) or _ON_WROTE.match(two)):
            cut = i
            break
        if (
            stripped.lower().startswith("from:")
            and sum(bool(_HEADER_BLOCK.match(x.strip())) for x in lines[i : i + 5]) >= 3
        ):
            cut = i
            break
    lines = lines[:cut]
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith(">")):
        lines.pop()
    return "\n".join(lines).strip()


@dataclass
class _Files:
    accepted: list[SimpleUploadedFile] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "name: why", for the internal note


def _safe_name(name: str, n: int) -> str:
    name = PurePath(name.replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[-200:] or f"attachment-{n}"


def _attachments(message: EmailMessage, body_part: MIMEPart | None) -> _Files:
    """Every file the sender attached (inline screenshots too), checked as on the web."""
    files = _Files()
    n = 0
    for part in message.walk():
        if part.is_multipart() or part is body_part:
            continue
        filename = part.get_filename()
        if not filename and part.get_content_disposition() != "attachment":
            continue  # the other alternative of the body (HTML beside the text), or a text part
        n += 1
        name = _safe_name(filename or "", n)
        payload = part.get_payload(decode=True)  # bytes, as the part is not multipart
        content = payload if isinstance(payload, bytes) else b""
        if len(files.accepted) >= MAX_FILES:
            files.skipped.append(f"{name}: only {MAX_FILES} files are taken from one e-mail.")
            continue
        upload = SimpleUploadedFile(name, content, content_type=part.get_content_type())
        try:
            check_upload(upload)
        except ValidationError as exc:
            files.skipped.append(" ".join(exc.messages))
            continue
        files.accepted.append(upload)
    return files


def _references(message: EmailMessage) -> list[str]:
    """Ticket references the message answers, most telling first: the subject, then headers."""
    found = _SUBJECT_REFERENCE.findall(_header(message, "Subject"))
    for name in ("In-Reply-To", "References"):
        found += reversed(_HEADER_REFERENCE.findall(_header(message, name)))
    return list(dict.fromkeys(ref.upper() for ref in found))


def _subject(message: EmailMessage) -> str:
    subject = _SUBJECT_REFERENCE.sub("", _header(message, "Subject"))
    subject = " ".join(subject.split()).strip(" -:")
    return (subject or NO_SUBJECT)[:200]


# --- writing ------------------------------------------------------------------------------------


def _is_requester(ticket: Ticket, address: str) -> bool:
    addresses = {ticket.requester_email.lower()}
    if ticket.requester is not None:
        addresses.add(ticket.requester.email.lower())
    return address in addresses - {""}


def _skipped_note(files: _Files) -> str:
    lines = "\n".join(f"- {why}" for why in files.skipped)
    return f"Files in the e-mail that were not attached:\n{lines}"


def _create(
    *, name: str, address: str, subject: str, text: str, files: _Files, at: dt.datetime, note: str = ""
) -> Ticket:
    person = Person.objects.filter(email__iexact=address, is_active=True).first()
    kind = PERSON_TICKET if person is not None else PUBLIC_TICKET
    ticket = ticket_create(
        actor=None,
        channel=Ticket.Channel.EMAIL,
        requester=person,
        # A person's name as their record has it; anyone else's as their e-mail gives it.
        requester_name="" if person is not None else (name or address.partition("@")[0]),
        requester_email=address,
        subject=subject,
        description=text or NO_TEXT,
        attachments=files.accepted,
        at=at,
        **kind,
    )
    if note:
        ticket_add_system_note(ticket=ticket, body=note, at=at)
    return ticket


def mail_receive(raw: bytes, *, at: dt.datetime | None = None) -> MailOutcome:
    """Turn one RFC 822 message into a ticket or a reply (see the module's docstring).

    Raises MailRejected when the message is unusable; a ValidationError from the ticket services
    is turned into one too. All or nothing: either the ticket and its notes are written, or
    nothing is.
    """
    at = at or timezone.now()
    message = _parse(raw)
    name, address = _sender(message)
    loop = _loop_reason(message, address)
    if loop:
        return MailOutcome("ignored", reason=loop)
    text, body_part = _body(message)
    files = _attachments(message, body_part)
    subject = _subject(message)
    committed: list[bool] = []
    outcome = None
    try:
        with transaction.atomic():
            # Registered first, so it runs first after commit: if a later callback (the
            # acknowledgement e-mail) fails, the ticket is still written and must not be
            # reported as failed, or the MTA would deliver the message again as a second ticket.
            transaction.on_commit(lambda: committed.append(True))
            outcome = _thread_or_create(
                message, name=name, address=address, subject=subject, text=text, files=files, at=at
            )
    except ValidationError as exc:
        fields = ", ".join(sorted(getattr(exc, "error_dict", {}) or {})) or "the request"
        raise MailRejected(f"the ticket services refused the message ({fields})") from None
    except Exception as exc:
        if not committed or outcome is None:
            raise
        logger.error("%s, but sending its e-mail failed (%s)", outcome, type(exc).__name__)
    return outcome


def _thread_or_create(message, *, name, address, subject, text, files, at) -> MailOutcome:
    notes: list[str] = []
    references = _references(message)
    tickets = {
        t.reference: t for t in Ticket.objects.select_related("requester").filter(reference__in=references)
    }
    ticket = next((tickets[ref] for ref in references if ref in tickets), None)
    if ticket is not None:
        reply = strip_quoted(text) or (NO_TEXT if text or files.accepted else "")
        if not _is_requester(ticket, address):
            notes.append(
                f"The e-mail quoted {ticket.reference}, but it did not come from that ticket's "
                "requester, so it was logged as this new ticket and nothing was added to "
                f"{ticket.reference}."
            )
        # Asked before replying, so that a late reply becomes a new ticket instead of an error.
        elif not ticket_accepts_customer_reply(ticket, at):
            why = "closed" if ticket.status == Ticket.Status.CLOSED else "resolved over 10 working days ago"
            new = _create(
                name=name,
                address=address,
                subject=subject,
                text=f"This e-mail replied to {ticket.reference}, which is {why}.\n\n{reply or NO_TEXT}",
                files=files,
                at=at,
                note=_skipped_note(files) if files.skipped else "",
            )
            return MailOutcome("created", new.reference)
        else:
            author = ticket.requester if ticket.requester_id is not None else None
            ticket = ticket_customer_reply(
                ticket=ticket,
                author=author,
                author_name=name or ticket.requester_name,
                body=reply or NO_TEXT,
                attachments=files.accepted,
                at=at,
            )
            if files.skipped:
                ticket_add_system_note(ticket=ticket, body=_skipped_note(files), at=at)
            return MailOutcome("updated", ticket.reference)
    if files.skipped:
        notes.append(_skipped_note(files))
    new = _create(
        name=name, address=address, subject=subject, text=text, files=files, at=at, note="\n\n".join(notes)
    )
    return MailOutcome("created", new.reference)
