"""The payment gateway: how a paid event place is paid for by card, and refunded.

Design. The booking code talks to a `PaymentGateway` (a Protocol) and never to a card processor's
SDK: it gets plain frozen values back (`Intent`, `Refund`, `WebhookEvent`) and one exception,
`GatewayError`, whose message may be shown to the person paying as it is. `StripeGateway` is the one
implementation, on Stripe PaymentIntents (not Checkout): the server creates an intent for the
amount in pence; the payment page loads Stripe.js (`js_url`) with the `publishable_key` and
confirms the intent in the browser with the intent's `client_secret`, so card numbers never reach
Bluelamp; the outcome reaches us as a signed webhook (`parse_webhook`), and `retrieve_intent` reads
it again when a page needs it at once. Cancelling an unpaid intent and refunding a paid one, fully
or in part, are the only other calls.

Every call that changes something at Stripe carries an idempotency key, chosen by the caller from
what it is doing (e.g. "booking-42-intent"): a retry after a time-out or a second click cannot
charge, cancel or refund twice, as Stripe answers a repeated key with its first answer.

Each `StripeGateway` has its own `stripe.StripeClient` (never the SDK's global `stripe.api_key`),
built from settings: STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY, STRIPE_WEBHOOK_SECRET,
STRIPE_API_BASE (Stripe, or a fake Stripe server in the tests) and STRIPE_JS_URL. `get_gateway()`
builds one per call, which is cheap and follows settings changed in tests. Requests time out after
10 seconds and a failed connection is tried twice more. Keys are never logged nor put in a message.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import stripe
from django.conf import settings

logger = logging.getLogger(__name__)

UNREACHABLE = "The card payment service could not be reached: try again in a few minutes."
REFUSED = "The card payment service refused this request: please try again later, or contact us."
NOT_SET_UP = "Card payments are not available on this site."


@dataclass(frozen=True)
class Intent:
    """A payment of one amount, from creation ("requires_payment_method") to "succeeded" or
    "canceled". The client secret goes to the payment page only, for Stripe.js to confirm it."""

    id: str
    client_secret: str
    status: str
    amount_pence: int
    currency: str
    metadata: dict[str, str]


@dataclass(frozen=True)
class Refund:
    id: str
    status: str
    amount_pence: int


@dataclass(frozen=True)
class WebhookEvent:
    """A verified event from the gateway: its id (to process each once), its type (e.g.
    "payment_intent.succeeded") and the object it is about, as plain data."""

    id: str
    type: str
    object: dict


class GatewayError(Exception):
    """The gateway was unreachable or refused the request. The message is safe to show the person
    paying (it never holds a key or secret); `code` is the gateway's own error code, if any (e.g.
    "card_declined", "resource_missing"), for the code that handles it."""

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class InvalidWebhook(Exception):
    """A webhook whose signature is missing, wrong or too old, or whose body is not an event."""


class PaymentGateway(Protocol):
    name: str
    publishable_key: str
    js_url: str

    def create_intent(
        self,
        *,
        amount_pence: int,
        currency: str = "gbp",
        description: str,
        metadata: dict[str, str],
        idempotency_key: str,
    ) -> Intent: ...

    def retrieve_intent(self, intent_id: str) -> Intent: ...

    def cancel_intent(self, intent_id: str, *, idempotency_key: str) -> Intent: ...

    def refund(self, intent_id: str, *, amount_pence: int, idempotency_key: str) -> Refund: ...

    def parse_webhook(self, payload: bytes, signature_header: str) -> WebhookEvent: ...


class StripeGateway:
    """`PaymentGateway` on Stripe PaymentIntents, through the official SDK."""

    name = "stripe"
    TIMEOUT_SECONDS = 10
    MAX_NETWORK_RETRIES = 2
    WEBHOOK_TOLERANCE_SECONDS = 300

    def __init__(
        self,
        *,
        secret_key: str,
        publishable_key: str,
        webhook_secret: str,
        api_base: str = "https://api.stripe.com",
        js_url: str = "https://js.stripe.com/v3/",
    ) -> None:
        self.publishable_key = publishable_key
        self.js_url = js_url
        self._webhook_secret = webhook_secret
        self._client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_base.rstrip("/")},
            max_network_retries=self.MAX_NETWORK_RETRIES,
            http_client=stripe.RequestsClient(timeout=self.TIMEOUT_SECONDS),
        )

    def __repr__(self) -> str:  # never the keys
        return f"<StripeGateway {self.publishable_key[:8]}...>"

    @classmethod
    def from_settings(cls) -> StripeGateway:
        return cls(
            secret_key=settings.STRIPE_SECRET_KEY,
            publishable_key=settings.STRIPE_PUBLISHABLE_KEY,
            webhook_secret=settings.STRIPE_WEBHOOK_SECRET,
            api_base=settings.STRIPE_API_BASE,
            js_url=settings.STRIPE_JS_URL,
        )

    def create_intent(
        self,
        *,
        amount_pence: int,
        currency: str = "gbp",
        description: str,
        metadata: dict[str, str],
        idempotency_key: str,
    ) -> Intent:
        with _translated_errors("create_intent"):
            intent = self._client.v1.payment_intents.create(
                params={
                    "amount": amount_pence,
                    "currency": currency.lower(),
                    "description": description,
                    "metadata": metadata,
                },
                options={"idempotency_key": idempotency_key},
            )
        return _intent(intent.to_dict())

    def retrieve_intent(self, intent_id: str) -> Intent:
        with _translated_errors("retrieve_intent"):
            intent = self._client.v1.payment_intents.retrieve(intent_id)
        return _intent(intent.to_dict())

    def cancel_intent(self, intent_id: str, *, idempotency_key: str) -> Intent:
        with _translated_errors("cancel_intent"):
            intent = self._client.v1.payment_intents.cancel(
                intent_id, options={"idempotency_key": idempotency_key}
            )
        return _intent(intent.to_dict())

    def refund(self, intent_id: str, *, amount_pence: int, idempotency_key: str) -> Refund:
        with _translated_errors("refund"):
            refund = self._client.v1.refunds.create(
                params={"payment_intent": intent_id, "amount": amount_pence},
                options={"idempotency_key": idempotency_key},
            )
        data = refund.to_dict()
        return Refund(id=data["id"], status=data.get("status") or "", amount_pence=int(data["amount"]))

    def parse_webhook(self, payload: bytes, signature_header: str) -> WebhookEvent:
        try:
            event = self._client.construct_event(
                payload,
                signature_header,
                self._webhook_secret,
                tolerance=self.WEBHOOK_TOLERANCE_SECONDS,
            )
            data = event.to_dict()
            return WebhookEvent(id=data["id"], type=data["type"], object=dict(data["data"]["object"]))
        except stripe.SignatureVerificationError as exc:
            raise InvalidWebhook(f"Bad signature: {exc.user_message or 'not verified'}") from exc
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            # Not JSON (json's errors are ValueErrors), or JSON but not a Stripe event.
            raise InvalidWebhook("The body is not a Stripe event.") from exc


def _intent(data: dict[str, Any]) -> Intent:
    return Intent(
        id=data["id"],
        client_secret=data.get("client_secret") or "",
        status=data["status"],
        amount_pence=int(data["amount"]),
        currency=data["currency"],
        metadata={str(k): str(v) for k, v in (data.get("metadata") or {}).items()},
    )


@contextmanager
def _translated_errors(operation: str) -> Iterator[None]:
    """Turns the SDK's errors into `GatewayError`s with a message fit for the person paying, and
    logs what happened (the error's class, code and Stripe's request id: never a key)."""
    try:
        yield
    except stripe.StripeError as exc:
        logger.warning(
            "Stripe %s failed: %s (code %s, HTTP %s, request %s)",
            operation,
            type(exc).__name__,
            exc.code,
            exc.http_status,
            exc.request_id,
        )
        if isinstance(exc, stripe.CardError):
            message = exc.user_message or "Your card was declined."
        elif isinstance(exc, stripe.APIConnectionError | stripe.RateLimitError) or (
            isinstance(exc, stripe.APIError) and (exc.http_status or 500) >= 500
        ):
            message = UNREACHABLE
        else:
            # Invalid request, authentication, permission, idempotency: our side's mistake, which the
            # log tells; the person paying is only told that it did not happen.
            message = REFUSED
        raise GatewayError(message, code=exc.code) from exc


def get_gateway() -> PaymentGateway:
    """The payment gateway, from settings; GatewayError when card payments are not set up."""
    if not payments_configured():
        raise GatewayError(NOT_SET_UP)
    return StripeGateway.from_settings()


def payments_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_PUBLISHABLE_KEY)
