"""The desk's e-mails go through bluelamp.notifications: each is queued (an OutgoingEmail, with
what it is), wears the one e-mail layout in both its plain-text and HTML versions, and keeps its
subject, sender and headers; the Message-ID is made once, so a retried delivery is the same
message to a mail client."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail

from bluelamp.notifications.api import OutgoingEmail
from bluelamp.organisations.api import licence_contact_add
from bluelamp.servicedesk.incidents import services as incidents
from bluelamp.servicedesk.tickets.monitoring import service_levels_check
from bluelamp.servicedesk.tickets.services import ticket_create
from conftest import make_person

FOOTER = "This e-mail was sent by Bluelamp"


@pytest.fixture
def team_leader(national):
    return make_person(
        national, "tess@national.example", first="Tess", last="Leader", roles=["cc_team_leader"]
    )


def test_the_acknowledgement_is_queued_with_its_headers_in_the_one_layout(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_create(
            actor=None,
            type="general_enquiry",
            subject="Can't find the course & its dates",
            description="Where is it?",
            requester_name="Pat O'Brien",
            requester_email="pat@example.org",
        )
    email = OutgoingEmail.objects.get()
    assert (email.kind, email.status, email.to) == (
        "servicedesk.acknowledgement",
        "sent",
        ["pat@example.org"],
    )
    assert email.from_email == settings.SERVICE_DESK_FROM_EMAIL
    assert (
        email.subject
        == f"[{ticket.reference}] We have logged your request: Can't find the course & its dates"
    )
    assert email.headers["Auto-Submitted"] == "auto-generated"
    assert email.headers["X-Bluelamp-Ticket"] == ticket.reference
    assert ticket.reference in email.headers["Message-ID"]
    assert email.headers["Message-ID"].endswith("@bluelamp.example>")

    # Plain text is not HTML-escaped; the HTML version is, and both carry the layout.
    assert email.text_body.startswith("Dear Pat O'Brien,\n\nThank you for contacting the Bluelamp")
    assert "Subject: Can't find the course & its dates\n" in email.text_body
    assert email.text_body.rstrip().endswith(f"{FOOTER} ({settings.SITE_URL.rstrip('/')}).")
    (html,) = email.alternatives
    assert html["mimetype"] == "text/html" and '<html lang="en-GB">' in html["content"]
    assert "Dear Pat O&#x27;Brien," in html["content"] and FOOTER in html["content"]
    assert f"Keep “[{ticket.reference}]” in the subject" in html["content"]

    # What went out is what was queued, the Message-ID included.
    (sent,) = mail.outbox
    message = sent.message()
    assert message["Message-ID"] == email.headers["Message-ID"]
    assert message["X-Bluelamp-Ticket"] == ticket.reference
    assert sent.body == email.text_body and sent.alternatives[0][0] == html["content"]


def test_sla_notices_are_queued_with_the_claim(db, adviser, team_leader, bob):
    ticket = ticket_create(
        actor=adviser,
        requester=bob,
        channel="phone",
        type="incident",
        subject="Course page will not load",
        description="An error",
        impact="small_group",
        urgency="work_stopped",
    )
    # No on-commit callback runs in this test: the notices are queued in the claim's own
    # transaction (so a claim is never stamped without its message).
    service_levels_check(now=ticket.resolution_due + dt.timedelta(days=30))
    kinds = dict(OutgoingEmail.objects.values_list("kind", "subject"))
    assert kinds["servicedesk.sla_warning"] == (
        f"[{ticket.reference}] 75 % of the resolution time used: Course page will not load"
    )
    assert "servicedesk.sla_breach" in kinds and "servicedesk.sla_response_breach" in kinds
    warning = OutgoingEmail.objects.get(kind="servicedesk.sla_warning")
    assert warning.headers == {"Auto-Submitted": "auto-generated", "X-Bluelamp-Ticket": ticket.reference}
    assert warning.from_email == settings.SERVICE_DESK_FROM_EMAIL
    assert "Sent automatically by the Bluelamp service desk's SLA monitoring" in warning.text_body
    assert FOOTER in warning.text_body and "<html" in warning.alternatives[0]["content"]


def test_major_incident_mail_and_service_notices_wear_the_layout(
    kent, bob, service_manager, django_capture_on_commit_callbacks
):
    licence_contact_add(
        actor=None, licence=kent.licences.first(), name="Kim Kent", email="kim@kent.police.uk"
    )
    p1 = ticket_create(
        actor=bob,
        type="incident",
        subject="Nobody can sign in",
        description="Error 500",
        impact="whole_service",
        urgency="work_stopped",
    )
    with django_capture_on_commit_callbacks(execute=True):
        incident = incidents.major_incident_declare(actor=service_manager, ticket=p1, summary="Sign-in down")
        incidents.service_notice_post(
            actor=service_manager, incident=incident, subject="Bluelamp unavailable", body="Working on it."
        )
    declared = OutgoingEmail.objects.get(kind="servicedesk.major_incident.declared")
    assert declared.subject == f"[{p1.reference}] MAJOR INCIDENT declared: Nobody can sign in"
    assert declared.headers == {"Auto-Submitted": "auto-generated", "X-Bluelamp-Ticket": p1.reference}
    assert "Sign-in down" in declared.text_body and "Sign-in down" in declared.alternatives[0]["content"]
    notice = OutgoingEmail.objects.get(kind="servicedesk.service_notice")
    assert (notice.to, notice.subject) == (
        ["kim@kent.police.uk"],
        "Bluelamp service notice: Bluelamp unavailable",
    )
    assert notice.headers == {"Auto-Submitted": "auto-generated"}
    assert "Working on it." in notice.text_body and FOOTER in notice.alternatives[0]["content"]
    assert {m.subject for m in mail.outbox} >= {declared.subject, notice.subject}
