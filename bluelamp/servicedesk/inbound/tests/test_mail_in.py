"""Inbound e-mail (`bluelamp mail-in`): new tickets, replies threaded by reference, the requester
check, loops and bounces, attachments, and what the command says and exits with."""

import datetime as dt
import os
import re
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.core import mail
from django.core.management.base import CommandError

from bluelamp.audit.api import AuditEvent
from bluelamp.servicedesk.api import sla_targets
from bluelamp.servicedesk.inbound.services import EX_DATAERR, html_to_text, mail_receive, strip_quoted
from bluelamp.servicedesk.inbound.tests.messages import created_reference, eml, run_mail_in
from bluelamp.servicedesk.tickets.models import Attachment, Ticket, TicketEvent
from bluelamp.servicedesk.tickets.services import ticket_create, ticket_reply, ticket_set_status
from bluelamp.workingtime.api import add_working_time, working_time_between
from conftest import london

ROOT = Path(__file__).resolve().parents[4]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Monday 7 September 2026, 09:00: an ordinary working day.
MONDAY_9 = london(2026, 9, 7, 9)


def bobs_ticket(bob, *, at=MONDAY_9) -> Ticket:
    return ticket_create(
        actor=bob,
        type=Ticket.Type.INCIDENT,
        subject="Locked out of the learning platform",
        description="SECRET-ORIGINAL: my account says it is locked.",
        impact="one_person",
        urgency="work_stopped",  # P3: 63 working hours to resolve
        at=at,
    )


def reply_to(
    ticket: Ticket, *, sender="Bob Officer <bob@kent.police.uk>", body="It works now, thanks.", **kw
):
    quoted = (
        f"{body}\n\nOn Tue, 8 Sep 2026 at 10:00, Bluelamp service desk <servicedesk@bluelamp.example>\n"
        "wrote:\n> Please try again now.\n> SECRET-QUOTED\n"
    )
    return eml(sender=sender, subject=f"Re: [{ticket.reference}] Re: {ticket.subject}", body=quoted, **kw)


# --- new tickets ---------------------------------------------------------------------------------


