"""E-mails about major incidents: to the lead engineers and IT service managers on declaring, to
the gold group when it is convened, to both when it is resolved, and service notices to the
licensees' key contacts. Sent only after commit, with ids, so a rolled-back change sends nothing.
A notice goes to each key contact as a message of their own: no licensee sees another's address.
"""

from __future__ import annotations

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from bluelamp.core.timefmt import format_datetime
from bluelamp.servicedesk.incidents.models import MajorIncident, ServiceNotice

_HEADERS = {"Auto-Submitted": "auto-generated"}


def incident_url(incident: MajorIncident) -> str:
    path = reverse("servicedesk:major_incident", args=[incident.uuid])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _staff_message(incident_id: int, to: list[str], *, headline: str, subject: str) -> None:
    if not to:
        return
    incident = MajorIncident.objects.select_related("ticket", "declared_by").get(pk=incident_id)
    context = {
        "incident": incident,
        "ticket": incident.ticket,
        "headline": headline,
        "declared_at": format_datetime(incident.declared_at),
        "incident_url": incident_url(incident),
    }
    EmailMessage(
        subject=f"[{incident.ticket.reference}] {subject}: {incident.ticket.subject}",
        body=render_to_string("servicedesk/email/major_incident.txt", context, using="django"),
        from_email=settings.SERVICE_DESK_FROM_EMAIL,
        to=to,
        headers={**_HEADERS, "X-Bluelamp-Ticket": incident.ticket.reference},
    ).send()


def send_declared(incident_id: int, to: list[str]) -> None:
    _staff_message(
        incident_id,
        to,
        headline="A major incident has been declared. You are notified as lead engineer or IT service manager.",
        subject="MAJOR INCIDENT declared",
    )


def send_gold_convened(incident_id: int, to: list[str]) -> None:
    _staff_message(
        incident_id,
        to,
        headline="The gold incident group has been convened for this major incident, and you are a member.",
        subject="Gold group convened",
    )


def send_resolved(incident_id: int, to: list[str]) -> None:
    _staff_message(
        incident_id, to, headline="This major incident has been resolved.", subject="Major incident resolved"
    )


def send_service_notice(notice_id: int, to: list[str]) -> None:
    notice = ServiceNotice.objects.get(pk=notice_id)
    body = render_to_string(
        "servicedesk/email/service_notice.txt",
        {"notice": notice, "posted_at": format_datetime(notice.posted_at)},
        using="django",
    )
    messages = [
        EmailMessage(
            subject=f"Bluelamp service notice: {notice.subject}",
            body=body,
            from_email=settings.SERVICE_DESK_FROM_EMAIL,
            to=[address],
            headers=_HEADERS,
        )
        for address in to
    ]
    with mail.get_connection() as connection:
        connection.send_messages(messages)
