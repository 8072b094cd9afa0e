"""An SMTP server that is down delays e-mail and loses none, and never turns a done action into an
error page. The SMTP server is real (aiosmtpd on 127.0.0.1): stopped while a person raises a
support ticket through the page and an administrator asks for a password reset on allauth's page,
then started before the frequent job (`bluelamp run-frequent`) retries.

Transactional, so that the pages' commits and what runs after them happen inside the request as
they do in production; tasks run at once here, so the first delivery attempt (which fails) is
made inside the request too, and the page must still answer as normal.
"""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from bluelamp.notifications.api import OutgoingEmail
from bluelamp.notifications.tasks import retry_undelivered_emails
from bluelamp.servicedesk.tickets.models import Category, Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def _body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_with_the_mail_server_down_pages_answer_and_the_mail_arrives_once_it_is_back(
    smtp, signed_in, bob, alice, monkeypatch
):
    category = Category.objects.create(name="Courses")

    # 1. The mail server is down. Bob raises a support ticket through the page...
    bobs_browser = signed_in(bob)
    raised = bobs_browser.post(
        "/service-desk/support/",
        {
            "type": "incident",
            "category": category.pk,
            "subject": "Course page will not load",
            "description": "It shows an error.",
            "impact": "one_person",
            "urgency": "work_stopped",
        },
    )
    assert raised.status_code == 302 and raised["Location"] == "/service-desk/support/sent/"
    ticket = Ticket.objects.get()
    sent_page = bobs_browser.get(raised["Location"])
    assert sent_page.status_code == 200 and ticket.reference in sent_page.text

    # ...and Alice, an administrator, asks for a password reset on allauth's page.
    alices_browser = Client()
    reset = alices_browser.post("/accounts/password/reset/", {"email": alice.email})
    assert reset.status_code == 302 and reset["Location"] == "/accounts/password/reset/done/"
    done = alices_browser.get(reset["Location"])
    assert done.status_code == 200 and "Check your e-mail" in done.text

    # Both e-mails are queued, each with its failed attempt on record.
    queued = {email.kind: email for email in OutgoingEmail.objects.all()}
    assert set(queued) == {"servicedesk.acknowledgement", "account.password_reset_key"}
    for email in queued.values():
        assert (email.status, email.attempts) == (OutgoingEmail.Status.QUEUED, 1)
        assert "ConnectionRefusedError" in email.last_error
        assert email.next_attempt_at > email.created_at
    acknowledgement, reset_email = queued["servicedesk.acknowledgement"], queued["account.password_reset_key"]
    assert acknowledgement.to == [bob.email] and reset_email.to == [alice.email]

    # 2. The server is started; a few minutes later the frequent job runs.
    inbox = smtp.start()
    later = timezone.now() + dt.timedelta(minutes=5)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    assert retry_undelivered_emails.call() == 2

    # Each e-mail arrives once, to its person, with its subject.
    arrived = {tuple(recipients): message for recipients, message in inbox.messages()}
    assert len(inbox.envelopes) == 2 and set(arrived) == {(bob.email,), (alice.email,)}
    ack = arrived[(bob.email,)]
    assert ack["Subject"] == f"[{ticket.reference}] We have logged your request: Course page will not load"
    assert ack["Message-ID"].strip() == acknowledgement.headers["Message-ID"]  # the one made when queued
    assert ack["X-Bluelamp-Ticket"] == ticket.reference and ack["Auto-Submitted"] == "auto-generated"
    assert ticket.reference in _body(ack)
    reset_message = arrived[(alice.email,)]
    assert reset_message["Subject"] == reset_email.subject and "Password" in reset_message["Subject"]

    # Nothing is left queued, and running the job again sends nothing twice.
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {OutgoingEmail.Status.SENT}
    monkeypatch.setattr("django.utils.timezone.now", lambda: later + dt.timedelta(hours=2))
    assert retry_undelivered_emails.call() == 0
    assert len(inbox.envelopes) == 2

    # The link in the delayed e-mail still works.
    monkeypatch.undo()
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", _body(reset_message)).group(1)
    form_url = alices_browser.get(link)["Location"]
    assert "Choose a new password" in alices_browser.get(form_url).text