def test_a_known_person_e_mails_a_new_ticket(bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        out, err = run_mail_in(eml(sender="Bob Officer <Bob@Kent.Police.UK>"))
    reference = created_reference(out)
    assert err == ""
    ticket = Ticket.objects.get(reference=reference)
    assert (ticket.channel, ticket.type, ticket.requester, ticket.organisation) == (
        "email",
        "incident",
        bob,
        bob.organisation,
    )
    assert ticket.subject == "Course will not open"
    assert ticket.description == "The induction course shows a blank page."
    assert ticket.priority == "P3" and ticket.status == "new"
    assert AuditEvent.objects.filter(action="servicedesk.ticket_create", object_label=reference).exists()
    # The acknowledgement, sent by the ticket services after commit, as for the web.
    (ack,) = mail.outbox
    assert ack.to == ["bob@kent.police.uk"] and ack.subject.startswith(f"[{reference}] ")


def test_an_unknown_sender_e_mails_a_public_general_enquiry(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        out, _ = run_mail_in(eml(sender='"Pat Public" <Pat@Example.org>', subject="Do you run courses?"))
    ticket = Ticket.objects.get(reference=created_reference(out))
    assert ticket.type == "general_enquiry" and ticket.channel == "email"
    assert ticket.requester is None and ticket.organisation is None
    assert (ticket.requester_name, ticket.requester_email) == ("Pat Public", "pat@example.org")
    (ack,) = mail.outbox
    assert ack.to == ["pat@example.org"] and ticket.reference in ack.subject


def test_a_leaver_is_treated_as_a_member_of_the_public(bob):
    bob.is_active = False
    bob.save(update_fields=["is_active"])
    outcome = mail_receive(eml(), at=MONDAY_9)
    ticket = Ticket.objects.get(reference=outcome.reference)
    assert ticket.requester is None and ticket.type == "general_enquiry"


def test_html_only_mail_becomes_safe_text(db):
    html = (
        "<html><head><style>p{color:red}</style><title>T</title></head><body>"
        "<p>Hello&nbsp;desk,</p><script>alert('x')</script><ul><li>one</li><li>two &amp; three</li></ul>"
        "</body></html>"
    )
    outcome = mail_receive(eml(body=None, html=html), at=MONDAY_9)
    description = Ticket.objects.get(reference=outcome.reference).description
    assert description == "Hello desk,\n\n- one\n- two & three"
    assert "alert" not in description and "color" not in description and "<" not in description


def test_plain_text_is_preferred_to_html(db):
    outcome = mail_receive(eml(body="Plain words", html="<p>HTML words</p>"), at=MONDAY_9)
    assert Ticket.objects.get(reference=outcome.reference).description == "Plain words"


def test_empty_subject_and_body_still_log_a_ticket(db):
    outcome = mail_receive(eml(subject=None, body=""), at=MONDAY_9)
    ticket = Ticket.objects.get(reference=outcome.reference)
    assert ticket.subject == "(no subject)" and ticket.description == "(The e-mail had no text of its own.)"


# --- replies ------------------------------------------------------------------------------------


def test_the_requesters_reply_resumes_a_paused_ticket(bob, engineer):
    ticket = bobs_ticket(bob)
    ticket = ticket_reply(
        actor=engineer,
        ticket=ticket,
        body="Please try again now.",
        await_customer=True,
        at=london(2026, 9, 7, 10),
    )
    assert ticket.status == "awaiting_customer" and ticket.resolution_due is None
    response_due = ticket.response_due
    resumed_at = london(2026, 9, 8, 10)

    outcome = mail_receive(reply_to(ticket, sender="BOB@kent.police.uk"), at=resumed_at)

    assert str(outcome) == f"updated {ticket.reference}"
    ticket.refresh_from_db()
    assert ticket.status == "open"
    # The resolution target moves on by the nine working hours the ticket waited for Bob.
    paused = working_time_between(london(2026, 9, 7, 10), resumed_at)
    assert paused == dt.timedelta(hours=9)
    assert ticket.resolution_due == add_working_time(sla_targets("P3", MONDAY_9).resolution_due, paused)
    assert ticket.response_due == response_due  # the response clock never pauses
    reply = ticket.events.get(kind="customer_reply")
    assert reply.body == "It works now, thanks."  # the quoted message is cut off
    assert (reply.author, reply.visibility) == (bob, "public")
    status = ticket.events.filter(kind="status").last()
    assert (status.from_value, status.to_value) == ("awaiting_customer", "open")


def test_the_requesters_reply_reopens_a_ticket_resolved_within_10_working_days(bob, engineer):
    ticket = bobs_ticket(bob)
    ticket = ticket_set_status(actor=engineer, ticket=ticket, status="resolved", at=london(2026, 9, 7, 12))
    outcome = mail_receive(reply_to(ticket, body="It broke again."), at=london(2026, 9, 18, 9))
    assert outcome.action == "updated"
    ticket.refresh_from_db()
    assert ticket.status == "reopened" and ticket.resolved_at is None
    assert Ticket.objects.count() == 1


def test_a_reply_after_the_window_or_to_a_closed_ticket_is_a_new_ticket_naming_the_old(bob, engineer):
    ticket = bobs_ticket(bob)
    ticket = ticket_set_status(actor=engineer, ticket=ticket, status="resolved", at=london(2026, 9, 7, 12))
    # 10 working days from Monday 7 September at noon is Monday 21 September at noon.
    outcome = mail_receive(reply_to(ticket, body="It broke again."), at=london(2026, 9, 21, 13))
    assert outcome.action == "created"
    new = Ticket.objects.get(reference=outcome.reference)
    assert new.requester == bob and new.channel == "email"
    assert new.description.startswith(f"This e-mail replied to {ticket.reference}, which is resolved")
    assert "It broke again." in new.description and "SECRET-QUOTED" not in new.description
    assert ticket.reference not in new.subject
    ticket.refresh_from_db()
    assert ticket.status == "resolved" and not ticket.events.filter(kind="customer_reply").exists()

    ticket = ticket_set_status(actor=engineer, ticket=ticket, status="closed", at=london(2026, 9, 21, 14))
    outcome = mail_receive(reply_to(ticket, body="Still broken"), at=london(2026, 9, 21, 15))
    new = Ticket.objects.get(reference=outcome.reference)
    assert (
        outcome.action == "created" and f"replied to {ticket.reference}, which is closed" in new.description
    )


def test_in_reply_to_threads_without_a_reference_in_the_subject(bob):
    ticket = bobs_ticket(bob)
    raw = eml(
        subject="Re: your message",
        body="More details",
        headers={"In-Reply-To": f"<{ticket.reference}.1a2b3c@bluelamp.example>"},
    )
    outcome = mail_receive(raw, at=london(2026, 9, 7, 11))
    assert str(outcome) == f"updated {ticket.reference}"


def test_a_reply_to_our_own_e_mail_threads_by_its_message_id(bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        out, _ = run_mail_in(eml())
    reference = created_reference(out)
    (ack,) = mail.outbox
    message_id = ack.extra_headers["Message-ID"]
    assert reference in message_id
    # The requester's mail program dropped the reference from the subject; the header remains.
    raw = eml(subject="Re: that", body="Still broken", headers={"In-Reply-To": message_id})
    assert str(mail_receive(raw)) == f"updated {reference}"


def test_someone_else_quoting_a_reference_gets_a_new_ticket_and_learns_nothing(
    bob, charlie, django_capture_on_commit_callbacks
):
    ticket = bobs_ticket(bob)
    events_before = list(ticket.events.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        out, _ = run_mail_in(reply_to(ticket, sender="Charlie Outsider <charlie@essex.police.uk>"))
    new = Ticket.objects.get(reference=created_reference(out))
    assert new.reference != ticket.reference
    assert new.requester == charlie and new.organisation == charlie.organisation
    # Bob's ticket is untouched.
    ticket.refresh_from_db()
    assert ticket.status == "new" and list(ticket.events.values_list("pk", flat=True)) == events_before
    # Nothing of Bob's ticket reaches Charlie: not its reference, subject text or description.
    (ack,) = mail.outbox
    assert ack.to == ["charlie@essex.police.uk"]
    sent = ack.subject + ack.body + ack.alternatives[0][0]
    assert ticket.reference not in sent and "SECRET-ORIGINAL" not in sent
    public = " ".join(new.events.filter(visibility="public").values_list("body", flat=True))
    assert ticket.reference not in public and "SECRET-ORIGINAL" not in public and new.reference not in public
    # The desk is told, internally.
    note = new.events.get(kind="note")
    assert note.visibility == "internal" and ticket.reference in note.body


# --- loops and bounces ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, reason",
    [
        ({"headers": {"Auto-Submitted": "auto-replied"}}, "Auto-Submitted: auto-replied"),
        ({"headers": {"Auto-Submitted": "auto-generated; owner-email=x@y.z"}}, "auto-generated"),
        ({"headers": {"Precedence": "bulk"}}, "Precedence: bulk"),
        ({"headers": {"Precedence": "junk"}}, "Precedence: junk"),
        ({"headers": {"Precedence": "list"}}, "Precedence: list"),
        ({"headers": {"X-Autoreply": "yes"}}, "X-Autoreply"),
        ({"headers": {"List-Id": "<training.lists.example>"}}, "List-Id"),
        ({"sender": "Mail Delivery System <MAILER-DAEMON@mx.kent.police.uk>"}, "mailer-daemon"),
        ({"sender": "postmaster@kent.police.uk"}, "postmaster"),
        ({"headers": {"Return-Path": "<>"}}, "null return path"),
        ({"sender": "servicedesk@bluelamp.example"}, "the service desk itself"),
        ({"headers": {"X-Bluelamp-Ticket": "BL-2026-000001"}}, "the service desk itself"),
    ],
)
def test_auto_replies_and_bounces_create_nothing(bob, changes, reason, django_capture_on_commit_callbacks):
    ticket = bobs_ticket(bob)
    raw = reply_to(ticket, **changes)
    events = TicketEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        out, err = run_mail_in(raw)
    assert out.startswith("ignored: ") and reason in out and out.count("\n") == 1 and err == ""
    assert Ticket.objects.count() == 1 and TicketEvent.objects.count() == events
    assert mail.outbox == []


def test_a_delivery_status_report_never_creates_a_ticket(db):
    report = EmailMessage()
    report["From"] = "Mail Delivery Subsystem <bounces@mx.example.org>"
    report["To"] = "servicedesk@bluelamp.example"
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report.set_content("This is the mail system. Your message could not be delivered.")
    report.add_attachment("Reporting-MTA: dns; mx.example.org\n", subtype="plain")
    report.replace_header("Content-Type", 'multipart/report; report-type=delivery-status; boundary="b"')
    outcome = mail_receive(report.as_bytes(), at=MONDAY_9)
    assert outcome.action == "ignored" and Ticket.objects.count() == 0


def test_auto_submitted_no_is_a_person_writing(db):
    outcome = mail_receive(eml(sender="pat@example.org", headers={"Auto-Submitted": "no"}), at=MONDAY_9)
    assert outcome.action == "created"


# --- attachments ---------------------------------------------------------------------------------


def test_attachments_within_the_limits_are_attached_and_the_rest_noted(bob):
    files = [
        ("screenshot.png", PNG, "image/png"),
        ("letter.pdf", PDF, "application/pdf"),
        ("notes.txt", b"Steps to reproduce\n", "text/plain"),
        ("setup.exe", b"MZ\x90\x00", "application/octet-stream"),
        ("fake.pdf", b"not a pdf at all", "application/pdf"),
        ("huge.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "application/pdf"),
        ("empty.txt", b"", "text/plain"),
    ]
    raw = eml(files=[(n, c, *t.split("/")) for n, c, t in files])
    outcome = mail_receive(raw, at=MONDAY_9)
    ticket = Ticket.objects.get(reference=outcome.reference)
    attached = {a.name: (a.content_type, a.size) for a in Attachment.objects.filter(ticket=ticket)}
    assert attached == {
        "screenshot.png": ("image/png", len(PNG)),
        "letter.pdf": ("application/pdf", len(PDF)),
        "notes.txt": ("text/plain", 19),
    }
    assert Attachment.objects.get(name="screenshot.png").file.read() == PNG
    created = ticket.events.get(kind="created")
    assert set(created.attachments.values_list("name", flat=True)) == set(attached)
    note = ticket.events.get(kind="note")
    assert note.visibility == "internal" and note.author is None
    assert "setup.exe cannot be attached: .exe files are not accepted" in note.body
    assert "fake.pdf is not a real PDF file" in note.body
    assert "huge.pdf is 10.0 MB: it must be 10 MB or smaller" in note.body
    assert "empty.txt is empty" in note.body


def test_at_most_five_files_are_taken_and_a_reply_keeps_its_files(bob):
    ticket = bobs_ticket(bob)
    files = [(f"shot{n}.png", PNG, "image", "png") for n in range(1, 7)]
    outcome = mail_receive(reply_to(ticket, files=files), at=london(2026, 9, 7, 10))
    assert outcome.action == "updated"
    reply = ticket.events.get(kind="customer_reply")
    assert sorted(reply.attachments.values_list("name", flat=True)) == [f"shot{n}.png" for n in range(1, 6)]
    note = ticket.events.get(kind="note")
    assert "shot6.png: only 5 files are taken from one e-mail." in note.body


def test_an_attachment_name_cannot_climb_out_of_storage(db):
    outcome = mail_receive(eml(files=[("../../etc/passwd.txt", b"root\n", "text", "plain")]), at=MONDAY_9)
    attachment = Attachment.objects.get(ticket__reference=outcome.reference)
    assert attachment.name == "passwd.txt" and ".." not in attachment.file.name


# --- refused input, exit codes -------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b"", "the message is empty"),
        (b"  \r\n\r\n", "the message is empty"),
        (b"this is not an e-mail at all, just words\n", "no headers"),
        (eml(sender=None), "no From address"),
        (eml(sender="not an address"), "no usable From address"),
        (eml(sender="Someone <@>"), "no usable From address"),
    ],
)
def test_unusable_input_exits_65_with_a_reason_and_writes_nothing(db, raw, reason):
    with pytest.raises(CommandError) as error:
        run_mail_in(raw)
    assert error.value.returncode == EX_DATAERR
    assert reason in str(error.value)
    assert not Ticket.objects.exists() and not TicketEvent.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="servicedesk.").exists()
    assert mail.outbox == []


def test_a_message_over_the_size_limit_is_refused(db, settings):
    settings.SERVICEDESK_MAIL_MAX_BYTES = 2 * 1024 * 1024
    raw = eml(files=[("big.pdf", b"%PDF-" + b"0" * (3 * 1024 * 1024), "application", "pdf")])
    with pytest.raises(CommandError, match="larger than 2 MB") as error:
        run_mail_in(raw)
    assert error.value.returncode == EX_DATAERR and not Ticket.objects.exists()


def test_a_refused_reply_leaves_the_ticket_as_it_was(bob):
    ticket = bobs_ticket(bob)
    before = TicketEvent.objects.count()
    with pytest.raises(CommandError):
        run_mail_in(b"Subject: [" + ticket.reference.encode() + b"]\n\nno sender\n")
    assert TicketEvent.objects.count() == before


def test_the_console_script_reads_stdin_prints_one_line_and_exits_by_sysexits(tmp_path):
    """`bluelamp mail-in` as an MTA runs it: a fresh process, the message on stdin. It gets a
    fresh SQLite file whatever the suite's database, so its commits reach no other test."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "BLUELAMP_TESTING": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'mail.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        # As in production: the acknowledgement is queued for the task worker, not delivered (and
        # logged) by this process, whose stderr an MTA reads.
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }

    def bluelamp(*args, stdin=b""):
        return subprocess.run(
            [sys.executable, "-m", "bluelamp.cli", *args],
            cwd=ROOT,
            env=env,
            input=stdin,
            capture_output=True,
            timeout=120,
            check=False,
        )

    assert bluelamp("migrate", "-v", "0").returncode == 0
    created = bluelamp("mail-in", stdin=eml(sender="pat@example.org"))
    assert (created.returncode, created.stderr) == (0, b"")
    assert re.fullmatch(rb"created BL-\d{4}-000001\n", created.stdout)
    ignored = bluelamp(
        "mail-in", stdin=eml(sender="pat@example.org", headers={"Auto-Submitted": "auto-replied"})
    )
    assert (ignored.returncode, ignored.stdout, ignored.stderr) == (
        0,
        b"ignored: automatic message (Auto-Submitted: auto-replied)\n",
        b"",
    )
    empty = bluelamp("mail-in", stdin=b"")
    assert (empty.returncode, empty.stdout) == (EX_DATAERR, b"")
    assert b"mail-in: the message is empty" in empty.stderr


# --- the text of a reply ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Thanks!\n\nOn Tue, 8 Sep 2026 at 10:00, Desk <d@x> wrote:\n> old\n", "Thanks!"),
        ("Thanks!\n\nOn Tue, 8 Sep 2026 at 10:00, Bluelamp service desk <\nd@x> wrote:\n> old", "Thanks!"),
        ("Fixed.\n\n-----Original Message-----\nFrom: Desk\nSent: today\nold", "Fixed."),
        ("Fixed.\n\n________________________________\nFrom: Desk\nSent: today\nTo: me\nSubject: x", "Fixed."),
        ("Fixed.\nFrom: Desk <d@x>\nSent: Tuesday\nTo: Bob\nSubject: Re: x\n\nold", "Fixed."),
        ("Answer below\n> quoted line\n> another\n\n", "Answer below"),
        ("> I asked\nMy answer inline\n", "> I asked\nMy answer inline"),
        (
            "On the course page nothing loads.\nI wrote: help",
            "On the course page nothing loads.\nI wrote: help",
        ),
    ],
)
def test_quoted_text_is_cut_from_replies(text, expected):
    assert strip_quoted(text) == expected


def test_html_to_text_drops_markup_and_unescapes():
    assert html_to_text("<div>a &lt;b&gt;<br>c</div><style>x</style>") == "a <b>\nc"
