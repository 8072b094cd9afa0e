"""Ticket pages: support, My tickets, the queue, the work page and the phone-call log, each with
an outsider who must get a 404 exactly like a missing ticket."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from bluelamp.organisations.api import licence_contact_add
from bluelamp.servicedesk.tickets.models import Attachment, Contact, Ticket
from bluelamp.servicedesk.tickets.services import ticket_add_note, ticket_create
from conftest import london, make_person, page_body

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
FRIDAY_1630 = london(2026, 8, 28, 16, 30)


@pytest.fixture
def essex_officer(essex):
    return make_person(essex, "dan@essex.police.uk", first="Dan", last="Essex")


@pytest.fixture
def bobs_ticket(bob):
    return ticket_create(
        actor=bob,
        type="incident",
        subject="Course will not open",
        description="It spins",
        attachments=[SimpleUploadedFile("screen.png", PNG)],
    )


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- support ------------------------------------------------------------------------------------


def test_public_general_enquiry(client, db, django_capture_on_commit_callbacks):
    page = client.get("/service-desk/support/")
    assert page.status_code == 200
    assert 'name="email"' in page.text and 'name="impact"' not in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/service-desk/support/",
            {
                "name": "Pat Public",
                "email": "pat@example.org",
                "subject": "Access",
                "description": "Who may join?",
            },
        )
    assert response.status_code == 302 and response["Location"] == "/service-desk/support/sent/"
    ticket = Ticket.objects.get()
    assert (ticket.type, ticket.requester, ticket.requester_email) == (
        "general_enquiry",
        None,
        "pat@example.org",
    )
    sent = client.get("/service-desk/support/sent/")
    assert ticket.reference in sent.text
    assert mail.outbox[0].subject.startswith(f"[{ticket.reference}]")
    # Another browser cannot see the confirmation.
    assert Client().get("/service-desk/support/sent/").status_code == 302


def test_public_enquiry_errors_name_the_field(client, db):
    response = client.post("/service-desk/support/", {"name": "", "email": "not-an-address"})
    assert response.status_code == 200
    body = text_of(response)
    assert (
        "There is a problem" in body and "Enter your name" in body and "Enter an e-mail address like" in body
    )
    assert not Ticket.objects.exists()


def test_signed_in_support_suggests_the_priority(signed_in, bob, django_capture_on_commit_callbacks):
    client = signed_in(bob)
    page = client.get("/service-desk/support/")
    assert "How we set the priority" in page.text and 'name="priority"' not in page.text
    from bluelamp.servicedesk.tickets.models import Category

    category = Category.objects.first()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/service-desk/support/",
            {
                "type": "incident",
                "category": category.pk,
                "subject": "Nothing loads",
                "description": "All of Kent is affected",
                "impact": "many_customers",
                "urgency": "work_stopped",
                "attachments": [SimpleUploadedFile("a.png", PNG), SimpleUploadedFile("b.txt", b"log line\n")],
            },
        )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.priority, ticket.requester, ticket.organisation) == ("P1", bob, bob.organisation)
    assert sorted(a.name for a in ticket.attachments.all()) == ["a.png", "b.txt"]
    sent = text_of(client.get("/service-desk/support/sent/"))
    assert ticket.reference in sent and "P1 – critical" in sent
    assert mail.outbox[0].to == [bob.email]


def test_support_attachment_errors_are_clear(signed_in, bob):
    from bluelamp.servicedesk.tickets.models import Category

    response = signed_in(bob).post(
        "/service-desk/support/",
        {
            "type": "incident",
            "category": Category.objects.first().pk,
            "subject": "S",
            "description": "D",
            "impact": "one_person",
            "urgency": "inconvenience",
            "attachments": [SimpleUploadedFile("tool.exe", b"MZ...")],
        },
    )
    assert response.status_code == 200
    assert "tool.exe cannot be attached: .exe files are not accepted" in text_of(response)
    assert not Ticket.objects.exists()


# --- My tickets and isolation -------------------------------------------------------------------


def test_requester_sees_own_ticket_public_entries_only(signed_in, bob, adviser, bobs_ticket):
    ticket_add_note(actor=adviser, ticket=bobs_ticket, body="INTERNAL: looks like user error")
    client = signed_in(bob)
    listing = client.get("/service-desk/my-tickets/")
    assert bobs_ticket.reference in listing.text
    page = client.get(f"/service-desk/my-tickets/{bobs_ticket.reference}/")
    assert page.status_code == 200
    assert "It spins" in page.text and "INTERNAL" not in page.text
    response = client.post(
        f"/service-desk/my-tickets/{bobs_ticket.reference}/",
        {"body": "Also on my phone", "attachments": [SimpleUploadedFile("phone.png", PNG)]},
    )
    assert response.status_code == 302
    assert bobs_ticket.events.filter(kind="customer_reply", author=bob).exists()


@pytest.mark.parametrize("outsider", ["charlie", "essex_officer"])
def test_outsiders_get_404_like_a_missing_ticket(request, signed_in, bobs_ticket, outsider):
    client = signed_in(request.getfixturevalue(outsider))
    ref = bobs_ticket.reference
    attachment = bobs_ticket.attachments.get()
    missing = client.get("/service-desk/my-tickets/BL-2026-999999/")
    assert missing.status_code == 404
    for url in [
        f"/service-desk/my-tickets/{ref}/",
        f"/service-desk/tickets/{ref}/attachments/{attachment.pk}/",
        f"/service-desk/tickets/{ref}/",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert page_body(response) == page_body(missing) or url.endswith("/tickets/" + ref + "/")
    assert client.post(f"/service-desk/my-tickets/{ref}/", {"body": "hi"}).status_code == 404
    assert ref not in client.get("/service-desk/my-tickets/").text
    assert not bobs_ticket.events.filter(kind="customer_reply").exists()


def test_key_contact_sees_the_organisations_tickets(signed_in, alice, bob, charlie, bobs_ticket, essex):
    licence = bob.organisation.licences.first()
    licence_contact_add(actor=None, licence=licence, name="Alice Admin", email=alice.email, person=alice)
    # Charlie is a key contact too, but of Essex: still nothing of Kent's.
    licence_contact_add(
        actor=None, licence=essex.licences.first(), name="Charlie", email=charlie.email, person=charlie
    )
    client = signed_in(alice)
    assert bobs_ticket.reference in client.get("/service-desk/my-tickets/").text
    assert client.get(f"/service-desk/my-tickets/{bobs_ticket.reference}/").status_code == 200
    client = signed_in(charlie)
    assert client.get(f"/service-desk/my-tickets/{bobs_ticket.reference}/").status_code == 404


def test_attachments_of_internal_notes_are_staff_only(signed_in, bob, adviser, bobs_ticket):
    ticket_add_note(
        actor=adviser,
        ticket=bobs_ticket,
        body="Log",
        attachments=[SimpleUploadedFile("server.txt", b"secret\n")],
    )
    internal = Attachment.objects.get(name="server.txt")
    public = Attachment.objects.get(name="screen.png")
    client = signed_in(bob)
    url = f"/service-desk/tickets/{bobs_ticket.reference}/attachments/"
    response = client.get(f"{url}{public.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert client.get(f"{url}{internal.pk}/").status_code == 404
    assert signed_in(adviser).get(f"{url}{internal.pk}/").status_code == 200


# --- staff pages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/service-desk/queue/", "/service-desk/calls/new/", "/service-desk/tickets/{ref}/"],
)
def test_staff_pages_refuse_everyone_else(signed_in, bob, alice, bobs_ticket, url):
    url = url.format(ref=bobs_ticket.reference)
    for person in (bob, alice):
        assert signed_in(person).get(url).status_code == 404
    assert (
        signed_in(bob)
        .post(f"/service-desk/tickets/{bobs_ticket.reference}/note/", {"note-body": "x"})
        .status_code
        == 404
    )
    assert not bobs_ticket.events.filter(kind="note").exists()


def test_anonymous_is_sent_to_sign_in(client, bobs_ticket):
    for url in [
        "/service-desk/queue/",
        "/service-desk/my-tickets/",
        f"/service-desk/tickets/{bobs_ticket.reference}/",
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_navigation_shows_desk_to_staff_and_support_to_everyone(signed_in, bob, adviser):
    assert 'href="/service-desk/support/"' in signed_in(bob).get("/").text
    assert 'href="/service-desk/queue/"' not in signed_in(bob).get("/").text
    assert 'href="/service-desk/queue/"' in signed_in(adviser).get("/").text


def _make_tickets(bob, n):
    for i in range(n):
        ticket_create(actor=bob, type="incident", subject=f"Ticket {i}", description="d")


def test_queue_filters_and_pinned_query_count(signed_in, adviser, bob, django_assert_num_queries):
    client = signed_in(adviser)
    _make_tickets(bob, 3)
    client.get("/service-desk/queue/")  # warm the session and the desk calendar
    # Person, organisation, roles (one query for the MFA check and the navigation) and licences
    # (the session is read from the cache), then the count and one page of tickets with their assignees, categories and
    # organisations, then the person's saved filters and the desk's staff for the bulk "assign
    # to" list; and the maintenance banner's announced windows (kept a minute in each process in
    # production, read on every page here).
    with django_assert_num_queries(11) as few:
        response = client.get("/service-desk/queue/?status=&priority=P4")
    assert text_of(response).count("Ticket ") >= 3
    _make_tickets(bob, 60)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/service-desk/queue/?status=&priority=P4")
    assert "Page 1 of 2" in response.text
    one = Ticket.objects.get(subject="Ticket 42")
    found = client.get("/service-desk/queue/", {"q": one.reference.lower()})
    assert one.reference in found.text and "Ticket 41" not in found.text
    assert "Ticket 1<" not in client.get("/service-desk/queue/?mine=on").text


def test_work_page_actions(
    signed_in, adviser, engineer, bob, bobs_ticket, django_capture_on_commit_callbacks
):
    client = signed_in(adviser)
    url = f"/service-desk/tickets/{bobs_ticket.reference}/"
    page = client.get(url)
    assert page.status_code == 200 and "It spins" in page.text

    # A priority override needs a reason; the error is shown and nothing changes.
    response = client.post(url + "priority/", {"priority-priority": "P2", "priority-reason": ""})
    assert response.status_code == 400 and "Enter the reason for the change" in response.text
    assert Ticket.objects.get().priority == "P4"
    client.post(url + "priority/", {"priority-priority": "P2", "priority-reason": "Exam tomorrow"})
    assert Ticket.objects.get().priority == "P2"

    client.post(url + "tier/", {"tier-reason": "Needs app ops", "direction": "up"})
    assert Ticket.objects.get().tier == "second_line"
    client.post(url + "assign/", {"assign-assignee": engineer.pk})
    assert Ticket.objects.get().assignee == engineer
    client.post(url + "note/", {"note-body": "Checked the logs"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url + "reply/", {"reply-body": "Please try now", "reply-await_customer": "on"})
    ticket = Ticket.objects.get()
    assert ticket.status == "awaiting_customer" and ticket.first_response_at is not None
    assert mail.outbox[-1].to == [bob.email] and "Please try now" in mail.outbox[-1].body
    response = client.post(url + "status/", {"status-status": "reopened", "status-reason": ""})
    assert response.status_code == 400 and "cannot become reopened" in response.text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url + "status/", {"status-status": "resolved"})
    assert Ticket.objects.get().status == "resolved"
    assert "Resolved:" in mail.outbox[-1].subject
    timeline = text_of(client.get(url))
    assert "Exam tomorrow" in timeline and "Needs app ops" in timeline and "Checked the logs" in timeline


def test_log_a_phone_call_as_p2_on_friday_before_a_bank_holiday(
    signed_in, adviser, bob, monkeypatch, django_capture_on_commit_callbacks
):
    from bluelamp.servicedesk.tickets.models import Category

    client = signed_in(adviser)
    assert client.get("/service-desk/calls/new/").status_code == 200
    monkeypatch.setattr("django.utils.timezone.now", lambda: FRIDAY_1630)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/service-desk/calls/new/",
            {
                "caller_name": "Bob Officer",
                "caller_phone": "01622 000000",
                "person_email": bob.email,
                "outcome": "Locked out; logged",
                "logged_as": "new",
                "type": "incident",
                "category": Category.objects.first().pk,
                "subject": "Locked out",
                "description": "Account locked",
                "impact": "one_person",
                "urgency": "work_stopped",
                "priority": "P2",
                "priority_reason": "Cohort starts Tuesday",
            },
        )
    ticket = Ticket.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/service-desk/tickets/{ticket.reference}/"
    )
    assert (ticket.channel, ticket.priority, ticket.requester) == ("phone", "P2", bob)
    assert ticket.response_due == london(2026, 9, 1, 11, 30)
    assert ticket.resolution_due == london(2026, 9, 8, 10, 30)
    page = text_of(client.get(response["Location"]))
    assert "1 September 2026 at 11:30am" in page and "8 September 2026 at 10:30am" in page
    assert mail.outbox[0].to == [bob.email]
    assert Contact.objects.get().ticket == ticket


def test_log_a_call_not_logged_or_on_an_existing_ticket(signed_in, adviser, bobs_ticket):
    client = signed_in(adviser)
    response = client.post(
        "/service-desk/calls/new/", {"caller_name": "Sam", "outcome": "Hung up", "logged_as": "not_logged"}
    )
    assert response.status_code == 400 and "Enter why the call is not logged" in response.text
    client.post(
        "/service-desk/calls/new/",
        {
            "caller_name": "Sam",
            "outcome": "Wrong number",
            "logged_as": "not_logged",
            "not_logged_reason": "Not ours",
        },
    )
    response = client.post(
        "/service-desk/calls/new/",
        {"caller_name": "Bob", "outcome": "Chasing", "logged_as": "existing", "reference": "BL-1999-000001"},
    )
    assert "There is no ticket BL-1999-000001" in response.text
    client.post(
        "/service-desk/calls/new/",
        {
            "caller_name": "Bob",
            "outcome": "Chasing",
            "logged_as": "existing",
            "reference": bobs_ticket.reference.lower(),
        },
    )
    assert list(Contact.objects.order_by("pk").values_list("not_logged_reason", "ticket")) == [
        ("Not ours", None),
        ("", bobs_ticket.pk),
    ]


def test_categories_are_edited_in_django_admin(signed_in, platform_admin, bob):
    from bluelamp.servicedesk.tickets.models import Category

    client = signed_in(platform_admin)
    assert client.get("/django-admin/servicedesk/category/").status_code == 200
    response = client.post(
        "/django-admin/servicedesk/category/add/", {"name": "Mobile app", "description": "", "position": 5}
    )
    assert response.status_code == 302
    retired = Category.objects.get(name="Reports and data")
    retired.is_active = False
    retired.save()
    page = signed_in(bob).get("/service-desk/support/").text
    assert "Mobile app" in page and "Reports and data" not in page
