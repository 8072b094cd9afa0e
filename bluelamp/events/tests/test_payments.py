"""Paid places against a real fake Stripe (localstripe, started by the tests): a place awaiting
payment is confirmed only when the card payment succeeds, whether the browser's return or the
signed webhook says so first, and a replayed webhook changes nothing; a declined card keeps the
place held; a purchase order confirms at once with an invoice; cancelling refunds as the policy
says; receipts and invoices are PDFs with the VAT; the month's finance export."""

import time

import pytest

from bluelamp.events import payments, tasks
from bluelamp.events.booking import book, cancel, holds_expire
from bluelamp.events.finance import lines
from bluelamp.events.models import Event, Payment, PaymentEvent
from bluelamp.events.tests.conftest import STRIPE_WEBHOOK_SECRET
from bluelamp.events.tests.helpers import AT, event, utc
from bluelamp.events.tests.localstripe import DECLINED_CARD, pay_with_test_card, signed_webhook
from bluelamp.events.tests.test_pages import text
from bluelamp.notifications.api import OutgoingEmail
from conftest import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr("bluelamp.events.web.clock.now", lambda: AT)


def paid_event(kent, **changes):
    values = {"pricing": "per_place", "price_pence": 15000, "title": "CMI workshop", "capacity": 2}
    values.update(changes)
    return event(kent, **values)


def test_price_and_vat():
    assert payments.price(Event(price_pence=15000, vat_basis_points=2000)) == (15000, 3000, 18000)
    assert payments.price(Event(price_pence=999, vat_basis_points=2000)) == (
        999,
        200,
        1199,
    )  # 199.8 rounds up


def test_paying_by_card_confirms_the_place_once(client, signed_in, kent, bob, stripe_settings):
    _, session = paid_event(kent)
    booking = book(actor=bob, session=session, person=bob, at=AT)
    assert booking.status == "pending_payment"
    signed_in(bob)
    page = text(client.get(f"/events/bookings/{booking.uuid}/pay/"))
    assert "Total £180.00" in page and "VAT at 20% £30.00" in page and "Pay £180.00 by card" in page
    card = client.post(f"/events/bookings/{booking.uuid}/pay/card/")
    policy = card["Content-Security-Policy"]
    assert stripe_settings.STRIPE_API_BASE in policy and "data-client-secret=" in card.content.decode()
    payment = Payment.objects.get(booking=booking)
    again = client.get(f"/events/bookings/{booking.uuid}/pay/card/")  # a reload: the same intent
    assert again.status_code == 200 and Payment.objects.filter(booking=booking).count() == 1
    intent = payments.get_gateway().retrieve_intent(payment.intent_id)
    assert (intent.amount_pence, intent.metadata["booking"]) == (18000, str(booking.uuid))

    not_yet = client.get(f"/events/bookings/{booking.uuid}/pay/done/?payment={payment.uuid}", follow=True)
    assert "The payment has not gone through" in text(not_yet)
    assert pay_with_test_card(stripe_settings.STRIPE_API_BASE, intent) == "succeeded"
    done = client.get(f"/events/bookings/{booking.uuid}/pay/done/?payment={payment.uuid}", follow=True)
    assert "your payment is received and your place is booked" in text(done)
    booking.refresh_from_db()
    payment.refresh_from_db()
    assert (booking.status, payment.status, payment.number) == ("booked", "paid", "EV-2026-000001")
    assert OutgoingEmail.objects.filter(kind="events.booked", to=["bob@kent.police.uk"]).count() == 1

    # The webhook arrives after: nothing more happens, and its replay neither.
    body, signature = signed_webhook(
        {
            "id": "evt_1",
            "type": "payment_intent.succeeded",
            "data": {"object": {"id": payment.intent_id, "object": "payment_intent"}},
        },
        STRIPE_WEBHOOK_SECRET,
        int(time.time()),  # the SDK checks the signature's time against the clock
    )
    for _ in range(2):
        answer = client.post(
            "/events/payments/webhook/",
            body,
            content_type="application/json",
            headers={"Stripe-Signature": signature},
        )
        assert answer.status_code == 200
    assert list(PaymentEvent.objects.values_list("outcome", flat=True)) == ["paid: paid"]
    assert OutgoingEmail.objects.filter(kind="events.booked").count() == 1
    receipt = client.get(f"/events/bookings/{booking.uuid}/receipt.pdf")
    assert receipt["Content-Type"] == "application/pdf" and receipt.content.startswith(b"%PDF")
    bad = client.post(
        "/events/payments/webhook/",
        body,
        content_type="application/json",
        headers={"Stripe-Signature": "t=1,v1=00"},
    )
    assert bad.status_code == 400


