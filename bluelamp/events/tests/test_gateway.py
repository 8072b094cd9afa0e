"""The payment gateway (bluelamp/events/gateway.py) against localstripe, a fake Stripe server started
once per test process (conftest.py): intents, test cards, refunds, cancelling, errors and webhooks.

Webhook signatures carry a time, and the Stripe SDK compares it with the machine's clock (300 s of
tolerance): those tests alone take "now" from time.time(); nothing else reads the clock or the date.
"""

import http.server
import queue
import socket
import threading
import time
import uuid

import pytest
import stripe

from bluelamp.events.gateway import (
    REFUSED,
    UNREACHABLE,
    GatewayError,
    Intent,
    InvalidWebhook,
    StripeGateway,
    get_gateway,
    payments_configured,
)
from bluelamp.events.tests.conftest import STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET
from bluelamp.events.tests.localstripe import (
    DECLINED_CARD,
    pay_with_test_card,
    register_webhook,
    signature_header,
    signed_webhook,
)


def new_key(what: str) -> str:
    # The server lives for the whole run: every test's keys are its own.
    return f"{what}-{uuid.uuid4()}"


def new_intent(gateway, *, amount_pence=2400, booking="42") -> Intent:
    return gateway.create_intent(
        amount_pence=amount_pence,
        description="First aid refresher, 12 January 2027: 1 place",
        metadata={"booking": booking},
        idempotency_key=new_key("intent"),
    )


@pytest.fixture
def gateway(stripe_settings):
    return get_gateway()


# --- configuration ---------------------------------------------------------------------------------


def test_the_gateway_is_built_from_settings(stripe_settings):
    gateway = get_gateway()

    assert isinstance(gateway, StripeGateway)
    assert gateway.name == "stripe"
    assert gateway.publishable_key == "pk_test_bluelamp"
    assert gateway.js_url == stripe_settings.STRIPE_API_BASE + "/js.stripe.com/v3/"
    assert STRIPE_SECRET_KEY not in repr(gateway)
    assert payments_configured()


