"""Only bluelamp.notifications talks to the mail server. Everything else queues (`email_queue`,
`email_queue_message`), so an SMTP outage delays a message instead of losing it or failing the
action that sent it. A grep, like core's check that spreadsheets go through the export helper."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # the bluelamp package
DIRECT_SENDS = re.compile(
    # Django's helpers (an override's `def send_mail(` is not a call; `super().send_mail(` is)...
    r"(?<!def )\b(send_mail|send_mass_mail|mail_admins|mail_managers)\s*\("
    # ...a backend's batch send, and a message's own .send() / .send(fail_silently=...).
    r"|\bsend_messages\s*\(|\.send\(\s*(fail_silently\s*=\s*\w+\s*)?\)"
)
ALLOWED = {"notifications/"}  # the one place that delivers what was queued


@pytest.mark.parametrize(
    "line",
    [
        "send_mail(subject, body, None, to)",
        "    super().send_mail(template_prefix, email, context)",
        "EmailMessage(subject=s, body=b, to=to).send()",
        "message.send(fail_silently=True)",
        "connection.send_messages(messages)",
        "mail_admins('Import failed', text)",
    ],
)
def test_the_check_recognises_a_direct_send(line):
    assert DIRECT_SENDS.search(line)


@pytest.mark.parametrize(
    "line",
    [
        "def send_mail(self, template_prefix, email, context):",
        "password_reset.send(sender=Person, request=request, user=user)",
        "email_queue(to=[address], subject=subject, text=text)",
    ],
)
def test_the_check_lets_the_rest_be(line):
    assert not DIRECT_SENDS.search(line)


def test_no_module_outside_notifications_sends_mail_directly():
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in f"/{relative}" or relative.startswith(tuple(ALLOWED)):
            continue
        text = path.read_text(encoding="utf-8")
        for match in DIRECT_SENDS.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            offenders.append(f"bluelamp/{relative}:{line}: {match.group(0).strip()}")
    assert not offenders, (
        "Queue e-mail with bluelamp.notifications.api (email_queue, or email_queue_message for a "
        "message another library built) instead of sending it: an SMTP outage must delay a "
        "message, never lose it or fail the action.\n" + "\n".join(offenders)
    )