def test_the_webhook_alone_confirms_and_a_declined_card_keeps_the_hold(kent, bob, stripe_settings):
    _, session = paid_event(kent)
    booking = book(actor=bob, session=session, person=bob, at=AT)
    payment, intent = payments.start_card_payment(actor=bob, booking=booking, at=AT)
    assert (
        pay_with_test_card(stripe_settings.STRIPE_API_BASE, intent, DECLINED_CARD)
        == "requires_payment_method"
    )
    booking.refresh_from_db()
    assert booking.status == "pending_payment"
    from bluelamp.events.gateway import WebhookEvent

    outcome = payments.handle_webhook(
        WebhookEvent(id="evt_2", type="payment_intent.succeeded", object={"id": payment.intent_id}), at=AT
    )
    assert outcome == "paid: paid"
    booking.refresh_from_db()
    assert booking.status == "booked"


def test_a_hold_with_a_payment_that_went_through_is_kept(kent, bob, stripe_settings):
    _, session = paid_event(kent)
    booking = book(actor=bob, session=session, person=bob, at=AT)
    payment, intent = payments.start_card_payment(actor=bob, booking=booking, at=AT)
    pay_with_test_card(stripe_settings.STRIPE_API_BASE, intent)
    assert holds_expire(at=utc(2026, 12, 9)) == 0  # the webhook never came: the gateway is asked
    booking.refresh_from_db()
    assert booking.status == "booked"


def test_purchase_order_confirms_at_once_with_an_invoice(client, signed_in, kent, bob):
    _, session = paid_event(kent)
    booking = book(actor=bob, session=session, person=bob, at=AT)
    signed_in(bob)
    page = text(client.get(f"/events/bookings/{booking.uuid}/pay/"))
    assert "by card" not in page.lower().split("refunds")[1][:40]  # no card payments configured
    bad = text(client.post(f"/events/bookings/{booking.uuid}/pay/invoice/", {"po_number": "=HYPERLINK()"}))
    assert "Enter the purchase order number: letters, digits" in bad
    client.post(f"/events/bookings/{booking.uuid}/pay/invoice/", {"po_number": "PO-2026/118"})
    booking.refresh_from_db()
    invoice = Payment.objects.get(booking=booking)
    assert (booking.status, invoice.method, invoice.status, invoice.po_number) == (
        "booked",
        "invoice",
        "invoiced",
        "PO-2026/118",
    )
    pdf = client.get(f"/events/bookings/{booking.uuid}/receipt.pdf")
    assert pdf.content.startswith(b"%PDF")
    cancel(actor=bob, booking=booking, at=AT)
    invoice.refresh_from_db()
    assert invoice.status == "credited"
    (raised, credit) = lines(Event.objects.all(), AT.date())
    assert (raised.kind, raised.total, credit.kind, credit.total) == ("Invoice", 18000, "Credit note", -18000)


