"""Events (issue 13), end to end in headless chromium, as the people who use it:

1. Kent's training administrator (signed in with TOTP) records a venue and its room, creates a
   paid workshop in the pages, adds a two-day session of one place (dates typed into the date and
   time boxes), and publishes it;
2. a constable books: the place waits for payment; she pays by invoice with her force's purchase
   order, the place is booked, and her calendar file downloads; a sergeant joins the waiting list;
3. she cancels; the sergeant sees the place offered and accepts it (and pays the same way);
4. a trainer takes the register of an earlier session (started an hour ago) on the page built
   for a tablet; the learner who attended gives feedback; the administrator sees it in the report.

Card payment is proven against localstripe in bluelamp/events/tests/test_payments.py and
test_journey.py: localstripe's stand-in for Stripe.js cannot confirm a new payment in a browser
(its confirmCardPayment only completes 3-D Secure), so the browser pays by purchase order here.

Dates: the pages read the real clock, so sessions are placed from the real now; nothing asserts a
fixed calendar date. Every main page is checked with axe (WCAG 2.2 AA); every browser context
fails the test on a Content-Security-Policy violation.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bluelamp.core.timefmt import london
from bluelamp.events.booking import book
from bluelamp.events.models import Booking, Event
from bluelamp.events.services import EventInput, SessionInput, event_create, event_publish, session_create
from conftest import make_org, make_person, with_mfa
from tests.browser.fixtures import assert_accessible, sign_in
from tests.browser.test_programmes_journey import new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-horse-battery-9"


def test_an_event_from_the_administrators_pages_to_the_register(page, browser, live_server):
    now = timezone.now()
    kent = make_org("kent", "Kent Police")
    tina = make_person(
        kent, "tina@kent.police.uk", first="Tina", last="Admin", roles=["training_admin"], password=PASSWORD
    )
    tina_secret = with_mfa(tina)
    sergeant = make_person(kent, "sam@kent.police.uk", first="Sam", last="Sergeant", password=PASSWORD)
    constable = make_person(
        kent, "cara@kent.police.uk", first="Cara", last="Constable", line_manager=sergeant, password=PASSWORD
    )
    trainer = make_person(
        kent, "tess@kent.police.uk", first="Tess", last="Trainer", staff_number="K9", password=PASSWORD
    )
    csp: list[str] = []

    # 1. The administrator: venue, room, workshop, two-day session, publish.
    sign_in(page, tina.email, PASSWORD, tina_secret)
    page.goto("/events/manage/venues/new/")
    page.fill("#id_name", "Kent Training Centre")
    page.fill("#id_address", "Sutton Road\nMaidstone")
    page.locator("main button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("Add its rooms")
    page.fill("#id_name", "Room 1")
    page.fill("#id_capacity", "12")
    page.get_by_role("button", name="Add the room").click()
    expect(page.locator("#rooms")).to_contain_text("Room 1")
    page.goto("/events/manage/new/")
    assert_accessible(page, "create an event")
    page.get_by_label("Workshop").check()
    page.fill("#id_title", "Leading change")
    page.fill("#id_description", "Two days on leading change.")
    page.get_by_label("People of the organisation running it").check()
    page.get_by_label("Paid per place (card, or invoice to the force)").check()
    page.fill("#id_price", "150")
    page.get_by_label("No approval: booking confirms the place").check()
    page.locator("main button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("saved as a draft")
    page.get_by_role("button", name="Add a session").click()
    first_day = london(now + dt.timedelta(days=21)).date()
    for n, day in ((1, first_day), (2, first_day + dt.timedelta(days=1))):
        page.fill(f"#id_day_{n}", day.isoformat())
        page.fill(f"#id_start_{n}", "09:00")
        page.fill(f"#id_end_{n}", "16:30")
    page.fill("#id_capacity", "1")
    page.select_option("#id_room", label="Kent Training Centre, Room 1 (seats 12)")
    page.fill("#id_trainers", "K9")
    page.fill("#id_booking_opens", london(now - dt.timedelta(days=1)).date().isoformat())
    page.fill("#id_booking_closes", (first_day - dt.timedelta(days=2)).isoformat())
    assert_accessible(page, "add a session")
    page.get_by_role("button", name="Save the session").click()
    expect(page.locator("main")).to_contain_text("The session is added.")
    page.goto(f"/events/manage/{Event.objects.get(title='Leading change').uuid}/")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("main")).to_contain_text("The event is published")
    assert_accessible(page, "the event")

    # 2. The constable books and pays by purchase order; the sergeant waits.
    cara = new_page(browser, live_server, csp)
    sign_in(cara, constable.email, PASSWORD)
    cara.goto("/events/")
    cara.get_by_role("link", name="Leading change").click()
    assert_accessible(cara, "a session")
    cara.get_by_role("button", name="Book a place").click()
    expect(cara.locator("main")).to_contain_text("Your place is held: pay for it to confirm it.")
    cara.get_by_role("button", name="Pay for your place").click()
    expect(cara.locator("#pay-total")).to_contain_text("£180.00")
    assert_accessible(cara, "paying")
    cara.fill("#id_po_number", "PO-KENT-118")
    cara.get_by_role("button", name="Book with this purchase order").click()
    expect(cara.locator("#booking-status")).to_contain_text("Booked")
    with cara.expect_download() as download:
        cara.get_by_role("link", name="Add it to your calendar (.ics)").click()
    assert b"METHOD:REQUEST" in open(download.value.path(), "rb").read()
    expect(cara.locator("#payment-document")).to_contain_text("Invoice EV-")

    sam = new_page(browser, live_server, csp)
    sign_in(sam, sergeant.email, PASSWORD)
    session_url = cara.url  # the booking page; the session is reached from the list
    sam.goto("/events/")
    sam.get_by_role("link", name="Leading change").click()
    sam.get_by_role("button", name="Join the waiting list").click()
    expect(sam.locator("main")).to_contain_text("you are number 1 on the waiting list")

    # 3. She cancels; the sergeant is offered the place and takes it.
    cara.goto(session_url)
    cara.get_by_role("button", name="Cancel my booking").click()
    expect(cara.locator("main")).to_contain_text("Your booking is cancelled.")
    sam.goto("/events/bookings/")
    sam.get_by_role("link", name="Leading change").click()
    expect(sam.locator("#booking-status")).to_contain_text("Offered a place")
    sam.get_by_role("button", name="Accept the place").click()
    expect(sam.locator("main")).to_contain_text("The place is yours.")
    assert Booking.objects.get(person=sergeant).status == "pending_payment"

    # 4. The register of a session that started an hour ago, feedback, the report.
    earlier = event_create(
        actor=None, owner=kent,
        data=EventInput(kind="classroom", title="First aid refresher", description="Annual."), at=now - dt.timedelta(days=10),
    )  # fmt: skip
    started = session_create(
        actor=None, event=earlier,
        data=SessionInput(
            dates=[(now - dt.timedelta(hours=1), now + dt.timedelta(hours=5))], capacity=10,
            booking_opens_at=now - dt.timedelta(days=10), booking_closes_at=now - dt.timedelta(days=1),
            online_url="https://meet.example/first-aid", trainers=[trainer],
        ),
    )  # fmt: skip
    event_publish(actor=None, event=earlier, at=now - dt.timedelta(days=10))
    attended = book(actor=None, session=started, person=constable, at=now - dt.timedelta(days=5))
    book(actor=None, session=started, person=sergeant, at=now - dt.timedelta(days=5))
    tess = new_page(browser, live_server, csp)
    tess.set_viewport_size({"width": 1024, "height": 768})  # a tablet
    sign_in(tess, trainer.email, PASSWORD)
    tess.goto("/events/training/")
    tess.get_by_role("link", name="Register for First aid refresher").first.click()
    tess.locator(f"#b{attended.pk}-attended").check()
    tess.get_by_role("radio", name="Did not attend").last.check()
    assert_accessible(tess, "the register")
    tess.get_by_role("button", name="Save the register").click()
    expect(tess.locator("#register-counts")).to_contain_text(
        "1 attended, 0 partly attended, 1 did not attend"
    )

    cara.goto(f"/events/bookings/{attended.uuid}/")
    cara.get_by_role("link", name="Tell us what you thought of it").click()
    cara.get_by_label("5, excellent").check()
    cara.get_by_label("Yes").check()
    cara.fill("#id_comments", "Practical and clear.")
    assert_accessible(cara, "feedback")
    cara.get_by_role("button", name="Send your feedback").click()
    expect(cara.locator("main")).to_contain_text("Thank you: your feedback is sent")

    page.goto(f"/events/manage/{earlier.uuid}/report/")
    expect(page.locator("#report-trainers")).to_contain_text("Tess Trainer")
    expect(page.locator("main")).to_contain_text("Practical and clear.")
    assert_accessible(page, "the event's report")
    assert not csp, csp
