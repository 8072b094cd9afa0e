"""Major incidents: declaring on a P1, who is told, the gold group, the timeline, service
notices to licensees' key contacts, resolving; and the pages, with outsiders refused."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from bluelamp.audit.api import AuditEvent
from bluelamp.organisations.api import Licence, licence_contact_add, licence_create
from bluelamp.servicedesk.incidents import services
from bluelamp.servicedesk.incidents.models import MajorIncident, ServiceNotice
from bluelamp.servicedesk.tickets.services import ticket_create
from conftest import make_org, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(national):
    return make_person(national, "leo@national.example", first="Leo", last="Lead", roles=["lead_engineer"])


@pytest.fixture
def gold(national):
    return make_person(national, "gina@national.example", first="Gina", last="Gold")


@pytest.fixture
def p1(bob):
    return ticket_create(
        actor=bob,
        type="incident",
        subject="Nobody can sign in",
        description="Error 500",
        impact="whole_service",
        urgency="work_stopped",
    )


def test_declare_notifies_lead_and_service_manager_and_convenes_gold(
    p1, lead, service_manager, adviser, gold, django_capture_on_commit_callbacks
):
    assert p1.priority == "P1"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        incident = services.major_incident_declare(
            actor=service_manager,
            ticket=p1,
            summary="Sign-in down for all forces",
            convene_gold=True,
            gold_members=[gold],
        )
    declared = [m for m in mail.outbox if "MAJOR INCIDENT declared" in m.subject]
    assert len(declared) == 1
    assert sorted(declared[0].to) == ["ivy@national.example", "leo@national.example"]
    assert "adam@national.example" not in declared[0].to  # advisers are not on the route
    gold_mail = [m for m in mail.outbox if "Gold group convened" in m.subject]
    assert [m.to for m in gold_mail] == [["gina@national.example"]]
    incident.refresh_from_db()
    assert incident.gold_group_convened and list(incident.gold_members.all()) == [gold]
    assert [e.kind for e in incident.entries.all()] == ["decision", "communication", "communication"]
    assert p1.events.filter(kind="note", body__startswith="Declared a major incident").exists()
    assert AuditEvent.objects.filter(action="servicedesk.major_incident_declare").count() == 1


def test_only_p1_and_only_leads_and_only_once(bob, p1, adviser, lead):
    p3 = ticket_create(actor=bob, type="incident", subject="Typo", description="On the home page")
    with pytest.raises(ValidationError, match="only a P1"):
        services.major_incident_declare(actor=lead, ticket=p3, summary="x")
    with pytest.raises(PermissionDenied):
        services.major_incident_declare(actor=adviser, ticket=p1, summary="x")
    with pytest.raises(PermissionDenied):
        services.major_incident_declare(actor=bob, ticket=p1, summary="x")
    services.major_incident_declare(actor=lead, ticket=p1, summary="Down")
    with pytest.raises(ValidationError, match="already a major incident"):
        services.major_incident_declare(actor=lead, ticket=p1, summary="Again")
    assert MajorIncident.objects.count() == 1


def test_service_notice_goes_to_key_contacts_of_licences_in_force(
    kent, essex, p1, lead, django_capture_on_commit_callbacks
):
    licence_contact_add(
        actor=None, licence=kent.licences.first(), name="Kim Kent", email="kim@kent.police.uk"
    )
    licence_contact_add(
        actor=None, licence=essex.licences.first(), name="Ed Essex", email="ed@essex.police.uk"
    )
    lapsed = make_org("surrey", "Surrey Police", licences=())
    old = licence_create(
        actor=None,
        organisation=lapsed,
        type="PL-P-101",
        reference="S-OLD",
        starts_on=dt.date(2010, 1, 1),
        ends_on=dt.date(2011, 1, 1),
    )
    licence_contact_add(actor=None, licence=old, name="Sam Surrey", email="sam@surrey.police.uk")
    assert Licence.objects.filter(organisation=lapsed).count() == 1
    incident = services.major_incident_declare(actor=lead, ticket=p1, summary="Down")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notice = services.service_notice_post(
            actor=lead, incident=incident, subject="Bluelamp unavailable", body="We are working on it."
        )
    assert notice.recipients_count == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["ed@essex.police.uk", "kim@kent.police.uk"]
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)
    assert "We are working on it." in mail.outbox[0].body
    assert incident.entries.filter(kind="communication", text__contains="2 key contacts").exists()
    assert (
        AuditEvent.objects.filter(action="servicedesk.service_notice_post").get().after["recipients_count"]
        == 2
    )


def test_timeline_entries_and_resolve(p1, lead, adviser, bob):
    incident = services.major_incident_declare(actor=lead, ticket=p1, summary="Down")
    services.incident_entry_add(
        actor=adviser, incident=incident, kind="action", text="Restarted the web tier"
    )
    with pytest.raises(PermissionDenied):
        services.incident_entry_add(actor=bob, incident=incident, kind="action", text="x")
    with pytest.raises(ValidationError):
        services.incident_entry_add(actor=adviser, incident=incident, kind="gossip", text="x")
    with pytest.raises(PermissionDenied):
        services.major_incident_resolve(actor=adviser, incident=incident, resolution="Fixed")
    services.major_incident_resolve(actor=lead, incident=incident, resolution="Database failed over")
    incident.refresh_from_db()
    assert incident.status == "resolved" and incident.resolved_by == lead
    with pytest.raises(ValidationError, match="resolved"):
        services.incident_entry_add(actor=adviser, incident=incident, kind="action", text="late")


# --- pages --------------------------------------------------------------------------------------


def test_declare_from_the_work_page_and_incident_pages(
    signed_in, p1, lead, service_manager, kent, django_capture_on_commit_callbacks
):
    licence_contact_add(
        actor=None, licence=kent.licences.first(), name="Kim Kent", email="kim@kent.police.uk"
    )
    client = signed_in(lead)
    work = client.get(f"/service-desk/tickets/{p1.reference}/")
    assert "Declare major incident" in work.content.decode()
    url = f"/service-desk/tickets/{p1.reference}/major-incident/declare/"
    assert client.post(url, {"summary": ""}).status_code == 400
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"summary": "All forces cannot sign in"})
    incident = MajorIncident.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/major-incidents/{incident.uuid}/")
    assert any("MAJOR INCIDENT" in m.subject for m in mail.outbox)
    page = client.get(response["Location"]).content.decode()
    assert "All forces cannot sign in" in page and "Post a service notice" in page
    assert p1.reference in client.get("/service-desk/major-incidents/").content.decode()
    base = f"/service-desk/major-incidents/{incident.uuid}"
    assert (
        client.post(f"{base}/entry/", {"entry-kind": "decision", "entry-text": "Fail over"}).status_code
        == 302
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        posted = client.post(
            f"{base}/notice/", {"notice-subject": "Outage", "notice-body": "Sign-in is down"}
        )
    assert posted.status_code == 302
    assert [m.to for m in mail.outbox] == [["kim@kent.police.uk"]]
    assert ServiceNotice.objects.get().recipients_count == 1
    bad = client.post(f"{base}/convene/", {"convene-members": "nobody@example.org"})
    assert bad.status_code == 400 and "nobody@example.org" in bad.content.decode()
    assert client.post(f"{base}/resolve/", {"resolve-resolution": "Failed over"}).status_code == 302
    assert MajorIncident.objects.get().status == "resolved"


def test_outsiders_get_404(client, signed_in, p1, lead, bob, charlie, adviser):
    incident = services.major_incident_declare(actor=lead, ticket=p1, summary="Down")
    urls = [
        "/service-desk/major-incidents/",
        f"/service-desk/major-incidents/{incident.uuid}/",
        f"/service-desk/tickets/{p1.reference}/major-incident/declare/",
    ]
    for person in (bob, charlie):
        c = signed_in(person)
        for url in urls:
            assert c.get(url).status_code == 404, (person, url)
        assert (
            c.post(
                f"/service-desk/major-incidents/{incident.uuid}/entry/",
                {"entry-kind": "action", "entry-text": "x"},
            ).status_code
            == 404
        )
    # An adviser sees the incident and adds to it, but may not declare or post notices.
    c = signed_in(adviser)
    assert c.get(urls[1]).status_code == 200
    assert c.get(urls[2]).status_code == 404
    refused = c.post(
        f"/service-desk/major-incidents/{incident.uuid}/notice/", {"notice-subject": "x", "notice-body": "y"}
    )
    assert refused.status_code == 400 and not ServiceNotice.objects.exists()
