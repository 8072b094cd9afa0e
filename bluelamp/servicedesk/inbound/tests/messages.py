"""Building inbound e-mails for the service desk's tests, and running `mail-in` on them."""

import io
import re
from email.message import EmailMessage

from django.core.management import call_command


def eml(
    *,
    sender="Bob Officer <bob@kent.police.uk>",
    subject="Course will not open",
    body="The induction course shows a blank page.",
    html=None,
    headers=None,
    files=(),
) -> bytes:
    message = EmailMessage()
    if sender is not None:
        message["From"] = sender
    message["To"] = "Bluelamp service desk <servicedesk@bluelamp.example>"
    if subject is not None:
        message["Subject"] = subject
    message["Message-ID"] = "<20260907090000.1@mail.example>"
    for name, value in (headers or {}).items():
        message[name] = value
    if body is not None:
        message.set_content(body)
        if html is not None:
            message.add_alternative(html, subtype="html")
    elif html is not None:
        message.set_content(html, subtype="html")
    for name, content, maintype, subtype in files:
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def run_mail_in(raw: bytes) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("mail-in", stdin=io.BytesIO(raw), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def created_reference(output: str) -> str:
    match = re.fullmatch(r"created (BL-\d{4}-\d{6})\n", output)
    assert match, output
    return match.group(1)