def test_without_both_keys_payments_are_not_configured(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_bluelamp"
    settings.STRIPE_PUBLISHABLE_KEY = ""

    assert not payments_configured()
    with pytest.raises(GatewayError, match="not available"):
        get_gateway()


# --- intents ---------------------------------------------------------------------------------------


def test_an_intent_is_created_once_per_idempotency_key(gateway):
    key = new_key("intent")

    def create():
        return gateway.create_intent(
            amount_pence=2400,
            currency="GBP",
            description="First aid refresher: 1 place",
            metadata={"booking": "42", "event": "7"},
            idempotency_key=key,
        )

    intent = create()

    assert intent.id.startswith("pi_")
    assert intent.client_secret.startswith(intent.id + "_secret_")
    assert intent.status == "requires_payment_method"
    assert (intent.amount_pence, intent.currency) == (2400, "gbp")
    assert intent.metadata == {"booking": "42", "event": "7"}
    assert create() == intent
    assert new_intent(gateway).id != intent.id
    assert gateway.retrieve_intent(intent.id) == intent


def test_the_same_key_with_other_details_is_refused(gateway):
    key = new_key("intent")
    gateway.create_intent(amount_pence=2400, description="1 place", metadata={}, idempotency_key=key)

    with pytest.raises(GatewayError) as raised:
        gateway.create_intent(amount_pence=4800, description="2 places", metadata={}, idempotency_key=key)
    assert raised.value.message == REFUSED


def test_paying_with_the_test_card_succeeds(gateway, localstripe_server):
    intent = new_intent(gateway)

    assert pay_with_test_card(localstripe_server, intent) == "succeeded"
    assert gateway.retrieve_intent(intent.id).status == "succeeded"


def test_a_declined_card_leaves_the_intent_waiting_for_another(gateway, localstripe_server):
    intent = new_intent(gateway)

    assert pay_with_test_card(localstripe_server, intent, DECLINED_CARD) == "requires_payment_method"
    assert gateway.retrieve_intent(intent.id).status == "requires_payment_method"
    # (Stripe would then take another card for it; localstripe refuses to confirm it again.)


def test_an_unpaid_intent_is_cancelled_once(gateway):
    intent = new_intent(gateway)
    key = new_key("cancel")

    cancelled = gateway.cancel_intent(intent.id, idempotency_key=key)

    assert cancelled.status == "canceled"
    assert gateway.cancel_intent(intent.id, idempotency_key=key) == cancelled
    assert gateway.retrieve_intent(intent.id).status == "canceled"


def test_a_paid_intent_cannot_be_cancelled(gateway, localstripe_server):
    intent = new_intent(gateway)
    pay_with_test_card(localstripe_server, intent)

    with pytest.raises(GatewayError) as raised:
        gateway.cancel_intent(intent.id, idempotency_key=new_key("cancel"))
    assert raised.value.message == REFUSED


def test_an_unknown_intent_is_refused(gateway):
    with pytest.raises(GatewayError) as raised:
        gateway.retrieve_intent("pi_doesnotexist")
    assert raised.value.message == REFUSED


# --- refunds ---------------------------------------------------------------------------------------


def test_a_payment_is_refunded_in_part_then_in_full_once_per_key(gateway, localstripe_server):
    intent = new_intent(gateway, amount_pence=2400)
    pay_with_test_card(localstripe_server, intent)
    key = new_key("refund")

    part = gateway.refund(intent.id, amount_pence=1000, idempotency_key=key)

    assert part.id.startswith("re_")
    assert (part.status, part.amount_pence) == ("succeeded", 1000)
    assert gateway.refund(intent.id, amount_pence=1000, idempotency_key=key) == part
    rest = gateway.refund(intent.id, amount_pence=1400, idempotency_key=new_key("refund"))
    assert rest.id != part.id
    assert (rest.status, rest.amount_pence) == ("succeeded", 1400)


def test_a_whole_payment_is_refunded(gateway, localstripe_server):
    intent = new_intent(gateway, amount_pence=3600)
    pay_with_test_card(localstripe_server, intent)

    refund = gateway.refund(intent.id, amount_pence=3600, idempotency_key=new_key("refund"))

    assert (refund.status, refund.amount_pence) == ("succeeded", 3600)


def test_a_declined_payment_cannot_be_refunded(gateway, localstripe_server):
    intent = new_intent(gateway)
    pay_with_test_card(localstripe_server, intent, DECLINED_CARD)

    with pytest.raises(GatewayError):
        gateway.refund(intent.id, amount_pence=2400, idempotency_key=new_key("refund"))


# --- the service unreachable -----------------------------------------------------------------------


def test_an_unreachable_service_is_a_gateway_error_without_the_key(stripe_settings, monkeypatch):
    with socket.create_server(("127.0.0.1", 0)) as closed:
        port = closed.getsockname()[1]
    stripe_settings.STRIPE_API_BASE = f"http://127.0.0.1:{port}"
    # The SDK waits 0.5-1 s before each of its two retries: the test counts them without waiting.
    waits = []
    monkeypatch.setattr(stripe.RequestsClient, "_sleep_time_seconds", lambda self, n: waits.append(n) or 0.0)

    with pytest.raises(GatewayError) as raised:
        new_intent(get_gateway())

    assert raised.value.message == UNREACHABLE
    assert str(raised.value) == UNREACHABLE
    assert STRIPE_SECRET_KEY not in str(raised.value)
    assert waits == [1, 2]


# --- webhooks --------------------------------------------------------------------------------------


@pytest.fixture
def webhook_gateway(settings):
    # No server: a webhook is checked with the signing secret alone.
    settings.STRIPE_SECRET_KEY = STRIPE_SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_bluelamp"
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET
    return get_gateway()


EVENT = {
    "id": "evt_1",
    "object": "event",
    "type": "payment_intent.succeeded",
    "created": 1_800_000_000,
    "data": {"object": {"id": "pi_1", "object": "payment_intent", "metadata": {"booking": "42"}}},
}


def now() -> int:
    # The Stripe SDK checks a signature's time against the machine's clock.
    return int(time.time())


def test_a_signed_webhook_is_accepted(webhook_gateway):
    body, header = signed_webhook(EVENT, STRIPE_WEBHOOK_SECRET, at=now())

    event = webhook_gateway.parse_webhook(body, header)

    assert (event.id, event.type) == ("evt_1", "payment_intent.succeeded")
    assert event.object == {"id": "pi_1", "object": "payment_intent", "metadata": {"booking": "42"}}


@pytest.mark.parametrize(
    "secret, age",
    [
        pytest.param("whsec_someone_else", 0, id="wrong secret"),
        pytest.param(STRIPE_WEBHOOK_SECRET, 301, id="older than 300 s"),
    ],
)
def test_a_wrongly_signed_or_stale_webhook_is_refused(webhook_gateway, secret, age):
    body, header = signed_webhook(EVENT, secret, at=now() - age)

    with pytest.raises(InvalidWebhook):
        webhook_gateway.parse_webhook(body, header)


def test_a_webhook_that_was_changed_is_refused(webhook_gateway):
    body, header = signed_webhook(EVENT, STRIPE_WEBHOOK_SECRET, at=now())

    with pytest.raises(InvalidWebhook):
        webhook_gateway.parse_webhook(body.replace(b"pi_1", b"pi_2"), header)


@pytest.mark.parametrize("header", ["", "v1=abc", "t=soon,v1=abc"])
def test_a_webhook_without_a_signature_is_refused(webhook_gateway, header):
    body, _ = signed_webhook(EVENT, STRIPE_WEBHOOK_SECRET, at=now())

    with pytest.raises(InvalidWebhook):
        webhook_gateway.parse_webhook(body, header)


@pytest.mark.parametrize("body", [b'{"id": "evt_1", "type":', b"[]", b'{"object": "event"}', b"\xff"])
def test_a_signed_body_that_is_not_an_event_is_refused(webhook_gateway, body):
    with pytest.raises(InvalidWebhook):
        webhook_gateway.parse_webhook(body, signature_header(body, STRIPE_WEBHOOK_SECRET, now()))


def test_without_a_webhook_secret_every_webhook_is_refused(webhook_gateway, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    body, header = signed_webhook(EVENT, "", at=now())

    with pytest.raises(InvalidWebhook):
        get_gateway().parse_webhook(body, header)


class _Receiver(http.server.BaseHTTPRequestHandler):
    received: queue.Queue

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.put((body, self.headers.get("Stripe-Signature", "")))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_localstripe_delivers_a_signed_payment_succeeded_webhook(gateway, localstripe_server):
    received = queue.Queue()
    handler = type("Receiver", (_Receiver,), {"received": received})
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as receiver:
        threading.Thread(target=receiver.serve_forever, daemon=True).start()
        name = new_key("webhook")
        register_webhook(
            localstripe_server,
            f"http://127.0.0.1:{receiver.server_address[1]}/payments/webhook",
            STRIPE_WEBHOOK_SECRET,
            name=name,
            events=["payment_intent.succeeded"],
        )
        try:
            intent = new_intent(gateway, booking="77")
            pay_with_test_card(localstripe_server, intent)
            # localstripe posts each event a second after it happens; earlier tests' may come first.
            deadline = time.monotonic() + 10
            while True:
                body, header = received.get(timeout=max(deadline - time.monotonic(), 0.01))
                event = gateway.parse_webhook(body, header)
                if event.object["id"] == intent.id:
                    break
        finally:
            register_webhook(localstripe_server, "http://127.0.0.1:9/", "whsec_off", name=name, events=[])
            receiver.shutdown()

    assert event.type == "payment_intent.succeeded"
    assert event.id.startswith("evt_")
    assert event.object["id"] == intent.id
    assert event.object["status"] == "succeeded"
    assert event.object["metadata"] == {"booking": "77"}
