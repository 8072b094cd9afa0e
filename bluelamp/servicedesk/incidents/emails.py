"""E-mails about major incidents: to the lead engineers and IT service managers on declaring, to
the gold group when it is convened, to both when it is resolved, and service notices to the
licensees' key contacts. The incident services call these after commit, with ids, so a
rolled-back change sends nothing and the message shows what was committed; each message is queued
with bluelamp.notifications (the one e-mail layout; delivered by a task, retried while the mail
server is down, so an outage never loses a notice). A notice goes to each key contact as a
message of their own: no licensee sees another's address.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from bluelamp.core.timefmt import format_datetime
from bluelamp.notifications.api import email_queue, email_queue_each, email_render
from bluelamp.servicedesk.incidents.models import MajorIncident, ServiceNotice

_HEADERS = {"Auto-Submitted": "auto-generated"}


def incident_url(incident: MajorIncident) -> str:
    path = reverse("servicedesk:major_incident", args=[incident.uuid])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _staff_message(incident_id: int, to: list[str], *, kind: str, headline: str, subject: str) -> None:
    if not to:
        return
    incident = MajorIncident.objects.select_related("ticket", "declared_by").get(pk=incident_id)
    subject = f"[{incident.ticket.reference}] {subject}: {incident.ticket.subject}"
    text, html = email_render(
        "servicedesk/email/major_incident",
        {
            "subject": subject,
            "incident": incident,
            "ticket": incident.ticket,
            "headline": headline,
            "declared_at": format_datetime(incident.declared_at),
            "incident_url": incident_url(incident),
        },
    )
    email_queue(
        to=to,
        subject=subject,
        text=text,
        html=html,
        from_email=settings.SERVICE_DESK_FROM_EMAIL,
        headers={**_HEADERS, "X-Bluelamp-Ticket": incident.ticket.reference},
        kind=f"servicedesk.major_incident.{kind}",
    )


def send_declared(incident_id: int, to: list[str]) -> None:
    _staff_message(
        incident_id,
        to,
        kind="declared",
        headline="A major incident has been declared. You are notified as lead engineer or IT service manager.",
        subject="MAJOR INCIDENT declared",
    )


def send_gold_convened(incident_id: int, to: list[str]) -> None:
    _staff_message(
        incident_id,
        to,
        kind="gold_convened",
        headline="The gold incident group has been convened for this major incident, and you are a member.",
        subject="Gold group convened",
    )


def send_resolved(incident_id: int, to: list[str]) -> None:
    _staff_message(
        incident_id,
        to,
        kind="resolved",
        headline="This major incident has been resolved.",
        subject="Major incident resolved",
    )


def send_service_notice(notice_id: int, to: list[str]) -> None:
    notice = ServiceNotice.objects.get(pk=notice_id)
    subject = f"Bluelamp service notice: {notice.subject}"
    text, html = email_render(
        "servicedesk/email/service_notice",
        {"subject": subject, "notice": notice, "posted_at": format_datetime(notice.posted_at)},
    )
    # Every key contact's copy is queued, or none is.
    email_queue_each(
        to,
        subject=subject,
        text=text,
        html=html,
        from_email=settings.SERVICE_DESK_FROM_EMAIL,
        headers=_HEADERS,
        kind="servicedesk.service_notice",
    )
