"""Reading major incidents, and who may do what.

Who declares a major incident. The seed escalates major incidents "to the Lead Application
Operations Engineer and then the Senior IT Service Manager", and the contact centre is the
first point of contact, whose team leader runs the desk day to day. So the holders of the
service-desk lead permission nationally (contact-centre team leader, lead engineer, IT service
manager; platform administrators hold every permission) declare, convene the gold group, post
service notices and resolve. Every member of desk staff sees major incidents and adds to their
timeline: the adviser on the phones is often the first to know something. To anyone else they
do not exist (404).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from bluelamp.organisations.api import RoleAssignment
from bluelamp.organisations.api import key_contact_emails as licensee_key_contact_emails
from bluelamp.people.api import Person
from bluelamp.servicedesk.incidents.models import MajorIncident
from bluelamp.servicedesk.staff import is_desk_lead, is_desk_staff
from bluelamp.servicedesk.tickets.models import Ticket


def may_lead_incidents(person) -> bool:
    """Declares major incidents, convenes the gold group, posts notices, resolves: the desk's
    leads (see above)."""
    return is_desk_lead(person)


def access_major_incident(person, incident_uuid) -> MajorIncident:
    """The major incident for desk staff; to anyone else (or if there is none), 404."""
    if not is_desk_staff(person):
        raise Http404("No such major incident")
    incident = (
        MajorIncident.objects.select_related("ticket", "declared_by", "resolved_by")
        .filter(uuid=incident_uuid)
        .first()
    )
    if incident is None:
        raise Http404("No such major incident")
    return incident


def major_incidents_open(person) -> QuerySet[MajorIncident]:
    """Open major incidents, newest first, for desk staff (nothing for anyone else)."""
    if not is_desk_staff(person):
        return MajorIncident.objects.none()
    return (
        MajorIncident.objects.filter(status=MajorIncident.Status.OPEN)
        .select_related("ticket", "declared_by")
        .order_by("-declared_at")
    )


def major_incident_for_ticket(ticket: Ticket) -> MajorIncident | None:
    return MajorIncident.objects.filter(ticket=ticket).first()


def incident_timeline(incident: MajorIncident) -> list:
    return list(incident.entries.select_related("author").order_by("at", "pk"))


def key_contact_emails(on: dt.date | None = None) -> list[str]:
    """The addresses of the key contacts of every licence in force (the licensees), once each."""
    return licensee_key_contact_emails(on)


def role_holder_emails(*roles: str) -> list[str]:
    """The addresses of the active people holding any of `roles` nationally, once each."""
    holders = RoleAssignment.objects.current().filter(role__in=roles, organisation__isnull=True)
    return list(
        Person.objects.filter(pk__in=holders.values("person_id"), is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


def national_people_by_email(addresses: list[str]) -> tuple[list, list[str]]:
    """Active people of the national body with these addresses, and the addresses not found."""
    wanted = [a.strip().lower() for a in addresses if a.strip()]
    found = {
        p.email.lower(): p
        for p in Person.objects.filter(email__in=wanted, is_active=True, organisation__kind="national_body")
    }
    return [found[a] for a in dict.fromkeys(wanted) if a in found], [a for a in wanted if a not in found]


@dataclass(frozen=True)
class IncidentRecord:
    """A major incident as other domains show it (availability's report and public status page):
    its ticket's reference, when it began and ended, its summary, and the service notices sent
    about it as (subject, body, posted at), oldest first. Only the notices were written for the
    licensees: `public` says whether there are any (the status page shows only those)."""

    uuid: str
    reference: str
    summary: str
    declared_at: dt.datetime
    resolved_at: dt.datetime | None
    notices: tuple[tuple[str, str, dt.datetime], ...]

    @property
    def public(self) -> bool:
        return bool(self.notices)


def major_incidents_between(start: dt.datetime, end: dt.datetime) -> list[IncidentRecord]:
    """Every major incident open at some time from `start` to `end` (declared before the end, not
    resolved before the start), oldest first. Not scoped to a person: the caller decides who sees
    the records (the notices went to every licensee; summaries are for staff)."""
    incidents = (
        MajorIncident.objects.filter(declared_at__lt=end)
        .exclude(resolved_at__lt=start)
        .select_related("ticket")
        .prefetch_related("notices")
        .order_by("declared_at", "pk")
    )
    return [
        IncidentRecord(
            uuid=str(incident.uuid),
            reference=incident.ticket.reference,
            summary=incident.summary,
            declared_at=incident.declared_at,
            resolved_at=incident.resolved_at,
            notices=tuple(
                (notice.subject, notice.body, notice.posted_at)
                for notice in sorted(incident.notices.all(), key=lambda n: (n.posted_at, n.pk))
            ),
        )
        for incident in incidents
    ]