def test_cancelling_refunds_by_the_policy(
    kent, alice, bob, stripe_settings, django_capture_on_commit_callbacks
):
    _, session = paid_event(kent, capacity=3)
    carol = make_person(kent, "carol@kent.police.uk", first="Carol", last="Kent")
    paid = {}
    for person in (bob, carol):
        booking = book(actor=person, session=session, person=person, at=AT)
        payment, intent = payments.start_card_payment(actor=person, booking=booking, at=AT)
        pay_with_test_card(stripe_settings.STRIPE_API_BASE, intent)
        payments.card_payment_returned(payment=payment, at=AT)
        paid[person] = (booking, payment)
    with django_capture_on_commit_callbacks():
        cancel(actor=bob, booking=paid[bob][0], at=AT)  # before the cut-off: in full
    assert payments.refunds_owed(at=AT) == [(paid[bob][1].pk, "cancelled")]
    payments.refund_after_cancel(paid[bob][1].pk, "cancelled", at=AT)  # the task's work, at a fixed time
    assert tasks.refund_payment.enqueue(paid[bob][1].pk, "cancelled").return_value == 0  # once only
    late = utc(2027, 1, 11, 9)
    with django_capture_on_commit_callbacks() as queued:
        cancel(actor=alice, booking=paid[carol][0], at=late)  # late: nothing back
    assert all("on_cancel" not in str(callback) for callback in queued)
    assert payments.refunds_owed(at=AT) == []
    bob_payment, carol_payment = (Payment.objects.get(pk=paid[p][1].pk) for p in (bob, carol))
    assert (bob_payment.status, bob_payment.refunded_pence) == ("refunded", 18000)
    assert (carol_payment.status, carol_payment.refunded_pence) == ("paid", 0)
    assert payments.refunds_owed(at=AT) == []
    # An administrator forgives the late one, in part.
    payments.refund_by_hand(
        actor=alice, payment=carol_payment, amount_pence=9000, reason="Operational duty", at=late
    )
    carol_payment.refresh_from_db()
    assert (carol_payment.status, carol_payment.refunded_pence) == ("part_refunded", 9000)
    from bluelamp.events.reports import revenue

    # Bob's refunded in full, Carol's £180 paid less £90 back: £75 before VAT kept.
    assert revenue(session.event.sessions.all()) == 7500
    kinds = [(line.kind, line.total) for line in lines(Event.objects.all(), AT.date())]
    assert kinds == [("Card payment", 18000), ("Card payment", 18000), ("Refund", -18000)]


def test_cancelling_the_session_refunds_everyone(
    kent, alice, bob, stripe_settings, django_capture_on_commit_callbacks
):
    from bluelamp.events.services import session_cancel

    _, session = paid_event(kent)
    booking = book(actor=bob, session=session, person=bob, at=AT)
    payment, intent = payments.start_card_payment(actor=bob, booking=booking, at=AT)
    pay_with_test_card(stripe_settings.STRIPE_API_BASE, intent)
    payments.card_payment_returned(payment=payment, at=AT)
    with django_capture_on_commit_callbacks(execute=True):  # the refund task runs on commit
        session_cancel(actor=alice, session=session, reason="Venue flooded", at=AT)
    payment.refresh_from_db()
    assert (payment.status, payment.refunds.get().reason) == (
        "refunded",
        "The organisers cancelled the session: refunded in full.",
    )


def test_places_charged_to_the_force_are_in_the_months_export(client, signed_in, kent, essex, alice, bob):
    _, session = event(kent, pricing="force", price_pence=5000, title="Charged", audience="licensed")
    book(actor=bob, session=session, person=bob, at=AT)
    (line,) = lines(Event.objects.all(), utc(2027, 1, 1).date())
    assert (line.kind, line.payer, line.net, line.vat, line.total) == (
        "Charge to force",
        "Kent Police",
        5000,
        1000,
        6000,
    )
    signed_in(alice)
    page = text(client.get("/events/manage/finance/?month=2027-01"))
    assert "Charge to force 1 £50.00 £10.00 £60.00" in page
    xlsx = client.get("/events/manage/finance/?month=2027-01&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
